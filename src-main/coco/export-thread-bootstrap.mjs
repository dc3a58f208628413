// Dev/test entry of the export thread: registers tsx in this thread so the TypeScript
// sources load (built code starts export-thread.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./export-thread.ts');
