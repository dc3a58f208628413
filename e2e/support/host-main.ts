/**
 * Starts the browser host for one end-to-end test, with bulk jobs wired in and the test
 * API on, and prints the same line as `npm run host`:
 *   Labelwright host: http://127.0.0.1:<port>/?token=<token>
 *
 *   node --import tsx e2e/support/host-main.ts <project.lw> [--create]
 */
import { startHost } from '../../src-main/app/host';
import { createJobService } from '../../src-main/jobs';

const args = process.argv.slice(2);
const project = args.find((a) => !a.startsWith('--'));
const host = await startHost({
  project,
  create: args.includes('--create'),
  jobs: createJobService,
  testApi: true,
  userDataDir: process.env.LABELWRIGHT_USER_DATA,
});
process.stdout.write(`Labelwright host: ${host.url}\n`);
const stop = () => void host.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
