// Dev/test entry of the session's search thread: registers tsx in this thread so the
// TypeScript sources load (built code starts search-thread-worker.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./search-thread-worker.ts');
