import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import type { RpcServer } from './rpc-server';
import type { Transport } from '../shared/rpc';

/** The one IPC channel; the preload's raw bridge (src-main/preload/index.ts) uses the same name. */
export const RPC_CHANNEL = 'labelwright:rpc';

/**
 * Serves the RPC server over Electron IPC: every renderer (WebContents) that sends on
 * RPC_CHANNEL becomes one connection; responses and events go back on the same channel.
 * Messages from frames other than the main frame of an allowed page are dropped.
 */
export function serveIpc(
  ipcMain: IpcMain,
  server: RpcServer,
  opts: { isAllowedSender?: (wc: WebContents, frameUrl: string) => boolean } = {},
): () => void {
  const conns = new Map<number, { listeners: Set<(m: unknown) => void>; closeListeners: (() => void)[] }>();

  const watched = new Set<number>();

  /** One connection per renderer document: a reload or navigation ends it (and its subscriptions). */
  const connectionFor = (wc: WebContents) => {
    const existing = conns.get(wc.id);
    if (existing) return existing;
    const state = { listeners: new Set<(m: unknown) => void>(), closeListeners: [] as (() => void)[] };
    conns.set(wc.id, state);
    const transport: Transport = {
      send(message) {
        if (!wc.isDestroyed() && conns.get(wc.id) === state) wc.send(RPC_CHANNEL, message);
      },
      onMessage(listener) {
        state.listeners.add(listener);
        return () => state.listeners.delete(listener);
      },
      onClose(listener) {
        state.closeListeners.push(listener);
      },
    };
    if (!watched.has(wc.id)) {
      watched.add(wc.id);
      const end = () => {
        const c = conns.get(wc.id);
        conns.delete(wc.id);
        for (const l of c?.closeListeners ?? []) l();
      };
      wc.once('destroyed', () => {
        watched.delete(wc.id);
        end();
      });
      wc.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) end();
      });
    }
    server.attach(transport);
    return state;
  };

  const onMessage = (event: IpcMainEvent, message: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame) return;
    if (opts.isAllowedSender && !opts.isAllowedSender(event.sender, frame.url)) return;
    const c = connectionFor(event.sender);
    for (const l of [...c.listeners]) l(message);
  };
  ipcMain.on(RPC_CHANNEL, onMessage);
  return () => ipcMain.off(RPC_CHANNEL, onMessage);
}
