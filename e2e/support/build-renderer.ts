/** Builds the renderer into out/renderer with vite (no main-process bundle needed). */
import { join } from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { REPO } from './host';

export async function buildRenderer(): Promise<void> {
  await build({
    root: join(REPO, 'src-renderer'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    plugins: [react()],
    build: { outDir: join(REPO, 'out', 'renderer'), emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  });
}
