#!/usr/bin/env node
// The README's main job: build a project from the bundled sample images, pre-label it
// with the fixture model packs (GLIP boxes fused with GroupViT masks), and export COCO —
// all offline, on a fresh clone. With real packs installed, pass their ids instead:
//   npm run demo -- glip-tiny-o365-goldg groupvit-gcc-yfcc
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/build-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The demo runs the compiled CLI: rebuild it first if a source changed since `npm ci`.
await buildCli({ ifStale: true });
const work = join(root, '.tmp', 'demo');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const project = join(work, 'samples.lw');
const out = join(work, 'samples.coco.json');

function lw(...args) {
  console.log(`\n$ labelwright ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'labelwright.js'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

lw('init', project);
lw('add', project, join(root, 'resources', 'samples'));
const packs = process.argv.slice(2).length ? process.argv.slice(2) : ['glip-fixture', 'groupvit-fixture'];
lw('categories', project, 'add', 'red,green,blue');
lw('prelabel', project, ...packs.flatMap((p) => ['--pack', p]), '--fuse', '--images', 'all');
lw('stats', project);
lw('export', 'coco', project, out, '--include-pending');
console.log(`\nDone: project ${project}\n      COCO    ${out}`);
