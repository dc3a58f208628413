import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/**
 * The only thing the renderer gets: a raw message bridge. No Node or Electron objects
 * cross it; every message is validated against the contract on the main side.
 */
const CHANNEL = 'labelwright:rpc';

contextBridge.exposeInMainWorld('labelwrightBridge', {
  send(message: unknown): void {
    ipcRenderer.send(CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(CHANNEL, wrapped);
    return () => ipcRenderer.off(CHANNEL, wrapped);
  },
});
