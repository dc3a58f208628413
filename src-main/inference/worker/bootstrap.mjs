// Dev/test entry of the inference worker: registers tsx in this thread so the TypeScript
// sources load (the built app starts thread.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
