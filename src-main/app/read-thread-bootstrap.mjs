// Dev/test entry of the session's read thread: registers tsx in this thread so the
// TypeScript sources load (built code starts read-thread-worker.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./read-thread-worker.ts');
