/**
 * Undo history: one entry per user step (one drag, one accept-all, one brush stroke), each
 * holding the forward changes and their inverse. Unlimited within the session, one stack
 * per image. Only user changes (and model output that arrived while the image was open)
 * are recorded; reloads from the server never enter it.
 */
import type { LocalChange } from './changes';

/**
 * Whether a step enters the history (excalidraw's CaptureUpdateAction): under 'record' the
 * changes a step commits become one undo entry; under 'none' they are saved but cannot be
 * undone. Every action declares its policy (actions/types.ts) and the store applies it.
 */
export type Capture = 'record' | 'none';

export interface HistoryEntry {
  label: string;
  forward: LocalChange[];
  inverse: LocalChange[];
}

export class History {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];

  record(entry: HistoryEntry): void {
    this.undoStack.push(entry);
    this.redoStack = [];
  }

  /** Returns the entry to revert (apply its inverse), or null. */
  undo(): HistoryEntry | null {
    const e = this.undoStack.pop();
    if (!e) return null;
    this.redoStack.push(e);
    return e;
  }

  /** Returns the entry to re-apply (apply its forward changes), or null. */
  redo(): HistoryEntry | null {
    const e = this.redoStack.pop();
    if (!e) return null;
    this.undoStack.push(e);
    return e;
  }

  /** Drops the most recent undo entry (a save the server refused). */
  dropLast(): void {
    this.undoStack.pop();
  }

  get depth(): { undo: number; redo: number } {
    return { undo: this.undoStack.length, redo: this.redoStack.length };
  }

  get labels(): string[] {
    return this.undoStack.map((e) => e.label);
  }
}

/** One history per image: undo never reaches into another image. */
export class ImageHistories {
  private byImage = new Map<number, History>();

  of(imageId: number): History {
    let h = this.byImage.get(imageId);
    if (!h) this.byImage.set(imageId, (h = new History()));
    return h;
  }

  /** Forgets an image's history (its steps no longer match the server). */
  forget(imageId: number): void {
    this.byImage.delete(imageId);
  }
}
