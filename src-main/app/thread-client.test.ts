/**
 * The worker-thread client behind the read thread and the search thread, against a real
 * thread: answers and progress by id, errors that keep their code, a thread that dies under a
 * request, and close.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { ThreadClient } from './thread-client';

const tmp = useTmp();

// A real thread script: 'echo' answers after two progress messages, 'fail' throws an LwError-shaped
// failure, 'throw' a plain error, 'die' exits the thread, 'hang' never answers, 'slow' writes a
// file after 400 ms; a stop request (platform/stop-worker.ts) exits once the slow work is done.
const script = `
import { parentPort } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
let slow = Promise.resolve();
parentPort.on('message', (m) => {
  if (m.type === 'labelwright:stop') {
    slow.then(() => process.exit(0));
  } else if (m.op === 'slow') {
    slow = new Promise((resolve) => setTimeout(() => { writeFileSync(m.marker, 'done'); resolve(); }, 400));
  } else if (m.op === 'echo') {
    parentPort.postMessage({ id: m.id, type: 'progress', progress: 1 });
    parentPort.postMessage({ id: m.id, type: 'progress', progress: 2 });
    parentPort.postMessage({ id: m.id, type: 'done', result: m.value });
  } else if (m.op === 'fail') {
    parentPort.postMessage({ id: m.id, type: 'error', error: { code: 'NOT_FOUND', message: 'no such thing', hint: 'look elsewhere', details: { k: 1 } } });
  } else if (m.op === 'throw') {
    parentPort.postMessage({ id: m.id, type: 'error', error: { message: 'plain failure', stack: 'Error: plain failure\\n    at thread' } });
  } else if (m.op === 'die') {
    process.exit(3);
  }
});
`;
const entry = new URL(`data:text/javascript,${encodeURIComponent(script)}`);

describe('ThreadClient', () => {
  it('answers each request by id with its progress, and errors keep their code, hint and details', async () => {
    const client = new ThreadClient<number, number>(entry, 'Ask again.');
    try {
      const seen: number[] = [];
      const [a, b] = await Promise.all([
        client.request<string>(1, 'echo', { id: 1, op: 'echo', value: 'one' }, (p) => seen.push(p)),
        client.request<string>(2, 'echo', { id: 2, op: 'echo', value: 'two' }),
      ]);
      expect([a, b, seen]).toEqual(['one', 'two', [1, 2]]);
      await expect(client.request(3, 'lookup', { id: 3, op: 'fail' })).rejects.toMatchObject({
        name: 'LwError',
        code: 'NOT_FOUND',
        message: 'no such thing',
        hint: 'look elsewhere',
        details: { k: 1 },
      });
      const plain = await client.request(4, 'x', { id: 4, op: 'throw' }).catch((e: Error) => e);
      expect(plain).toBeInstanceOf(Error);
      expect([(plain as Error).message, (plain as Error).stack]).toEqual(['plain failure', 'Error: plain failure\n    at thread']);
    } finally {
      await client.close();
    }
  });

  it('a thread that dies fails the requests in flight, naming them; the next request starts a fresh thread', async () => {
    const client = new ThreadClient<number, number>(entry, 'Ask again.');
    try {
      const waiting = client.request(1, 'corrections report', { id: 1, op: 'hang' });
      const dying = client.request(2, 'export', { id: 2, op: 'die' });
      await expect(waiting).rejects.toMatchObject({ code: 'INTERNAL', message: 'The corrections report stopped unexpectedly (thread exit code 3)', hint: 'Ask again.' });
      await expect(dying).rejects.toMatchObject({ code: 'INTERNAL', message: 'The export stopped unexpectedly (thread exit code 3)' });
      expect(client.has(1)).toBe(false);
      await expect(client.request<string>(3, 'echo', { id: 3, op: 'echo', value: 'again' })).resolves.toBe('again');
    } finally {
      await client.close();
    }
  });

  it('close fails what is in flight as cancelled; notify without a thread says so', async () => {
    const client = new ThreadClient<string, number>(entry, 'Search again.');
    expect(client.notify({ op: 'cancel' })).toBe(false);
    const pending = client.request('s1', 'search', { id: 's1', op: 'hang' });
    expect(client.has('s1')).toBe(true);
    const failed = expect(pending).rejects.toMatchObject({ code: 'CANCELLED', message: 'The search stopped: the project was closed', hint: 'Search again.' });
    await client.close();
    await failed;
    expect(client.has('s1')).toBe(false);
  });

  it("with stop 'ask', close fails the request at once but the thread finishes its work before it exits", async () => {
    const client = new ThreadClient<string, number>(entry, 'Search again.', 'ask');
    const marker = join(tmp(), 'finished');
    const pending = client.request('s1', 'search', { id: 's1', op: 'slow', marker });
    const failed = expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    await failed;
    // The thread was not cut short: its work completed before close resolved.
    expect(existsSync(marker)).toBe(true);
  });
});
