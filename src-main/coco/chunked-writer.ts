import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { LwError } from '../shared/errors';

const CHUNK = 1 << 20;

const TARGET_PROBLEMS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
};

/**
 * Writes text to `<path>.partial` in ~1 MB chunks with backpressure, and renames it into
 * place only on `commit()`: a crash, a cancel or a full disk never leaves a half file
 * under the name a person asked for.
 */
export class ChunkedFileWriter {
  private parts: string[] = [];
  private size = 0;
  private readonly stream: WriteStream;
  private readonly tmp: string;
  private failure: Error | null = null;
  bytes = 0;

  constructor(private readonly path: string) {
    this.tmp = `${path}.partial`;
    this.stream = createWriteStream(this.tmp);
    this.stream.on('error', (e) => (this.failure = e));
  }

  /** Buffers `s`; returns a promise only when the buffer had to be flushed. */
  write(s: string): Promise<void> | void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) return this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.mapError(this.failure);
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(text);
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.stream.off('drain', onDrain);
          reject(this.mapError(e));
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async commit(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(this.mapError(e)) : resolve()));
    });
    if (this.failure) throw this.mapError(this.failure);
    try {
      await rename(this.tmp, this.path);
    } catch (e) {
      throw this.mapError(e as Error);
    }
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    // Cleanup must not hide the error that made us abort (rm fails too on a too-long name).
    await rm(this.tmp, { force: true }).catch(() => undefined);
  }

  private mapError(e: Error): Error {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC')
      return new LwError('DISK_FULL', `The disk is full while writing ${this.path}; the export was discarded`, 'Free some space and export again.', { cause: e });
    // The person's choice of target, not a fault of the app: say what is wrong with it.
    const why = code ? TARGET_PROBLEMS[code] : undefined;
    if (why) return new LwError('INVALID_ARGUMENT', `Cannot write ${this.path}: ${why}`, 'Choose another output file.', { cause: e });
    return new LwError('INTERNAL', `Cannot write ${this.path} (${code ?? e.message})`, undefined, { cause: e });
  }
}
