/**
 * Writes command output to stdout with backpressure, and turns a closed pipe (`EPIPE`, as after
 * `| head`) into a quiet stop: the sink aborts its signal so the scan unsubscribes, and the
 * command exits 0.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** A backpressured writer over a Node writable stream. */
export interface OutputSink {
  /** Writes a chunk; resolves when the stream can take more. A no-op once the reader went away. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends the stream (waits until flushed; never rejects on a closed pipe). */
  end(): Promise<void>;
  /** True once the reader closed the pipe. */
  readonly closed: boolean;
  /** Aborted when the reader closes the pipe. */
  readonly signal: AbortSignal;
}

function isPipeClosed(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/** Wraps `stream` (usually `process.stdout`). Errors other than a closed pipe are re-thrown by `write`. */
export function createOutputSink(stream: Writable): OutputSink {
  const controller = new AbortController();
  let closed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const whenClosed = new Promise<void>((resolve) => (wake = resolve));
  const close = (): void => {
    if (!closed) {
      closed = true;
      controller.abort();
      wake?.();
    }
  };
  stream.on('error', (error: unknown) => {
    if (isPipeClosed(error)) close();
    else failure = error;
  });
  return {
    get closed() {
      return closed;
    },
    signal: controller.signal,
    async write(chunk) {
      if (failure !== undefined) throw failure;
      if (closed || chunk.length === 0) return;
      let ok: boolean;
      try {
        ok = stream.write(chunk);
      } catch (error) {
        if (isPipeClosed(error)) return close();
        throw error;
      }
      if (!ok && !closed) {
        const drained = once(stream, 'drain').catch(() => undefined);
        await Promise.race([drained, whenClosed]);
      }
      if (failure !== undefined) throw failure;
    },
    async end() {
      if (closed || stream === (process.stdout as Writable)) {
        // Never end process.stdout: Node flushes it on exit, and ending it breaks later writes.
        if (!closed && stream.writableNeedDrain) await once(stream, 'drain').catch(() => undefined);
        return;
      }
      await new Promise<void>((resolve) => stream.end(() => resolve()));
    },
  };
}
