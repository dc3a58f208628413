/**
 * Writes the synthetic sample images in resources/samples/synthetic: coloured shapes on
 * textured grey that the fixture model packs (colour detectors) can see. Run once; the
 * PNGs are committed so the demo needs no generation step.
 */
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = join(import.meta.dirname, '..', 'resources', 'samples', 'synthetic');
mkdirSync(out, { recursive: true });

const scenes: { name: string; w: number; h: number; shapes: string }[] = [
  { name: 'red-square.png', w: 640, h: 480, shapes: `<rect x="200" y="140" width="128" height="128" fill="#e00000"/>` },
  { name: 'blue-and-red.png', w: 800, h: 600, shapes: `<rect x="60" y="80" width="220" height="160" fill="#0020d0"/><rect x="460" y="300" width="180" height="200" fill="#d00010"/>` },
  { name: 'half-blue.png', w: 600, h: 400, shapes: `<rect x="0" y="0" width="300" height="400" fill="#0000e0"/>` },
  { name: 'green-disc-portrait.png', w: 360, h: 640, shapes: `<circle cx="180" cy="300" r="110" fill="#00c000"/><rect x="40" y="500" width="90" height="90" fill="#e00000"/>` },
];

for (const s of scenes) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${s.w}" height="${s.h}">
    <defs><pattern id="p" width="16" height="16" patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="#7a7a7a"/><rect width="8" height="8" fill="#868686"/></pattern></defs>
    <rect width="100%" height="100%" fill="url(#p)"/>${s.shapes}</svg>`;
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toFile(join(out, s.name));
}
console.log(`wrote ${scenes.length} images to ${out}`);
