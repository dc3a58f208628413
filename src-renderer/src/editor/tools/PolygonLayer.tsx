/**
 * What the polygon tool draws on the canvas's interactive layer: the draft being drawn (its
 * edges, the rubber band to the pointer, the first vertex to close on), and the outline of
 * the selected mask with its vertices, live while one is dragged. Nothing here listens to
 * the pointer: the tool hit-tests vertices and edges itself (polygon-tool.ts).
 */
import { Circle, Group, Line, Rect } from 'react-konva';
import type { Point } from '../geometry';
import type { PolygonDraft } from './polygon-draft';

export function PolygonLayer(p: {
  draft: PolygonDraft | null;
  pointer: Point | null;
  /** The selected mask's rings (shown vertices), or the rings being edited. */
  rings: number[][] | null;
  color: string;
  zoom: number;
}) {
  const hs = 4 / p.zoom;
  const pts = p.draft?.points;
  return (
    <Group listening={false}>
      {p.rings?.map((r, i) => (
        <Group key={`r${i}`}>
          <Line points={r} closed stroke={p.color} strokeWidth={2} strokeScaleEnabled={false} />
          {r.map((_, j) =>
            j % 2 ? null : (
              <Rect
                key={j}
                name="polygon-vertex"
                x={r[j] - hs}
                y={r[j + 1] - hs}
                width={hs * 2}
                height={hs * 2}
                fill="#ffffff"
                stroke="#1d2026"
                strokeWidth={1}
                strokeScaleEnabled={false}
              />
            ),
          )}
        </Group>
      ))}
      {pts && (
        <>
          <Line
            points={p.pointer ? [...pts, p.pointer.x, p.pointer.y] : pts}
            stroke={p.color}
            strokeWidth={2}
            strokeScaleEnabled={false}
            fill={`${p.color}40`}
            closed={pts.length >= 6}
            dash={[6 / p.zoom, 4 / p.zoom]}
          />
          {pts.map((_, j) =>
            j % 2 ? null : (
              <Circle
                key={j}
                x={pts[j]}
                y={pts[j + 1]}
                radius={(j === 0 ? 6 : 3.5) / p.zoom}
                fill={j === 0 ? p.color : '#ffffff'}
                stroke="#1d2026"
                strokeWidth={1}
                strokeScaleEnabled={false}
              />
            ),
          )}
        </>
      )}
    </Group>
  );
}
