import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalJobService } from '../jobs';
import { createWorkerEngine } from '../inference/worker/worker-engine';
import { utilityProcessStages } from './utility-endpoint';
import { createRpcServer } from '../transports/rpc-server';
import { serveIpc } from '../transports/ipc-main';
import { pickPath } from './dialogs';
import { buildAppMenu } from './menu';
import { IMAGE_SCHEME, handleImageProtocol, registerImageScheme } from './protocol';
import { AppSession } from './session';
import { createMainWindow } from './window';

// The Electron shell stays thin: everything it hosts (services, inference, jobs) runs in
// plain Node modules that the CLI and the browser host use too.
app.enableSandbox();
registerImageScheme();
// One profile folder per test run (Joplin's fixture pattern): recent.json, thumbnails, models.
if (process.env.LABELWRIGHT_USER_DATA) app.setPath('userData', resolve(process.env.LABELWRIGHT_USER_DATA));

const rendererIndex = resolve(import.meta.dirname, '../renderer/index.html');

/** Only our own pages may talk to the services. */
function isAppUrl(url: string): boolean {
  if (process.env.ELECTRON_RENDERER_URL && !app.isPackaged) return url.startsWith(process.env.ELECTRON_RENDERER_URL);
  return url.split(/[?#]/)[0] === pathToFileURL(rendererIndex).href;
}

let session: AppSession | null = null;
let closed = false;

void app.whenReady().then(async () => {
  const s = new AppSession({
    shell: 'electron',
    imageUrl: `${IMAGE_SCHEME}://image/{id}`,
    thumbnailUrl: `${IMAGE_SCHEME}://thumb/{id}`,
    userDataDir: app.getPath('userData'),
    // Models run in a utilityProcess, images are prepared in a second one beside it.
    jobs: (pdb) =>
      new LocalJobService(pdb, {
        engine: (pack) =>
          createWorkerEngine({ pack, stages: utilityProcessStages(resolve(import.meta.dirname, 'inference-utility.js')) }),
      }),
    pickPath: (purpose) => pickPath(purpose),
    testApi: process.env.LABELWRIGHT_TEST_API === '1',
  });
  session = s;
  const rebuildMenu = () => Menu.setApplicationMenu(buildAppMenu(menuActions(s, rpc.emit)));
  const rpc = createRpcServer(s.handlers(), {
    strictResults: !app.isPackaged,
    onEvent: (e) => {
      if (e.event === 'session.changed') rebuildMenu();
    },
  });
  s.bind(rpc);
  serveIpc(ipcMain, rpc, { isAllowedSender: (_wc, url) => isAppUrl(url) });
  handleImageProtocol(s);
  rebuildMenu();

  // `labelwright-app <project.lw>` opens it at start.
  const arg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.lw'));
  if (arg) await s.openProject(arg).catch((e: Error) => dialog.showErrorBox('Cannot open the project', e.message));

  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

function menuActions(s: AppSession, emit: ReturnType<typeof createRpcServer>['emit']) {
  const report = (title: string) => (e: unknown) => dialog.showErrorBox(title, e instanceof Error ? e.message : String(e));
  return {
    recent: s.recent.list(),
    isDev: !app.isPackaged,
    newProject: () =>
      void pickPath('createProject')
        .then((p) => (p ? s.openProject(p, true) : null))
        .catch(report('Cannot create the project')),
    openProject: () =>
      void pickPath('openProject')
        .then((p) => (p ? s.openProject(p) : null))
        .catch(report('Cannot open the project')),
    openRecent: (p: string) => void s.openProject(p).catch(report('Cannot open the project')),
    // Adding and exporting show progress and options in the renderer: hand it the command.
    addFolder: () => emit('app.command', { command: 'project.addFolder' }),
    exportCoco: () => emit('app.command', { command: 'export.open' }),
    command: (command: string) => emit('app.command', { command }),
  };
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Close the project (stop jobs cleanly, checkpoint the WAL) before quitting.
app.on('before-quit', (e) => {
  if (closed || !session) return;
  e.preventDefault();
  const s = session;
  session = null;
  void s.close().finally(() => {
    closed = true;
    app.quit();
  });
});
