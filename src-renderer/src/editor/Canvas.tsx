/**
 * The editor canvas (react-konva). It renders, hit-tests, and hands pointer input to the
 * active tool (tools/); the tools turn it into intents on the EditorStore (one per gesture:
 * one drag = one commit = one undo step). The canvas never changes annotations itself and
 * never talks to the server. Two layers:
 * - static (StaticLayer.tsx): the image, committed masks and boxes. It re-renders only when
 *   annotations, categories or mask settings change, never on pointer moves; the
 *   annotation a gesture is editing is left out of it for the gesture.
 * - interactive (here): the selection with its handles, hover, and the gesture's preview
 *   (a box being moved, resized or drawn, a mask being painted), and the tool's marker.
 * Panning (middle drag, Space+drag) and the wheel work in every tool.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Circle, Group, Image as KImage, Layer, Rect, Stage } from 'react-konva';
import type Konva from 'konva';
import type { EditorStore } from './store';
import { VISIBLE_STATES, canvasAnnotations, isHidden, notEditableReason, selectable } from './view-state';
import { SelectionOverlay } from './SelectionOverlay';
import { openContextMenu } from './context-menu';
import { annotationLook } from './annotation-look';
import { useEditor, input } from './useEditor';
import { HANDLES, handlePoint, toImage, zoomAt, type Bbox, type Handle, type Point } from './geometry';
import { StaticLayer } from './StaticLayer';
import { maskSprite } from './masks';
import type { Annotation } from '../../../src-main/shared/contract';
import { useImageElement } from './useImageElement';
import {
  TOOLS,
  categoryColor,
  panGesture,
  type Gesture,
  type GesturePreview,
  type PointerTarget,
} from './tools';
import { PolygonLayer } from './tools/PolygonLayer';
import { usePolygonDraft, setDraft } from './tools/polygon-draft';
import { outlineOfAnnotation } from './tools/polygon-tool';
import { smartSessionOf } from './tools/smart-tool';
import { useSmartState } from './tools/smart-session';
import { SmartLayer } from './tools/SmartLayer';
import { SmartStatus } from './tools/SmartStatus';
import { canvasCursor, effectiveTool, overOf } from './pointer-look';

export function EditorCanvas({ store, imageUrl }: { store: EditorStore; imageUrl: string | null }) {
  const s = useEditor(store);
  const wrap = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const gesture = useRef<Gesture | null>(null);
  const [preview, setPreview] = useState<GesturePreview | null>(null);
  const [pointer, setPointer] = useState<Point | null>(null);
  /** The annotation under the pointer, selectable or not (the store's hoverId: selectable only). */
  const [underId, setUnderId] = useState<number | null>(null);
  const ctrlHeld = useCtrlHeld();
  const { img, failed } = useImageElement(imageUrl);
  const { image, view } = s;
  // The tool a press would use now (Ctrl in the box tool: Select), for the cursor and marker.
  const tool = TOOLS[effectiveTool(s.tool, ctrlHeld)];

  // The browser could not show the file: editing stops until it can (see notEditableReason).
  useEffect(() => {
    const imageError = failed
      ? 'The browser could not load the image file (missing, unreadable or not an image).'
      : null;
    if (store.get().imageError !== imageError) store.set({ imageError });
  }, [failed, imageUrl, store]);
  const problem = notEditableReason(s);

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

  const colorOf = (id: number) => categoryColor(store.categories, id);
  const visible = useMemo(() => s.annotations.filter((a) => VISIBLE_STATES.has(a.state)), [s.annotations]);
  // Hidden ones are not drawn; a group being moved is drawn live (SelectionOverlay).
  const groupKey = preview?.kind === 'group' ? preview.ids.join(',') : '';
  const { annotations, showRejected, hidden, hiddenCategories, order } = s;
  const shown = useMemo(
    () =>
      canvasAnnotations(
        { annotations, showRejected, hidden, hiddenCategories, order },
        new Set(groupKey ? groupKey.split(',').map(Number) : []),
      ),
    [annotations, showRejected, hidden, hiddenCategories, order, groupKey],
  );
  const selected = visible.find((a) => a.id === s.selectedId);
  // Only what a click would select gets the hover outline (not a locked one, even just locked).
  const over = overOf(s, underId == null ? undefined : visible.find((a) => a.id === underId));
  const hover =
    over.kind === 'selectable' && over.id !== s.selectedId ? visible.find((a) => a.id === over.id) : undefined;
  const excludeId = preview?.kind === 'box' ? preview.id : null;
  // A box being moved or resized carries its mask: the mask is drawn live with it, too.
  const excludeMaskId =
    preview?.kind === 'paint' || preview?.kind === 'box' || preview?.kind === 'outline' ? preview.id : null;
  // The polygon tool: its draft (dropped when the tool or the image changes) and the outline it edits.
  const draft = usePolygonDraft();
  useEffect(() => {
    if (s.tool !== 'polygon' || (draft && draft.imageId !== s.imageId)) setDraft(null);
  }, [s.tool, s.imageId, draft]);
  // The Smart tool: its prompt belongs to one image; choosing the tool embeds the image (no sam pack: back to Select).
  const smartSession = smartSessionOf(store);
  const smart = useSmartState(smartSession);
  const smartOn = s.tool === 'smart' && s.imageId != null && !problem;
  useEffect(() => {
    if (!smartOn || s.imageId == null) {
      if (smartSession.get().imageId != null) smartSession.deactivate();
      return;
    }
    void smartSession.activate(s.imageId).then((ok) => {
      if (!ok && store.get().tool === 'smart') store.set({ tool: 'select' });
    });
  }, [smartOn, s.imageId, smartSession, store]);
  useEffect(() => () => smartSession.deactivate(), [smartSession]);
  const polygonRings =
    s.tool !== 'polygon'
      ? null
      : preview?.kind === 'outline'
        ? preview.rings
        : selected
          ? (outlineOfAnnotation(selected)?.shown ?? null)
          : null;

  /** Pointer position on the stage and in the image, after Konva read the event. */
  const positions = (stage: Konva.Stage): { screen: Point; point: Point } | null => {
    const screen = stage.getPointerPosition();
    return screen ? { screen, point: toImage(store.get().view, screen) } : null;
  };

  const begin = (g: Gesture | null) => {
    gesture.current = g;
    setPreview(g?.preview ?? null);
    follow(g != null);
  };

  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage();
    if (!stage || !image) return;
    const pos = positions(stage);
    if (!pos) return;
    if (e.evt.button === 1 || (e.evt.button === 0 && input.spaceHeld)) {
      e.evt.preventDefault();
      if (input.spaceHeld) input.spacePanned = true;
      return begin(panGesture(store, pos.screen));
    }
    if (e.evt.button !== 0) return;
    wrap.current?.focus();
    if (notEditableReason(store.get())) return; // no tool works on an image that cannot be edited
    const toolId = effectiveTool(store.get().tool, e.evt.ctrlKey || e.evt.metaKey);
    begin(
      TOOLS[toolId].press(store, { ...pos, target: targetOf(e.target), alt: e.evt.altKey, shift: e.evt.shiftKey }),
    );
  };

  /** Hover only; gestures follow the window (below) so they survive leaving the canvas. */
  const onMouseMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage();
    if (!stage || !image || gesture.current) return;
    const pos = positions(stage);
    if (!pos) return;
    store.pointer = pos.point; // paste lands here
    if (TOOLS[store.get().tool].marker) setPointer(pos.point);
    const t = targetOf(e.target);
    const under = t.kind === 'annotation' ? t.id : null;
    setUnderId(under);
    const a = under == null ? undefined : store.get().annotations.find((x) => x.id === under);
    const o = overOf(store.get(), a);
    const id = o.kind === 'selectable' ? o.id : null;
    if (id !== store.get().hoverId) store.set({ hoverId: id });
  };

  const gestureMove = (stage: Konva.Stage) => {
    const g = gesture.current;
    const pos = positions(stage);
    if (!g || !pos || !image) return;
    if (TOOLS[store.get().tool].marker) setPointer(pos.point);
    setPreview(g.move(pos));
  };

  const gestureEnd = () => {
    const g = gesture.current;
    if (!g) return;
    begin(null);
    g.end();
  };

  // While a gesture is on, follow the pointer anywhere in the window and end it on any
  // mouseup, even outside the canvas. Attached synchronously when the gesture starts.
  const handlers = useRef({ gestureMove, gestureEnd });
  handlers.current = { gestureMove, gestureEnd };
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
      handlers.current.gestureMove(stage);
    };
    const up = () => handlers.current.gestureEnd();
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    detach.current = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
  };
  useEffect(() => () => detach.current?.(), []);

  const onDblClick = (e: Konva.KonvaEventObject<MouseEvent>) => {
    // Only where a click selects: two quick clicks of the polygon tool (vertices, Alt+click
    // deletes) or two brush dabs are not a request for the label popup.
    if (effectiveTool(store.get().tool, e.evt.ctrlKey || e.evt.metaKey) !== 'select' && store.get().tool !== 'box') return;
    const t = targetOf(e.target);
    const a = t.kind === 'annotation' ? store.get().annotations.find((x) => x.id === t.id) : undefined;
    if (a && selectable(store.get(), a)) store.set({ selectedId: a.id, labelPopup: true });
  };

  const cursor = canvasCursor(tool, over, preview?.kind === 'pan');
  const liveBox: Bbox | null =
    preview?.kind === 'box'
      ? preview.bbox
      : selected && preview?.kind !== 'group' && !isHidden(s, selected)
        ? (selected.bbox as Bbox)
        : null;
  const liveAnn = preview?.kind === 'box' ? visible.find((a) => a.id === preview.id) : selected;
  const hs = 5 / view.zoom;

  return (
    <div
      ref={wrap}
      className="canvas-wrap"
      data-testid="editor-canvas"
      tabIndex={0}
      style={{ cursor }}
      onContextMenu={(e) => e.preventDefault()}
      onMouseLeave={() => {
        setPointer(null);
        setUnderId(null);
        store.pointer = null;
        if (store.get().hoverId != null) store.set({ hoverId: null });
      }}
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
        onContextMenu={(e) => openContextMenu(store, targetOf(e.target), e.evt)}
      >
        <StaticLayer
          image={img}
          width={image?.width ?? 0}
          height={image?.height ?? 0}
          annotations={shown}
          categories={store.categories}
          excludeId={excludeId}
          excludeMaskId={excludeMaskId}
          showMasks={s.showMasks}
          maskOpacity={s.maskOpacity}
          zoomBucket={Math.round(Math.log2(view.zoom) * 4)}
          threshold={s.acceptThreshold}
          locked={s.locked}
          lockedCategories={s.lockedCategories}
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
          {preview?.kind === 'paint' && preview.region && (
            <KImage
              image={preview.canvas}
              crop={{
                x: preview.region[0],
                y: preview.region[1],
                width: preview.region[2],
                height: preview.region[3],
              }}
              x={preview.region[0]}
              y={preview.region[1]}
              width={preview.region[2]}
              height={preview.region[3]}
              opacity={Math.max(0.35, s.maskOpacity)}
              listening={false}
            />
          )}
          {s.showMasks && liveBox && liveAnn?.rle && (
            <LiveMask
              rle={liveAnn.rle}
              color={colorOf(liveAnn.categoryId)}
              from={liveAnn.bbox as Bbox}
              to={liveBox}
              opacity={s.maskOpacity * (liveAnn.state === 'pending' ? 0.7 : 1)}
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
                dash={annotationLook(liveAnn).dash?.map((d) => d / view.zoom)}
                fill="rgba(255,255,255,0.06)"
                shadowColor="#000"
                shadowBlur={3}
                shadowOpacity={0.6}
              />
              {s.tool === 'select' &&
                s.selectedIds.length <= 1 &&
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
          <SelectionOverlay
            annotations={visible}
            selectedIds={s.selectedIds}
            preview={preview}
            colorOf={colorOf}
            zoom={view.zoom}
            maskOpacity={s.showMasks ? s.maskOpacity : null}
          />
          {smartOn && (
            <SmartLayer state={smart} color={colorOf(s.drawCategoryId ?? 0)} zoom={view.zoom} opacity={s.maskOpacity} />
          )}
          {preview?.kind === 'draw' && (
            <Rect
              x={preview.bbox[0]}
              y={preview.bbox[1]}
              width={preview.bbox[2]}
              height={preview.bbox[3]}
              stroke={colorOf(s.drawCategoryId ?? 0)}
              strokeWidth={2}
              strokeScaleEnabled={false}
              dash={[4 / view.zoom, 3 / view.zoom]}
              listening={false}
            />
          )}
          {s.tool === 'polygon' && (
            <PolygonLayer
              draft={draft && draft.imageId === s.imageId ? draft : null}
              pointer={pointer}
              rings={polygonRings}
              color={colorOf(selected && !draft ? selected.categoryId : (s.drawCategoryId ?? 0))}
              zoom={view.zoom}
            />
          )}
          {pointer && tool.marker === 'brush' && (
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
          {pointer && tool.marker === 'crosshair' && !preview && image && (
            <Group listening={false} opacity={0.5}>
              <Rect x={pointer.x} y={0} width={0.5 / view.zoom} height={image.height} fill="#fff" />
              <Rect x={0} y={pointer.y} width={image.width} height={0.5 / view.zoom} fill="#fff" />
            </Group>
          )}
        </Layer>
      </Stage>
      {smartOn && <SmartStatus state={smart} />}
      {problem && (
        <div className="image-problem" role="alert" data-testid="image-problem">
          <strong>{problemTitle(s.file?.state, failed)}</strong>
          <p>{problem}</p>
          {s.image && !problem.includes(s.image.path) && <p className="mono path">{s.image.path}</p>}
          <p className="muted">
            Editing is off for this image. Put the file back (or re-add its folder), then open it again.
          </p>
        </div>
      )}
    </div>
  );
}

/**
 * The mask of the box being moved or resized, carried by the box: the sprite mapped from
 * the annotation's box onto the live one (what the edit rules do to the mask on release).
 */
function LiveMask(p: {
  rle: NonNullable<Annotation['rle']>;
  color: string;
  from: Bbox;
  to: Bbox;
  opacity: number;
}) {
  const m = maskSprite(p.rle, p.color);
  if (!m) return null;
  const sx = p.from[2] > 0 ? p.to[2] / p.from[2] : 1;
  const sy = p.from[3] > 0 ? p.to[3] / p.from[3] : 1;
  return (
    <KImage
      image={m.canvas}
      x={p.to[0] + (m.x - p.from[0]) * sx}
      y={p.to[1] + (m.y - p.from[1]) * sy}
      width={m.canvas.width * sx}
      height={m.canvas.height * sy}
      opacity={p.opacity}
      listening={false}
    />
  );
}

function problemTitle(state: string | undefined, failed: boolean): string {
  if (state === 'missing') return 'Image file missing';
  if (state === 'unreadable') return 'Image file unreadable';
  if (state === 'changed') return 'Image file changed on disk';
  return failed ? 'Image could not be loaded' : 'Image unavailable';
}

/** Whether Ctrl (⌘ on macOS) is held now: the box tool then selects, and the cursor says so. */
function useCtrlHeld(): boolean {
  const [held, setHeld] = useState(false);
  const last = useRef(false);
  useEffect(() => {
    // Mouse moves tell too (Ctrl pressed outside the window); only a change re-renders.
    const to = (v: boolean) => {
      if (v !== last.current) setHeld((last.current = v));
    };
    const on = (e: KeyboardEvent | MouseEvent) => to(e.ctrlKey || e.metaKey);
    const off = () => to(false);
    window.addEventListener('keydown', on);
    window.addEventListener('keyup', on);
    window.addEventListener('mousemove', on);
    window.addEventListener('blur', off);
    return () => {
      window.removeEventListener('keydown', on);
      window.removeEventListener('keyup', on);
      window.removeEventListener('mousemove', on);
      window.removeEventListener('blur', off);
    };
  }, []);
  return held;
}

/** What a Konva node under the pointer is: a handle of the selection, an annotation, or nothing. */
function targetOf(node: Konva.Node): PointerTarget {
  const name = node.name();
  if (name.startsWith('handle-')) return { kind: 'handle', handle: name.slice(7) as Handle };
  if (name.startsWith('ann-')) return { kind: 'annotation', id: Number(name.slice(4)) };
  const parent = node.getParent();
  if (parent && parent.name().startsWith('ann-'))
    return { kind: 'annotation', id: Number(parent.name().slice(4)) };
  return { kind: 'empty' };
}
