/**
 * What the editor is shown: `/images/:id` on the real browser host, for JPEG, PNG, WebP and
 * TIFF with each of the eight EXIF orientations. The response is decoded WITHOUT
 * auto-rotation (Chromium ignores WebP orientation, so the served pixels must already be
 * upright): its size is the project's recorded size and the red block is top-left.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIENTATIONS, readAsPainted, storedPixels, UPRIGHT, UPRIGHT_CORNERS, writeOriented } from '../testing/oriented-image';
import { writeBmp } from '../testing/write-image';
import { ProjectService } from '../services/project-service';
import { startHost, type RunningHost } from './host';

const FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const;
const EXT = { jpeg: 'jpg', png: 'png', webp: 'webp', tiff: 'tif' } as const;
/** What a browser can show, by the format sharp reads from the body. */
const SHOWABLE: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const { width: W, height: H } = UPRIGHT;

function get(port: number, path: string, token: string, method = 'GET'): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// One project for all cases (34 files), so one folder for the whole file, not useTmp's per-test one.
let dir: string;
let host: RunningHost;
let images: string;
const byName = new Map<string, { id: number; width: number; height: number }>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lw-test-'));
  images = join(dir, 'images');
  mkdirSync(images, { recursive: true });
  for (const f of FORMATS) for (const o of ORIENTATIONS) await writeOriented(join(images, `${f}-${o}.${EXT[f]}`), f, o);
  await sharp(storedPixels(1).data, { raw: { width: W, height: H, channels: 3 } }).webp({ quality: 95 }).toFile(join(images, 'plain.webp'));
  writeBmp(join(images, 'plain.bmp'), W, H);
  const project = join(dir, 'p.lw');
  const svc = ProjectService.create(project);
  await svc.addFolder(images);
  for (const i of svc.listImages()) byName.set(i.path.split(/[\\/]/).pop()!, { id: i.id, width: i.width, height: i.height });
  svc.close();
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  host = await startHost({ project, rendererDir, userDataDir: join(dir, 'ud'), logError: () => undefined });
});
afterAll(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('display images are served upright (browser host /images/:id)', () => {
  it('the fixtures are what they claim: sharp auto-orients each to the upright picture', async () => {
    for (const f of FORMATS)
      for (const o of ORIENTATIONS) {
        const file = join(images, `${f}-${o}.${EXT[f]}`);
        expect((await sharp(file).metadata()).orientation, `${f} ${o}`).toBe(o);
        const px = await readAsPainted(await sharp(file).autoOrient().png().toBuffer());
        expect(px, `${f} ${o}`).toEqual({ width: W, height: H, corners: UPRIGHT_CORNERS });
      }
  });

  for (const f of FORMATS)
    it(`${f}: each of the 8 orientations arrives upright at the recorded size, in a format the browser shows`, async () => {
      for (const o of ORIENTATIONS) {
        const name = `${f}-${o}.${EXT[f]}`;
        const rec = byName.get(name)!;
        expect([rec.width, rec.height], `recorded size of ${name}`).toEqual([W, H]);
        const res = await get(host.port, `/images/${rec.id}`, host.token);
        expect(res.status, name).toBe(200);
        const meta = await sharp(res.body).metadata();
        expect(SHOWABLE[meta.format ?? ''], `${name} served as ${meta.format}`).toBe(res.type);
        // nothing left for the browser to apply (Chromium would turn JPEG and PNG again)
        expect(meta.orientation ?? 1, name).toBe(1);
        expect(await readAsPainted(res.body), name).toEqual({ width: rec.width, height: rec.height, corners: UPRIGHT_CORNERS });
        if (o === 1 && f !== 'tiff') expect(res.body.equals(readFileSync(join(images, name))), `${name}: bytes untouched`).toBe(true);
        // HEAD answers with the same type and no body
        const head = await get(host.port, `/images/${rec.id}`, host.token, 'HEAD');
        expect([head.status, head.type, head.body.length], `HEAD ${name}`).toEqual([200, res.type, 0]);
      }
    });

  it('images without an orientation go out byte for byte (WebP, BMP)', async () => {
    for (const [name, type] of [
      ['plain.webp', 'image/webp'],
      ['plain.bmp', 'image/bmp'],
    ]) {
      const res = await get(host.port, `/images/${byName.get(name)!.id}`, host.token);
      expect([res.status, res.type], name).toEqual([200, type]);
      expect(res.body.equals(readFileSync(join(images, name))), name).toBe(true);
    }
  });
});
