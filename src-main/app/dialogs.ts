import { BrowserWindow, dialog } from 'electron';
import type { PickPurpose } from './session';

const PROJECT_FILTER = [{ name: 'Labelwright project', extensions: ['lw'] }];

/** Native dialogs for `dialog.pick` and the menu; resolves to null when cancelled. */
export async function pickPath(purpose: PickPurpose, parent?: BrowserWindow | null): Promise<string | null> {
  const win = parent ?? BrowserWindow.getFocusedWindow() ?? undefined;
  const open = async (options: Electron.OpenDialogOptions) => {
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled || !r.filePaths.length ? null : r.filePaths[0];
  };
  const save = async (options: Electron.SaveDialogOptions) => {
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
  switch (purpose) {
    case 'openProject':
      return open({ title: 'Open project', properties: ['openFile'], filters: PROJECT_FILTER });
    case 'createProject':
      return save({ title: 'New project', defaultPath: 'project.lw', filters: PROJECT_FILTER, properties: ['createDirectory', 'showOverwriteConfirmation'] });
    case 'addFolder':
      return open({ title: 'Add a folder of images', properties: ['openDirectory'] });
    case 'importModel':
      return open({ title: 'Import a model pack folder', properties: ['openDirectory'] });
    case 'exportCoco':
      return save({ title: 'Export COCO', defaultPath: 'annotations.json', filters: [{ name: 'COCO JSON', extensions: ['json'] }] });
  }
}
