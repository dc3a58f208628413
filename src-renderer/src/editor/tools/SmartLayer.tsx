/**
 * What the Smart tool draws on the canvas's interactive layer: the preview mask SAM answered
 * (tinted in the category's colour, with its outline), the box prompt, and the points:
 * green for positive, red for negative. Nothing here listens to the pointer.
 */
import { useMemo } from 'react';
import { Circle, Group, Image as KImage, Line, Rect } from 'react-konva';
import { decodeRle } from '../../../../src-main/shared/masks';
import { maskSprite } from '../masks';
import { outlineOf } from './polygon-geometry';
import type { SmartState } from './smart-session';

export const POSITIVE = '#2ecc71';
export const NEGATIVE = '#ff4d4f';

export function SmartLayer(p: { state: SmartState; color: string; zoom: number; opacity: number }) {
  const { preview, items } = p.state;
  const sprite = preview ? maskSprite(preview.rle, p.color) : null;
  // A black-and-white outline keeps the preview's edge readable on any image and under any
  // category colour, a red preview on a red object included (traced once per answer).
  const rings = useMemo(
    () => (preview && preview.area ? outlineOf(decodeRle(preview.rle)).shown : []),
    [preview],
  );
  const r = 6 / p.zoom;
  return (
    <Group listening={false}>
      {sprite && (
        <KImage
          image={sprite.canvas}
          x={sprite.x}
          y={sprite.y}
          width={sprite.canvas.width}
          height={sprite.canvas.height}
          opacity={Math.max(0.45, Math.min(0.65, p.opacity))}
        />
      )}
      {rings.map((ring, i) => (
        <Group key={i}>
          <Line
            points={ring}
            closed
            stroke="#000000"
            strokeWidth={3.5}
            strokeScaleEnabled={false}
            opacity={0.75}
          />
          <Line points={ring} closed stroke="#ffffff" strokeWidth={1.5} strokeScaleEnabled={false} />
        </Group>
      ))}
      {items.map((it, i) =>
        it.kind === 'box' ? (
          <Rect
            key={i}
            x={it.bbox[0]}
            y={it.bbox[1]}
            width={it.bbox[2]}
            height={it.bbox[3]}
            stroke={POSITIVE}
            strokeWidth={2}
            dash={[6 / p.zoom, 4 / p.zoom]}
            strokeScaleEnabled={false}
          />
        ) : (
          <Circle
            key={i}
            name={it.label ? 'smart-positive' : 'smart-negative'}
            x={it.x}
            y={it.y}
            radius={r}
            fill={it.label ? POSITIVE : NEGATIVE}
            stroke="#ffffff"
            strokeWidth={2}
            strokeScaleEnabled={false}
            shadowColor="#000"
            shadowBlur={3}
            shadowOpacity={0.6}
          />
        ),
      )}
    </Group>
  );
}
