#!/usr/bin/env node
// The README's main job: build a project from the bundled sample photos, define
// categories, and export COCO — all offline, on a fresh clone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
lw('categories', project, 'add', 'person,cat,cup,rocket');
lw('stats', project);
lw('export', 'coco', project, out);
console.log(`\nDone: project ${project}\n      COCO    ${out}`);
