/** `npx tsx scripts/gen-fixtures.ts [outRoot]`: regenerates models/fixtures/* (commit the result). */
import { resolve } from 'node:path';
import { generateFixturePacks } from '../tools/fixtures/generate';

const root = resolve(process.argv[2] ?? 'models/fixtures');
const out = await generateFixturePacks(root);
console.log(`wrote ${out.glip}\nwrote ${out.groupvit}`);
