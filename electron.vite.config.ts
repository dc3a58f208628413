import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Native modules stay outside the bundle (externalizeDeps is on by default) so that
// electron-builder can unpack them from the asar and rebuild them for Electron's ABI.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/main.ts'),
          // Entry points loaded by file at run time: the inference stages (model and image
          // preparation) as worker threads in plain Node, and as utility processes in Electron.
          'stage-thread': resolve(__dirname, 'src-main/inference/worker/stage-thread.ts'),
          'inference-utility': resolve(__dirname, 'src-main/app/inference-utility.ts'),
          // The session's read thread (COCO export, corrections report), so the main process keeps answering (app/read-thread.ts).
          'read-thread-worker': resolve(__dirname, 'src-main/app/read-thread-worker.ts'),
          // The session's search thread (UNITER text search), so the model runs off the main process's loop (app/search-thread.ts).
          'search-thread-worker': resolve(__dirname, 'src-main/app/search-thread-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one self-contained CommonJS file.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
