const W=1422,H=800,PW=1440,PH=800;
const rgb = new Uint8Array(W*H*3); for (let i=0;i<rgb.length;i++) rgb[i]=(i*7)&255;
const L = [0,1,2].map(c=>{const t=new Float32Array(256); for(let v=0;v<256;v++) t[v]=(v/255-0.4)/0.2; return t;});
function v1(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const l0=L[2],l1=L[1],l2=L[0];
  for (let y=0;y<H;y++){ let i=y*W*3; let o=y*PW; const end=o+W; for(;o<end;o++,i+=3){ out[o]=l0[rgb[i+2]]; out[o+plane]=l1[rgb[i+1]]; out[o+2*plane]=l2[rgb[i]]; } } return out; }
function vPlane(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const order=[2,1,0];
  for (let c=0;c<3;c++){ const l=L[order[c]]; const s=order[c]; for (let y=0;y<H;y++){ let i=y*W*3+s; let o=c*plane+y*PW; const end=o+W; for(;o<end;o++,i+=3) out[o]=l[rgb[i]]; } } return out; }
function vMul(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const a=[1/51,1/51,1/51], b=[-2,-2,-2];
  for (let y=0;y<H;y++){ let i=y*W*3; let o=y*PW; const end=o+W; for(;o<end;o++,i+=3){ out[o]=rgb[i+2]*a[0]+b[0]; out[o+plane]=rgb[i+1]*a[1]+b[1]; out[o+2*plane]=rgb[i]*a[2]+b[2]; } } return out; }
const pre=new Float32Array(3*PW*PH);
function vNoAlloc(){ const out=pre; const plane=PW*PH; const l0=L[2],l1=L[1],l2=L[0];
  for (let y=0;y<H;y++){ let i=y*W*3; let o=y*PW; const end=o+W; for(;o<end;o++,i+=3){ out[o]=l0[rgb[i+2]]; out[o+plane]=l1[rgb[i+1]]; out[o+2*plane]=l2[rgb[i]]; } } return out; }
const fs = {v1, vPlane, vMul, vNoAlloc} as Record<string, ()=>unknown>;
for (let rep=0;rep<2;rep++) for (const [n,f] of Object.entries(fs)) { for(let k=0;k<3;k++) f(); const xs=[]; for(let k=0;k<15;k++){const t=performance.now(); f(); xs.push(performance.now()-t);} xs.sort((a,b)=>a-b); console.log(n, xs[0].toFixed(2), xs[7].toFixed(2)); }
