import { app, BrowserWindow } from 'electron';
import { createMainWindow } from './window';

// The Electron shell stays thin: everything it hosts (services, inference, jobs) runs in
// plain Node modules that the CLI and the browser host use too.
app.enableSandbox();

void app.whenReady().then(() => {
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
