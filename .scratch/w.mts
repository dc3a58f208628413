import sharp from 'sharp';
import { createWorkerEngine } from '../src-main/inference/worker/client.ts';
const img = await sharp({create:{width:640,height:480,channels:3,background:{r:128,g:128,b:128}}}).png().toBuffer();
const e = await createWorkerEngine({ pack: 'glip-fixture' });
console.log(e.info.ep);
const h = await e.prepare(img);
console.log(h, (await e.run(h, [{id:1,name:'red'}])).detections);
await e.predict(img, []).catch(err => console.log('err', err.code, err.message));
await e.close();
