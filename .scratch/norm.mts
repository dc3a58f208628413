const W=1422,H=800,PW=1440,PH=800;
const rgb = new Uint8Array(W*H*3); for (let i=0;i<rgb.length;i++) rgb[i]=(i*7)&255;
const L = [0,1,2].map(c=>{const t=new Float32Array(256); for(let v=0;v<256;v++) t[v]=(v/255-0.4)/0.2; return t;});
function v1(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const l0=L[2],l1=L[1],l2=L[0];
  for (let y=0;y<H;y++){ let i=y*W*3; let o=y*PW; const end=o+W; for(;o<end;o++,i+=3){ out[o]=l0[rgb[i+2]]; out[o+plane]=l1[rgb[i+1]]; out[o+2*plane]=l2[rgb[i]]; } } return out; }
function v2(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const l0=L[2],l1=L[1],l2=L[0];
  const o0=out.subarray(0,plane), o1=out.subarray(plane,2*plane), o2=out.subarray(2*plane);
  for (let y=0;y<H;y++){ let i=y*W*3; let o=y*PW; const end=o+W; for(;o<end;o++,i+=3){ o0[o]=l0[rgb[i+2]]; o1[o]=l1[rgb[i+1]]; o2[o]=l2[rgb[i]]; } } return out; }
function v3(){ const out=new Float32Array(3*PW*PH); const plane=PW*PH; const l0=L[2],l1=L[1],l2=L[0];
  const o0=out.subarray(0,plane), o1=out.subarray(plane,2*plane), o2=out.subarray(2*plane);
  for (let y=0;y<H;y++){ let i=y*W*3; const row=y*PW; 
    for(let x=0;x<W;x++){ const r=rgb[i], g=rgb[i+1], b=rgb[i+2]; i+=3; o0[row+x]=l0[b]; o1[row+x]=l1[g]; o2[row+x]=l2[r]; } } return out; }
for (const [n,f] of [['v1',v1],['v2',v2],['v3',v3],['v1',v1],['v2',v2],['v3',v3]] as const) { for(let k=0;k<3;k++) f(); const xs=[]; for(let k=0;k<10;k++){const t=performance.now(); f(); xs.push(performance.now()-t);} xs.sort((a,b)=>a-b); console.log(n, xs[2].toFixed(2), xs[5].toFixed(2)); }
