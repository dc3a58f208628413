import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../engine';
import { REPO_ROOT } from '../../testing/cli';
import { bmpWithSquare } from '../../testing/bmp-square';
import { useTmp } from '../../testing/tmp';
import { iouXywh } from '../../testing/planted-images';

const tmp = useTmp();

describe('BMP images', () => {
  it('pre-labels a BMP like any other image (sharp alone cannot read it)', async () => {
    const file = join(tmp(), 'square.bmp');
    writeFileSync(file, bmpWithSquare(400, 300, { x: 120, y: 80, s: 128 }, '24'));
    await expect(sharp(file).metadata()).rejects.toThrow();
    const engine = await createEngine({ pack: join(REPO_ROOT, 'models', 'fixtures', 'glip-fixture') });
    try {
      const r = await engine.predict(file, [{ id: 1, name: 'red' }]);
      expect([r.width, r.height]).toEqual([400, 300]);
      expect(r.detections.length).toBeGreaterThan(0);
      expect(iouXywh(r.detections[0].bbox, [120, 80, 128, 128])).toBeGreaterThanOrEqual(0.9);
    } finally {
      await engine.close();
    }
  });
});
