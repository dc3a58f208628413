import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell } from 'electron';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanPacks } from '../inference/packs';
import { LocalJobService } from '../jobs';
import { createWorkerEngine } from '../inference/worker/worker-engine';
import { utilityProcessStages } from './utility-endpoint';
import { createRpcServer } from '../transports/rpc-server';
import { serveIpc } from '../transports/ipc-main';
import { pickPath } from './dialogs';
import { buildAppMenu } from './menu';
import { appPages } from './app-pages';
import { electronCsp } from './csp';
import { externalLinks, httpsHosts } from './external-links';
import { IMAGE_SCHEME, handleImageProtocol, registerAppSchemes } from './protocol';
import { RENDERER_SCHEME, createRendererHandler } from './renderer-protocol';
import { AppSession } from './session';
import { createMainWindow, secureDefaultSession } from './window';

// The packaged build has the RunAsNode fuse off (electron-builder.yml), so the bundled CLI
// runs through the app itself: `Labelwright --cli <command> …` loads out/cli, no window.
let session: AppSession | null = null;
let closed = false;
const cliAt = process.argv.indexOf('--cli');
if (cliAt >= 0) void runCli(process.argv.slice(cliAt + 1));
else startApp();

async function runCli(argv: string[]): Promise<void> {
  // out/cli ships unpacked beside the asar (electron-builder.yml: asarUnpack).
  const entry = resolve(import.meta.dirname, '../cli/main.js').replace(
    /app\.asar([\\/])/,
    'app.asar.unpacked$1',
  );
  try {
    const cli = (await import(pathToFileURL(entry).href)) as { main(argv: string[]): Promise<number> };
    app.exit(await cli.main(argv));
  } catch (e) {
    process.stderr.write(`error: the bundled CLI could not start (${(e as Error).message})\n`);
    app.exit(1);
  }
}

function startApp(): void {
  // The Electron shell stays thin: everything it hosts (services, inference, jobs) runs in
  // plain Node modules that the CLI and the browser host use too.
  app.enableSandbox();
  registerAppSchemes();
  // One profile folder per test run (Joplin's fixture pattern): recent.json, thumbnails, models.
  if (process.env.LABELWRIGHT_USER_DATA) app.setPath('userData', resolve(process.env.LABELWRIGHT_USER_DATA));

  // A packaged build never loads ELECTRON_RENDERER_URL; only these pages may talk to the services.
  const pages = appPages({ isPackaged: app.isPackaged, devUrl: process.env.ELECTRON_RENDERER_URL });

  void app.whenReady().then(async () => {
    protocol.handle(
      RENDERER_SCHEME,
      createRendererHandler(resolve(import.meta.dirname, '../renderer'), electronCsp()),
    );
    secureDefaultSession(pages);
    // Links stay refused until the allowlist is read; the window does not wait for it.
    let openLink = (_url: string) => false;
    void externalHosts().then((hosts) => (openLink = externalLinks(hosts, (url) => shell.openExternal(url)).open));
    const s = new AppSession({
      shell: 'electron',
      imageUrl: `${IMAGE_SCHEME}://image/{id}`,
      thumbnailUrl: `${IMAGE_SCHEME}://thumb/{id}`,
      userDataDir: app.getPath('userData'),
      // Models run in a utilityProcess, images are prepared in a second one beside it.
      jobs: (pdb) =>
        new LocalJobService(pdb, {
          engine: (pack) =>
            createWorkerEngine({
              pack,
              stages: utilityProcessStages(resolve(import.meta.dirname, 'inference-utility.js')),
            }),
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
    serveIpc(ipcMain, rpc, { isAllowedSender: (_wc, url) => pages.isAppUrl(url) });
    handleImageProtocol(s);
    rebuildMenu();

    // `labelwright-app <project.lw>` opens it at start.
    const arg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.lw'));
    if (arg)
      await s.openProject(arg).catch((e: Error) => dialog.showErrorBox('Cannot open the project', e.message));

    const openWindow = () => createMainWindow({ pages, openExternal: (url) => openLink(url) });
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  function menuActions(s: AppSession, emit: ReturnType<typeof createRpcServer>['emit']) {
    const report = (title: string) => (e: unknown) =>
      dialog.showErrorBox(title, e instanceof Error ? e.message : String(e));
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
}

/**
 * Hosts a link may open in the system browser: where the bundled model manifests download
 * from (their licences and model cards), and package.json's homepage (the docs) if set.
 * User-imported packs do not widen the list.
 */
async function externalHosts(): Promise<string[]> {
  const bundled = await scanPacks()
    .then((r) => r.packs.filter((p) => p.source === 'bundled'))
    .catch(() => []);
  let homepage: string | undefined;
  try {
    homepage = (
      JSON.parse(readFileSync(join(app.getAppPath(), 'package.json'), 'utf8')) as { homepage?: string }
    ).homepage;
  } catch {
    homepage = undefined;
  }
  return httpsHosts([homepage, ...bundled.flatMap((p) => Object.values(p.manifest.files).map((f) => f.url))]);
}
