/**
 * The canvas's static layer: the image, committed masks and boxes. It re-renders only when
 * annotations, categories or mask settings change, never on pointer moves; the annotation
 * a gesture is editing is left out and drawn live on the interactive layer (Canvas.tsx).
 */
import { memo } from 'react';
import { Group, Image as KImage, Layer, Line, Rect, Text } from 'react-konva';
import { annotationLook, fitLabel, labelTextColor, outlineHalo } from './annotation-look';
import type { Annotation, Category } from '../../../src-main/shared/contract';
import { maskSprite } from './masks';
import { FALLBACK_COLOR } from './tools';
import { isLocked } from './view-state';

export interface StaticProps {
  image: HTMLImageElement | null;
  width: number;
  height: number;
  annotations: Annotation[];
  categories: Category[];
  excludeId: number | null;
  excludeMaskId: number | null;
  showMasks: boolean;
  maskOpacity: number;
  /** Label sizes are kept constant on screen; they change in steps, not per wheel tick. */
  zoomBucket: number;
  /** Pending predictions scoring below the accept-all threshold are drawn faded. */
  threshold: number;
  /** Locked annotations and categories (view-state.ts): their labels say "locked". */
  locked: ReadonlySet<number>;
  lockedCategories: ReadonlySet<number>;
}

export const StaticLayer = memo(function StaticLayer(p: StaticProps) {
  const colors = new Map(p.categories.map((c) => [c.id, c]));
  const zoom = Math.pow(2, p.zoomBucket / 4);
  const showLabels = p.annotations.length <= 400;
  return (
    // Zoomed in past 2×, show pixels as pixels: annotators place edges on them.
    <Layer imageSmoothingEnabled={zoom < 2}>
      <Rect x={0} y={0} width={p.width} height={p.height} fill="#2b2f36" listening={false} />
      {p.image && <KImage image={p.image} x={0} y={0} width={p.width} height={p.height} listening={false} />}
      {p.showMasks &&
        p.annotations.map((a) => {
          if (!a.rle || a.id === p.excludeMaskId) return null;
          const m = maskSprite(a.rle, colors.get(a.categoryId)?.color ?? FALLBACK_COLOR);
          return m ? (
            <KImage
              key={`m${a.id}`}
              image={m.canvas}
              x={m.x}
              y={m.y}
              width={m.canvas.width}
              height={m.canvas.height}
              opacity={p.maskOpacity * (a.state === 'pending' ? 0.7 : a.state === 'rejected' ? 0.35 : 1)}
              listening={false}
            />
          ) : null;
        })}
      {p.annotations.map((a) => {
        if (a.id === p.excludeId) return null;
        const cat = colors.get(a.categoryId);
        return (
          <AnnotationBox
            key={a.id}
            a={a}
            color={cat?.color ?? FALLBACK_COLOR}
            name={cat?.name ?? String(a.categoryId)}
            zoom={zoom}
            showLabel={showLabels}
            faded={a.state === 'pending' && (a.score ?? 0) < p.threshold}
            locked={isLocked(p, a)}
          />
        );
      })}
    </Layer>
  );
});

interface BoxProps {
  a: Annotation;
  color: string;
  name: string;
  zoom: number;
  showLabel: boolean;
  faded: boolean;
  /** It cannot be selected or moved: the label says why a click does nothing. */
  locked: boolean;
}

/**
 * One committed box. Memoised on the annotation object: an edit replaces only the edited
 * annotation's object (changes.ts and annotation-diff.ts keep the others), so a commit
 * re-renders one box.
 */
const AnnotationBox = memo(function AnnotationBox({
  a,
  color,
  name,
  zoom,
  showLabel,
  faded,
  locked,
}: BoxProps) {
  const look = annotationLook(a);
  const halo = outlineHalo(color);
  const pending = a.state === 'pending';
  const rejected = a.state === 'rejected';
  const fontSize = 11 / zoom;
  const [x, y, w, h] = a.bbox;
  // Glyphs are about 0.62 em wide: the label stays about as wide as its box.
  const charW = fontSize * 0.62;
  const label = fitLabel(
    name,
    `${a.score != null && a.source !== 'human' ? ` ${(a.score * 100).toFixed(0)}%` : ''}${look.tag ? ` · ${look.tag}` : ''}${locked ? ' · locked' : ''}`,
    (w - fontSize * 0.6) / charW,
  );
  return (
    // Rejected annotations (shown on request) are context, not targets: they take no clicks.
    <Group
      name={rejected ? '' : `ann-${a.id}`}
      opacity={rejected ? 0.4 : faded ? 0.45 : 1}
      listening={!rejected}
    >
      {halo && (
        <Rect
          x={x}
          y={y}
          width={w}
          height={h}
          stroke={halo}
          strokeWidth={look.stroke + 2}
          strokeScaleEnabled={false}
          dash={look.dash ? look.dash.map((d) => d / zoom) : undefined}
          listening={false}
          perfectDrawEnabled={false}
        />
      )}
      <Rect
        name={rejected ? '' : `ann-${a.id}`}
        x={x}
        y={y}
        width={w}
        height={h}
        stroke={color}
        strokeWidth={look.stroke}
        strokeScaleEnabled={false}
        dash={look.dash ? look.dash.map((d) => d / zoom) : undefined}
        fill="rgba(0,0,0,0.001)"
        perfectDrawEnabled={false}
        shadowForStrokeEnabled={false}
      />
      {rejected && (
        // Struck through, so a rejected box never passes for a kept one.
        <Line
          points={[x, y, x + w, y + h]}
          stroke={color}
          strokeWidth={1.5}
          strokeScaleEnabled={false}
          listening={false}
        />
      )}
      {showLabel && (
        <Group listening={false}>
          <Rect
            x={x}
            y={y - fontSize * 1.5}
            width={label.length * charW + fontSize * 0.6}
            height={fontSize * 1.45}
            fill={look.tag === 'edited' ? '#ffffff' : color}
            stroke={look.tag === 'edited' ? color : undefined}
            strokeWidth={look.tag === 'edited' ? 1.5 : 0}
            strokeScaleEnabled={false}
            opacity={pending ? 0.6 : 0.9}
          />
          <Text
            x={x + fontSize * 0.3}
            y={y - fontSize * 1.3}
            text={label}
            fontSize={fontSize}
            fill={look.tag === 'edited' ? '#111' : labelTextColor(color)}
            fontStyle={pending ? 'italic' : 'bold'}
            textDecoration={rejected ? 'line-through' : ''}
          />
        </Group>
      )}
    </Group>
  );
});
