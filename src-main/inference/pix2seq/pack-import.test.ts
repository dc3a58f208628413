/**
 * A Pix2seq pack made elsewhere (docs/models/pix2seq.md) goes through `models import`,
 * `list`, `info`, `verify` and then runs like the bundled one; a pack without its labels
 * file is refused at import, naming the file.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { iouXywh, plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();
const FIXTURE = resolve(import.meta.dirname, '../../../models/fixtures/pix2seq-fixture');

/** A copy of the fixture pack under another id, as a person's export would arrive. */
function exportedPack(dir: string, id: string): string {
  const src = join(dir, id);
  cpSync(FIXTURE, src, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(src, 'pack.json'), 'utf8'));
  writeFileSync(join(src, 'pack.json'), JSON.stringify({ ...manifest, id, displayName: 'My Pix2seq export', fixture: false }, null, 2));
  return src;
}

describe('labelwright models with a Pix2seq pack', () => {
  it('import, list, info and verify an exported pack, then predict with it', async () => {
    const d = tmp();
    const env = { LABELWRIGHT_MODELS: join(d, 'models') };
    const imp = runCli(['--json', 'models', 'import', exportedPack(d, 'my-pix2seq')], { env });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json).toMatchObject({ id: 'my-pix2seq', status: 'installed', source: 'user' });

    const list = runCli(['models', 'list'], { env });
    expect(list.stdout).toMatch(/my-pix2seq\s+pix2seq\s+installed\s/);
    const info = runCli(['models', 'info', 'my-pix2seq'], { env });
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/labels\s+labels\.json\s+present/);
    const verify = runCli(['models', 'verify', 'my-pix2seq'], { env });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('all files verified');

    const f = join(d, 'red.png');
    writeFileSync(f, await plantedImage(400, 300, [{ x: 50, y: 60, w: 120, h: 100, colour: RED }]));
    const r = runCli(['--json', 'predict', 'my-pix2seq', f, '--categories', 'red'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.detections).toHaveLength(1);
    expect(iouXywh(r.json.detections[0].bbox, [50, 60, 120, 100])).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('refuses a pack without its labels file, naming it (model exit code)', () => {
    const d = tmp();
    const src = exportedPack(d, 'no-labels');
    rmSync(join(src, 'labels.json'));
    const r = runCli(['models', 'import', src], { env: { LABELWRIGHT_MODELS: join(d, 'models') } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('labels.json');
  });
});
