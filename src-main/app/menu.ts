import { Menu, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(path: string): void;
  addFolder(): void;
  exportCoco(): void;
  /** Editor commands the renderer performs (sent as the `app.command` event). */
  command(name: string): void;
  recent: string[];
  isDev: boolean;
}

/**
 * The app menu. Editor hotkeys are shown as accelerators but not registered with the OS
 * (`registerAccelerator: false`): the renderer's keyboard handling stays the one source
 * of truth (it also serves the browser host, and has the CVAT key-map setting), and
 * clicking an item sends the same command the key would.
 */
export function buildAppMenu(a: MenuActions): Menu {
  const cmd = (label: string, command: string, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
    click: () => a.command(command),
  });
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => a.newProject() },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => a.openProject() },
        {
          label: 'Open Recent',
          enabled: a.recent.length > 0,
          submenu: a.recent.map((p) => ({ label: `${basename(p)} — ${p}`, click: () => a.openRecent(p) })),
        },
        { type: 'separator' },
        { label: 'Add Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.addFolder() },
        { label: 'Export COCO…', accelerator: 'CmdOrCtrl+E', click: () => a.exportCoco() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
        cmd('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        cmd('Redo (alternative)', 'redo', 'CmdOrCtrl+Y'),
        { type: 'separator' },
        cmd('Copy Boxes', 'copy', 'CmdOrCtrl+C'),
        cmd('Paste Boxes', 'paste', 'CmdOrCtrl+V'),
        cmd('Delete', 'delete', 'Delete'),
        ...(isMac ? [{ type: 'separator' as const }, { role: 'cut' as const }, { role: 'copy' as const }, { role: 'paste' as const }] : []),
      ],
    },
    {
      label: '&Annotate',
      submenu: [
        cmd('Draw Box', 'tool.box', 'R'),
        cmd('Brush', 'tool.brush', 'B'),
        cmd('Eraser', 'tool.eraser', 'E'),
        cmd('Smaller Brush', 'brush.smaller', '['),
        cmd('Larger Brush', 'brush.larger', ']'),
        { type: 'separator' },
        cmd('Accept Prediction', 'accept', 'Enter'),
        cmd('Reject Prediction', 'reject', 'Backspace'),
        cmd('Accept All Above Threshold', 'acceptAbove'),
        cmd('Reject the Rest', 'rejectRest'),
        { type: 'separator' },
        {
          label: 'Relabel',
          submenu: Array.from({ length: 9 }, (_, i) => cmd(`Category ${i + 1}`, `relabel.${i + 1}`, String(i + 1))),
        },
        cmd('Search Label…', 'relabel.search', 'L'),
        { type: 'separator' },
        cmd('Mark Reviewed and Next Unreviewed', 'reviewAndNext', 'Space'),
      ],
    },
    {
      label: '&View',
      submenu: [
        cmd('Fit Image', 'fit', 'F'),
        cmd('Toggle Masks', 'masks.toggle', 'M'),
        { type: 'separator' },
        cmd('Next Image', 'next', 'D'),
        cmd('Previous Image', 'prev', 'A'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'togglefullscreen' },
        ...(a.isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
