/**
 * The interactive layer's part for multi-selection: an outline on every selected box (the
 * primary one also gets its handles from the canvas when it is alone), the boxes of a
 * group being moved at their live place, and the marquee being dragged.
 */
import { Group, Image as KImage, Rect } from 'react-konva';
import { maskSprite } from './masks';
import type { Annotation } from '../../../src-main/shared/contract';
import type { GesturePreview } from './tools';

export function SelectionOverlay(p: {
  annotations: readonly Annotation[];
  selectedIds: readonly number[];
  preview: GesturePreview | null;
  /** Masks of a moving group are drawn live with their boxes (null: masks are off). */
  maskOpacity: number | null;
  colorOf: (categoryId: number) => string;
  zoom: number;
}) {
  const moving = p.preview?.kind === 'group' ? p.preview : null;
  const ids = new Set(p.selectedIds);
  // One selected box is drawn by the canvas with its handles; outlines are for groups.
  const outlined = ids.size > 1 || moving ? p.annotations.filter((a) => ids.has(a.id)) : [];
  const dx = moving?.dx ?? 0,
    dy = moving?.dy ?? 0;
  return (
    <Group listening={false}>
      {moving &&
        p.maskOpacity != null &&
        outlined.map((a) => {
          const m = a.rle ? maskSprite(a.rle, p.colorOf(a.categoryId)) : null;
          return m ? (
            <KImage
              key={`m${a.id}`}
              image={m.canvas}
              x={m.x + Math.round(dx)}
              y={m.y + Math.round(dy)}
              width={m.canvas.width}
              height={m.canvas.height}
              opacity={p.maskOpacity ?? 0}
            />
          ) : null;
        })}
      {outlined.map((a) => (
        // The category's colour, then white dashes over it: selected on any image and colour.
        <Group key={a.id}>
          <Rect
            x={a.bbox[0] + dx}
            y={a.bbox[1] + dy}
            width={a.bbox[2]}
            height={a.bbox[3]}
            stroke={p.colorOf(a.categoryId)}
            strokeWidth={3}
            strokeScaleEnabled={false}
            fill="rgba(255,255,255,0.12)"
            shadowColor="#000"
            shadowBlur={4}
            shadowOpacity={0.7}
          />
          <Rect
            x={a.bbox[0] + dx}
            y={a.bbox[1] + dy}
            width={a.bbox[2]}
            height={a.bbox[3]}
            stroke="#ffffff"
            strokeWidth={1.5}
            strokeScaleEnabled={false}
            dash={[6 / p.zoom, 4 / p.zoom]}
          />
        </Group>
      ))}
      {p.preview?.kind === 'marquee' && (
        <Rect
          x={p.preview.bbox[0]}
          y={p.preview.bbox[1]}
          width={p.preview.bbox[2]}
          height={p.preview.bbox[3]}
          stroke="#8ab4ff"
          strokeWidth={1}
          strokeScaleEnabled={false}
          dash={[4 / p.zoom, 3 / p.zoom]}
          fill="rgba(138,180,255,0.12)"
        />
      )}
    </Group>
  );
}
