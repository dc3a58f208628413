import { createContext, useContext } from 'react';
import type { CategoryWithCount, NavQuery, SessionInfo } from '../../src-main/shared/api';
import type { RpcClient } from '../../src-main/shared/rpc';
import type { EditorStore } from './editor/store';
import type { KeyScheme } from './editor/actions';

export type Screen =
  'start' | 'browser' | 'editor' | 'categories' | 'prelabel' | 'models' | 'export' | 'report';

export interface AppCtx {
  client: RpcClient;
  session: SessionInfo | null;
  setSession(s: SessionInfo, initial?: boolean): void;
  categories: CategoryWithCount[];
  refreshCategories(): Promise<void>;
  store: EditorStore;
  screen: Screen;
  go(screen: Screen): void;
  /** Opens the editor on an image; A/D walk `nav` (default: the grid's filter and sort). */
  openImage(id: number, nav?: NavQuery): void;
  scheme: KeyScheme;
  setScheme(s: KeyScheme): void;
  /** Bumped whenever image lists may be stale (saves, jobs, folder adds). */
  dataVersion: number;
  bump(): void;
  toast(text: string, kind?: 'info' | 'error'): void;
  /** Shows a failed call as an error toast: the error's message, and its hint (what to do) on a line of its own. */
  toastError(e: unknown): void;
  /** The grid's current filter and sort: the editor's D/A and "next unreviewed" walk through it. */
  navQuery: NavQuery;
  setNavQuery(q: NavQuery): void;
  /** Image ids picked in the browser (for "pre-label the selection"). */
  selection: number[];
  setSelection(ids: number[]): void;
}

export const AppContext = createContext<AppCtx | null>(null);

export function useApp(): AppCtx {
  const c = useContext(AppContext);
  if (!c) throw new Error('useApp outside AppContext');
  return c;
}

export function imageUrl(
  session: SessionInfo | null,
  id: number,
  kind: 'image' | 'thumbnail' = 'image',
): string | null {
  if (!session) return null;
  return (kind === 'image' ? session.imageUrl : session.thumbnailUrl).replace('{id}', String(id));
}
