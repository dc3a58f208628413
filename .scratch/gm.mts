const H=448,W=796,G=8; const n=H*W;
const attn = new Float32Array(n*G); for (let i=0;i<attn.length;i++) attn[i]=Math.random();
function a(){ const out=new Uint8Array(n); for (let p=0,o=0;p<n;p++,o+=G){ let best=0,bv=attn[o]; for(let g=1;g<G;g++){const v=attn[o+g]; if(v>bv){bv=v;best=g;}} out[p]=best;} return out; }
function b(){ const out=new Uint8Array(n); for (let p=0,o=0;p<n;p++,o+=8){ 
  const v0=attn[o],v1=attn[o+1],v2=attn[o+2],v3=attn[o+3],v4=attn[o+4],v5=attn[o+5],v6=attn[o+6],v7=attn[o+7];
  let b01=v1>v0?1:0, m01=v1>v0?v1:v0; let b23=v3>v2?3:2, m23=v3>v2?v3:v2; let b45=v5>v4?5:4, m45=v5>v4?v5:v4; let b67=v7>v6?7:6, m67=v7>v6?v7:v6;
  let bA=m23>m01?b23:b01, mA=m23>m01?m23:m01; let bB=m67>m45?b67:b45, mB=m67>m45?m67:m45;
  out[p]= mB>mA?bB:bA; } return out; }
for (let rep=0;rep<2;rep++) for (const [nm,f] of [['a',a],['b',b]] as const){ for(let k=0;k<5;k++) f(); const xs=[]; for(let k=0;k<15;k++){const t=performance.now(); f(); xs.push(performance.now()-t);} xs.sort((x,y)=>x-y); console.log(nm, xs[0].toFixed(2), xs[7].toFixed(2)); }
const A=a(), B=b(); let d=0; for (let i=0;i<n;i++) if (A[i]!==B[i]) d++; console.log('diff', d);
