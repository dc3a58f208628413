// Dev/test entry of the preparation worker: registers tsx in this thread so the TypeScript
// sources load (the built app starts prep-thread.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./prep-thread.ts');
