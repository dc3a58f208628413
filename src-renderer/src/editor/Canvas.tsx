/**
 * The editor canvas (react-konva). Two layers:
 * - static: the image, committed masks and boxes. It re-renders only when annotations,
 *   categories or mask settings change, never on pointer moves; a box being dragged is
 *   taken out of it for the drag and drawn on the interactive layer instead.
 * - interactive: the selection with its handles, hover, the box being drawn, the brush.
 *
 * The canvas only turns pointer input into intents on the EditorStore (one per gesture:
 * one drag = one commit = one undo step). It never talks to the server.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Circle, Group, Image as KImage, Layer, Rect, Stage, Text } from 'react-konva';
import type Konva from 'konva';
import type { Annotation, Category } from '../../../src-main/shared/contract';
import type { EditorStore } from './store';
import { VISIBLE_STATES } from './store';
import { useEditor, input } from './useEditor';
import {
  clampMove,
  clipBox,
  unionBox,
  fromCorners,
  HANDLES,
  handlePoint,
  moveBox,
  resizeBox,
  roundBox,
  sameBox,
  toImage,
  zoomAt,
  type Bbox,
  type Handle,
  type Point,
} from './geometry';
import { maskSprite, renderMask } from './masks';
import { decodeRle, encodeMask, maskBbox, paintSegment, type Mask } from './rle';

type Drag =
  | { kind: 'move'; id: number; start: Point; orig: Bbox; cur: Bbox }
  | { kind: 'resize'; id: number; handle: Handle; start: Point; orig: Bbox; cur: Bbox }
  | { kind: 'draw'; start: Point; cur: Bbox }
  | { kind: 'pan'; start: Point; orig: Point }
  | {
      kind: 'paint';
      id: number;
      mask: Mask;
      last: Point;
      value: 0 | 1;
      canvas: HTMLCanvasElement;
      color: string;
    };

const FALLBACK_COLOR = '#e5c07b';

export function useImageElement(url: string | null): HTMLImageElement | null {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  useEffect(() => {
    if (!url) return setImg(null);
    let live = true;
    setImg(null); // never show the previous image under the next one's boxes
    const el = new window.Image();
    el.onload = () => live && setImg(el);
    el.onerror = () => live && setImg(null);
    el.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return img;
}

export function EditorCanvas({ store, imageUrl }: { store: EditorStore; imageUrl: string | null }) {
  const s = useEditor(store);
  const wrap = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const [pointer, setPointer] = useState<Point | null>(null);
  const img = useImageElement(imageUrl);
  const { image, view } = s;

  const update = (d: Drag | null) => {
    dragRef.current = d;
    setDrag(d);
    follow(d != null);
  };

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => store.setViewport(el.clientWidth, el.clientHeight));
    ro.observe(el);
    store.setViewport(el.clientWidth, el.clientHeight);
    return () => ro.disconnect();
  }, [store]);

  // Wheel: Ctrl/⌘+wheel zooms around the cursor; a plain wheel pans.
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const p = { x: e.clientX - r.left, y: e.clientY - r.top };
      const v = store.get().view;
      if (e.ctrlKey || e.metaKey) store.set({ view: zoomAt(v, p, Math.exp(-e.deltaY * 0.0015)) });
      else store.set({ view: { zoom: v.zoom, pan: { x: v.pan.x - e.deltaX, y: v.pan.y - e.deltaY } } });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [store]);

  const catById = useMemo(() => new Map(store.categories.map((c) => [c.id, c])), [store.categories]);
  const colorOf = (id: number) => catById.get(id)?.color ?? FALLBACK_COLOR;
  const visible = useMemo(() => s.annotations.filter((a) => VISIBLE_STATES.has(a.state)), [s.annotations]);
  const selected = visible.find((a) => a.id === s.selectedId);
  const hover =
    s.hoverId != null && s.hoverId !== s.selectedId ? visible.find((a) => a.id === s.hoverId) : undefined;
  const excludeId = drag && (drag.kind === 'move' || drag.kind === 'resize') ? drag.id : null;
  const excludeMaskId = drag?.kind === 'paint' ? drag.id : null;

  const imagePoint = (stage: Konva.Stage): Point | null => {
    const p = stage.getPointerPosition();
    return p ? toImage(store.get().view, p) : null;
  };

  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage();
    if (!stage || !image) return;
    const sp = stage.getPointerPosition();
    const p = imagePoint(stage);
    if (!sp || !p) return;
    const st = store.get();
    if (e.evt.button === 1 || (e.evt.button === 0 && input.spaceHeld)) {
      e.evt.preventDefault();
      if (input.spaceHeld) input.spacePanned = true;
      return update({ kind: 'pan', start: sp, orig: st.view.pan });
    }
    if (e.evt.button !== 0) return;
    wrap.current?.focus();
    if (st.tool === 'box') {
      return update({ kind: 'draw', start: p, cur: [p.x, p.y, 0, 0] });
    }
    if (st.tool === 'brush' || st.tool === 'eraser') {
      const a = store.selected();
      if (!a) return store.info('Select an annotation first: the brush edits its mask');
      const mask = a.rle
        ? decodeRle(a.rle as { size: [number, number]; counts: string })
        : { width: image.width, height: image.height, data: new Uint8Array(image.width * image.height) };
      const value = st.tool === 'brush' ? 1 : 0;
      const color = colorOf(a.categoryId);
      paintSegment(mask, p, p, st.brushSize / 2, value);
      return update({
        kind: 'paint',
        id: a.id,
        mask,
        last: p,
        value,
        canvas: renderMask(mask, color),
        color,
      });
    }
    const name = e.target.name();
    if (name.startsWith('handle-') && st.selectedId != null) {
      const a = store.selected();
      if (a)
        return update({
          kind: 'resize',
          id: a.id,
          handle: name.slice(7) as Handle,
          start: p,
          orig: a.bbox as Bbox,
          cur: a.bbox as Bbox,
        });
    }
    const id = annotationIdOf(e.target);
    if (id != null) {
      const a = st.annotations.find((x) => x.id === id);
      if (!a) return;
      store.set({ selectedId: id });
      return update({ kind: 'move', id, start: p, orig: a.bbox as Bbox, cur: a.bbox as Bbox });
    }
    store.set({ selectedId: null, labelPopup: false });
  };

  /** Hover only; drags follow the window (below) so they survive leaving the canvas. */
  const onMouseMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage();
    if (!stage || !image || dragRef.current) return;
    const p = imagePoint(stage);
    if (!p) return;
    const st = store.get();
    if (st.tool === 'brush' || st.tool === 'eraser' || st.tool === 'box') setPointer(p);
    const id = annotationIdOf(e.target);
    if (id !== st.hoverId) store.set({ hoverId: id });
  };

  const dragMove = (stage: Konva.Stage) => {
    const d = dragRef.current;
    const p = imagePoint(stage);
    if (!d || !p || !image) return;
    const st = store.get();
    if (st.tool === 'brush' || st.tool === 'eraser' || st.tool === 'box') setPointer(p);
    if (d.kind === 'pan') {
      const sp = stage.getPointerPosition()!;
      store.set({
        view: { zoom: st.view.zoom, pan: { x: d.orig.x + sp.x - d.start.x, y: d.orig.y + sp.y - d.start.y } },
      });
    } else if (d.kind === 'move') {
      update({
        ...d,
        cur: clampMove(moveBox(d.orig, p.x - d.start.x, p.y - d.start.y), image.width, image.height),
      });
    } else if (d.kind === 'resize') {
      update({
        ...d,
        cur: clipBox(
          resizeBox(d.orig, d.handle, p.x - d.start.x, p.y - d.start.y),
          image.width,
          image.height,
        ),
      });
    } else if (d.kind === 'draw') {
      update({ ...d, cur: clipBox(fromCorners(d.start, p), image.width, image.height) });
    } else if (d.kind === 'paint') {
      paintSegment(d.mask, d.last, p, st.brushSize / 2, d.value);
      renderMask(d.mask, d.color, d.canvas);
      update({ ...d, last: p });
    }
  };

  // While a gesture is on, follow the pointer anywhere in the window and end it on any
  // mouseup, even outside the canvas. Attached synchronously when the gesture starts.
  const handlers = useRef({ dragMove, onMouseUp: () => undefined as void });
  const detach = useRef<(() => void) | null>(null);
  const follow = (on: boolean) => {
    if (!on) {
      detach.current?.();
      detach.current = null;
      return;
    }
    if (detach.current) return;
    const move = (e: MouseEvent) => {
      const stage = stageRef.current;
      if (!stage) return;
      stage.setPointersPositions(e);
      handlers.current.dragMove(stage);
    };
    const up = () => handlers.current.onMouseUp();
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    detach.current = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
  };
  useEffect(() => () => detach.current?.(), []);

  const onMouseUp = () => {
    const d = dragRef.current;
    if (!d) return;
    update(null);
    if (d.kind === 'move' || d.kind === 'resize') {
      // A click is not an edit: only a box that actually moved is committed (and rounded).
      if (sameBox(d.cur, d.orig)) return;
      const b =
        d.kind === 'move'
          ? ([
              Math.round(d.cur[0] * 100) / 100,
              Math.round(d.cur[1] * 100) / 100,
              d.orig[2],
              d.orig[3],
            ] as Bbox)
          : roundBox(d.cur);
      if (b[2] >= 1 && b[3] >= 1) store.setBox(d.id, b, d.kind === 'move' ? 'Move box' : 'Resize box');
    } else if (d.kind === 'draw') {
      const b = roundBox(d.cur);
      if (b[2] >= 2 && b[3] >= 2) store.createBox(b);
    } else if (d.kind === 'paint') {
      // The box follows the mask; a box-only annotation keeps its box grown to hold the new mask.
      const a = store.get().annotations.find((x) => x.id === d.id);
      const mb = maskBbox(d.mask);
      const bbox = mb && a && !a.rle ? unionBox(a.bbox as Bbox, mb) : mb;
      store.setMask(d.id, mb ? encodeMask(d.mask) : null, bbox, d.value ? 'Brush' : 'Erase');
    }
  };

  handlers.current = { dragMove, onMouseUp };

  const onDblClick = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const id = annotationIdOf(e.target);
    if (id != null) store.set({ selectedId: id, labelPopup: true });
  };

  const cursor =
    drag?.kind === 'pan'
      ? 'grabbing'
      : s.tool === 'box'
        ? 'crosshair'
        : s.tool === 'brush' || s.tool === 'eraser'
          ? 'none'
          : s.hoverId != null
            ? 'move'
            : 'default';
  const liveBox: Bbox | null =
    drag && (drag.kind === 'move' || drag.kind === 'resize')
      ? drag.cur
      : selected
        ? (selected.bbox as Bbox)
        : null;
  const liveAnn =
    drag && (drag.kind === 'move' || drag.kind === 'resize')
      ? visible.find((a) => a.id === drag.id)
      : selected;
  const hs = 5 / view.zoom;

  return (
    <div
      ref={wrap}
      className="canvas-wrap"
      data-testid="editor-canvas"
      tabIndex={0}
      style={{ cursor }}
      onContextMenu={(e) => e.preventDefault()}
      onMouseLeave={() => setPointer(null)}
    >
      <Stage
        width={s.viewport.width}
        height={s.viewport.height}
        scaleX={view.zoom}
        scaleY={view.zoom}
        x={view.pan.x}
        y={view.pan.y}
        onMouseDown={onMouseDown}
        ref={stageRef}
        onMouseMove={onMouseMove}
        onDblClick={onDblClick}
      >
        <StaticLayer
          image={img}
          width={image?.width ?? 0}
          height={image?.height ?? 0}
          annotations={visible}
          categories={store.categories}
          excludeId={excludeId}
          excludeMaskId={excludeMaskId}
          showMasks={s.showMasks}
          maskOpacity={s.maskOpacity}
          zoomBucket={Math.round(Math.log2(view.zoom) * 4)}
          threshold={s.acceptThreshold}
        />
        <Layer listening>
          {hover && (
            <Rect
              x={hover.bbox[0]}
              y={hover.bbox[1]}
              width={hover.bbox[2]}
              height={hover.bbox[3]}
              stroke="#ffffff"
              strokeWidth={1}
              strokeScaleEnabled={false}
              opacity={0.7}
              listening={false}
            />
          )}
          {drag?.kind === 'paint' && image && (
            <KImage
              image={drag.canvas}
              x={0}
              y={0}
              width={image.width}
              height={image.height}
              opacity={Math.max(0.35, s.maskOpacity)}
              listening={false}
            />
          )}
          {liveBox && liveAnn && (
            <Group>
              <Rect
                name={`ann-${liveAnn.id}`}
                x={liveBox[0]}
                y={liveBox[1]}
                width={liveBox[2]}
                height={liveBox[3]}
                stroke={colorOf(liveAnn.categoryId)}
                strokeWidth={2.5}
                strokeScaleEnabled={false}
                dash={liveAnn.state === 'pending' ? [6 / view.zoom, 4 / view.zoom] : undefined}
                fill="rgba(255,255,255,0.06)"
                shadowColor="#000"
                shadowBlur={3}
                shadowOpacity={0.6}
              />
              {s.tool === 'select' &&
                HANDLES.map((h) => {
                  const hp = handlePoint(liveBox, h);
                  return (
                    <Rect
                      key={h}
                      name={`handle-${h}`}
                      x={hp.x - hs}
                      y={hp.y - hs}
                      width={hs * 2}
                      height={hs * 2}
                      fill="#ffffff"
                      stroke="#1d2026"
                      strokeWidth={1}
                      strokeScaleEnabled={false}
                    />
                  );
                })}
            </Group>
          )}
          {drag?.kind === 'draw' && (
            <Rect
              x={drag.cur[0]}
              y={drag.cur[1]}
              width={drag.cur[2]}
              height={drag.cur[3]}
              stroke={colorOf(s.drawCategoryId ?? 0)}
              strokeWidth={2}
              strokeScaleEnabled={false}
              dash={[4 / view.zoom, 3 / view.zoom]}
              listening={false}
            />
          )}
          {pointer && (s.tool === 'brush' || s.tool === 'eraser') && (
            <Circle
              x={pointer.x}
              y={pointer.y}
              radius={s.brushSize / 2}
              stroke={s.tool === 'brush' ? '#ffffff' : '#ff6b6b'}
              strokeWidth={1}
              strokeScaleEnabled={false}
              listening={false}
            />
          )}
          {pointer && s.tool === 'box' && !drag && image && (
            <Group listening={false} opacity={0.5}>
              <Rect x={pointer.x} y={0} width={0.5 / view.zoom} height={image.height} fill="#fff" />
              <Rect x={0} y={pointer.y} width={image.width} height={0.5 / view.zoom} fill="#fff" />
            </Group>
          )}
        </Layer>
      </Stage>
    </div>
  );
}

function annotationIdOf(node: Konva.Node): number | null {
  const name = node.name();
  if (name.startsWith('ann-')) return Number(name.slice(4));
  const parent = node.getParent();
  if (parent && parent.name().startsWith('ann-')) return Number(parent.name().slice(4));
  return null;
}

interface StaticProps {
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
}

const StaticLayer = memo(function StaticLayer(p: StaticProps) {
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
              opacity={p.maskOpacity * (a.state === 'pending' ? 0.7 : 1)}
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
}

/**
 * One committed box. Memoised on the annotation object: an edit replaces only the edited
 * annotation's object (changes.ts keeps the others), so a commit re-renders one box.
 */
const AnnotationBox = memo(function AnnotationBox({ a, color, name, zoom, showLabel, faded }: BoxProps) {
  const pending = a.state === 'pending';
  const fontSize = 11 / zoom;
  const label = `${name}${a.score != null && a.source !== 'human' ? ` ${(a.score * 100).toFixed(0)}%` : ''}`;
  return (
    <Group name={`ann-${a.id}`} opacity={faded ? 0.45 : 1}>
      <Rect
        name={`ann-${a.id}`}
        x={a.bbox[0]}
        y={a.bbox[1]}
        width={a.bbox[2]}
        height={a.bbox[3]}
        stroke={color}
        strokeWidth={pending ? 1.5 : 2}
        strokeScaleEnabled={false}
        dash={pending ? [6 / zoom, 4 / zoom] : undefined}
        fill="rgba(0,0,0,0.001)"
        perfectDrawEnabled={false}
        shadowForStrokeEnabled={false}
      />
      {showLabel && (
        <Group listening={false}>
          <Rect
            x={a.bbox[0]}
            y={a.bbox[1] - fontSize * 1.5}
            width={label.length * fontSize * 0.62 + fontSize * 0.6}
            height={fontSize * 1.45}
            fill={color}
            opacity={pending ? 0.6 : 0.9}
          />
          <Text
            x={a.bbox[0] + fontSize * 0.3}
            y={a.bbox[1] - fontSize * 1.3}
            text={label}
            fontSize={fontSize}
            fill="#111"
            fontStyle={pending ? 'italic' : 'bold'}
          />
        </Group>
      )}
    </Group>
  );
});
