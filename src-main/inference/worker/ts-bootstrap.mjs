// Dev/test entry of the stage threads: registers tsx in this thread so the TypeScript
// sources load (the built app starts stage-thread.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./stage-thread.ts');
