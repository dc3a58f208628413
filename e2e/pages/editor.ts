import { expect, type Page } from '@playwright/test';
import type { EditorSnapshot } from '../../src-renderer/src/test-api';

type Corner = 'nw' | 'ne' | 'se' | 'sw';

/** Drives the canvas with the real mouse and keyboard; reads state through the test API. */
export class EditorPage {
  constructor(private page: Page) {}

  state(): Promise<EditorSnapshot> {
    return this.page.evaluate(() => window.__labelwright!.getEditorState());
  }

  async waitForIdle(): Promise<void> {
    await this.page.evaluate(() => window.__labelwright!.waitForIdle());
  }

  async waitForImage(): Promise<EditorSnapshot> {
    await this.page.waitForFunction(() => window.__labelwright?.getEditorState().imageId != null);
    return this.state();
  }

  async visible(): Promise<EditorSnapshot['annotations']> {
    return (await this.state()).annotations.filter((a) => a.state === 'pending' || a.state === 'accepted');
  }

  private async client(x: number, y: number): Promise<{ x: number; y: number }> {
    return this.page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [x, y] as const);
  }

  /** Clicks the middle of an annotation's box. */
  async select(id: number): Promise<void> {
    const a = (await this.state()).annotations.find((x) => x.id === id);
    if (!a) throw new Error(`no annotation ${id}`);
    const p = await this.client(a.bbox[0] + a.bbox[2] / 2, a.bbox[1] + a.bbox[3] / 2);
    await this.page.mouse.click(p.x, p.y);
    await expect.poll(async () => (await this.state()).selectedId).toBe(id);
  }

  /** Drags a corner handle of the selected box by (dx, dy) image pixels: one gesture. */
  async dragCorner(id: number, corner: Corner, dx: number, dy: number): Promise<void> {
    const a = (await this.state()).annotations.find((x) => x.id === id)!;
    const [x, y, w, h] = a.bbox;
    const cx = corner.includes('e') ? x + w : x;
    const cy = corner.includes('s') ? y + h : y;
    const from = await this.client(cx, cy);
    const to = await this.client(cx + dx, cy + dy);
    await this.page.mouse.move(from.x, from.y);
    await this.page.mouse.down();
    await this.page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await this.page.mouse.move(to.x, to.y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Drags the middle of an annotation's box by (dx, dy) image pixels: one move gesture. */
  async dragBy(id: number, dx: number, dy: number): Promise<void> {
    const a = (await this.state()).annotations.find((x) => x.id === id);
    if (!a) throw new Error(`no annotation ${id}`);
    const cx = a.bbox[0] + a.bbox[2] / 2;
    const cy = a.bbox[1] + a.bbox[3] / 2;
    await this.stroke([cx, cy], [cx + dx, cy + dy]);
  }

  /** Presses the mouse at `from`, moves to `to` (image pixels) and releases: a drag or a brush stroke. */
  async stroke(from: [number, number], to: [number, number]): Promise<void> {
    const a = await this.client(from[0], from[1]);
    const b = await this.client(to[0], to[1]);
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await this.page.mouse.move(b.x, b.y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** The annotation list's row of annotation `id`. */
  row(id: number) {
    return this.page.locator(`[data-testid="annotation-row"][data-id="${id}"]`);
  }

  /** R, then drags a box from (x0, y0) to (x1, y1) in image pixels. */
  async drawBox(x0: number, y0: number, x1: number, y1: number): Promise<void> {
    await this.page.keyboard.press('r');
    const a = await this.client(x0, y0);
    const b = await this.client(x1, y1);
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    await this.page.mouse.move(b.x, b.y, { steps: 8 });
    await this.page.mouse.up();
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Moves the mouse to image point (x, y) and clicks there. */
  async clickAt(x: number, y: number, modifiers: { alt?: boolean } = {}): Promise<void> {
    const p = await this.client(x, y);
    await this.page.mouse.move(p.x, p.y, { steps: 2 });
    if (modifiers.alt) await this.page.keyboard.down('Alt');
    await this.page.mouse.click(p.x, p.y);
    if (modifiers.alt) await this.page.keyboard.up('Alt');
  }

  /** Moves the mouse to image point (x, y) without clicking (paste lands at the mouse). */
  async hover(x: number, y: number): Promise<void> {
    const p = await this.client(x, y);
    await this.page.mouse.move(p.x, p.y, { steps: 2 });
  }

  /** Shift+click in the middle of an annotation's box: adds it to the selection or takes it out. */
  async shiftClick(id: number): Promise<void> {
    const a = (await this.state()).annotations.find((x) => x.id === id);
    if (!a) throw new Error(`no annotation ${id}`);
    const p = await this.client(a.bbox[0] + a.bbox[2] / 2, a.bbox[1] + a.bbox[3] / 2);
    await this.page.keyboard.down('Shift');
    await this.page.mouse.click(p.x, p.y);
    await this.page.keyboard.up('Shift');
  }

  /** Right-clicks the middle of an annotation's box (the context menu). */
  async rightClick(id: number): Promise<void> {
    const a = (await this.state()).annotations.find((x) => x.id === id);
    if (!a) throw new Error(`no annotation ${id}`);
    const p = await this.client(a.bbox[0] + a.bbox[2] / 2, a.bbox[1] + a.bbox[3] / 2);
    await this.page.mouse.click(p.x, p.y, { button: 'right' });
  }

  /** P, then clicks each vertex [x1, y1, x2, y2, ...] (image pixels); closes on the first vertex unless told not to. */
  async drawPolygon(points: number[], close = true): Promise<void> {
    await this.page.keyboard.press('p');
    for (let i = 0; i < points.length; i += 2) await this.clickAt(points[i], points[i + 1]);
    if (close) await this.clickAt(points[0], points[1]);
  }
}
