import { createEngine } from '../src-main/inference/engine.ts';
import { groupMap, labelRuns, classMasks, groupAffinity } from '../src-main/inference/groupvit/postprocess.ts';
import ort from 'onnxruntime-node';
const file = 'bench/.data/inference-1080p.jpg';
const e = await createEngine({ pack: 'models/fixtures/groupvit-fixture' });
const p = await e.prepare(file);
const cats = [{id:1,name:'red'},{id:2,name:'blue'},{id:3,name:'green'}];
for (let i=0;i<5;i++) await e.run(p, cats);
// grab raw outputs through a second session
const s = await ort.InferenceSession.create('models/fixtures/groupvit-fixture/image.onnx');
const out = await s.run({ pixel_values: new ort.Tensor('float32', p.data, p.dims) });
const attn = out.attn_map;
const [Hp, Wp, G] = attn.dims; const [, , H, W] = p.dims;
const aff = { final: new Float32Array([0,0,0, 1,0,0, 0,1,0, 0,0,1, 0,0,0, 0,0,0, 0,0,0, 0,0,0]).map((v,i)=>v), G: 8, N: 3, threshold: 0.95, groupLabel: new Int32Array([-1,0,1,2,-1,-1,-1,-1]) };
const t = (n: string, f: () => unknown) => { for (let i=0;i<5;i++) f(); const xs=[]; let r; for (let i=0;i<15;i++){const t0=performance.now(); r=f(); xs.push(performance.now()-t0);} xs.sort((a,b)=>a-b); console.log(n, xs[0].toFixed(2), xs[7].toFixed(2)); return r; };
const gid = t('groupMap', () => groupMap(attn.data as Float32Array, Hp, Wp, G, H, W)) as Uint8Array;
const runs = t('labelRuns', () => labelRuns(gid, H, W, 1080, 1920, aff)) as ReturnType<typeof labelRuns>;
console.log('runs', runs.count);
t('classMasks', () => classMasks(runs, aff, cats, 1080, 1920));
