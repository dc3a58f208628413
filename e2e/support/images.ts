/** Synthetic test images: saturated squares on grey at known places (the fixture GLIP finds them). */
import sharp from 'sharp';

export interface Square {
  color: 'red' | 'green' | 'blue';
  x: number;
  y: number;
  size: number;
}

const RGB = {
  red: { r: 230, g: 20, b: 20 },
  green: { r: 20, g: 200, b: 20 },
  blue: { r: 20, g: 40, b: 230 },
};

export async function writeSquares(
  file: string,
  width: number,
  height: number,
  squares: Square[],
): Promise<void> {
  const overlays = await Promise.all(
    squares.map(async (s) => ({
      input: await sharp({ create: { width: s.size, height: s.size, channels: 3, background: RGB[s.color] } })
        .png()
        .toBuffer(),
      left: s.x,
      top: s.y,
    })),
  );
  await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite(overlays)
    .png()
    .toFile(file);
}
