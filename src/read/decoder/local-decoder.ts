/**
 * Decoding on the calling thread (`decodeWorkers: 0`): one decoder instance per thread, each batch
 * decoded synchronously when it is pulled. No worker, no copy between threads; the event loop is
 * busy for the decode of one batch at a time.
 */
import type { RecordBatch } from 'apache-arrow';
import { abortedError } from '../../errors.ts';
import { DecoderHost } from './decoder-host.ts';
import { decoderModule } from './decoder-module.ts';
import { asDecodeFailure, type DecodeJob, type RowGroupDecoder } from './row-group-decoder.ts';

let host: Promise<DecoderHost> | undefined;

/** This thread's decoder host, instantiated on first use. */
export function localDecoderHost(): Promise<DecoderHost> {
  host ??= decoderModule().then((module) => new DecoderHost(module));
  host.catch(() => (host = undefined));
  return host;
}

/** The calling thread's decoder as a {@link RowGroupDecoder}. */
export const localDecoder: RowGroupDecoder = {
  decode(job: DecodeJob, signal: AbortSignal): AsyncIterator<RecordBatch, undefined> {
    let rowGroup: ReturnType<DecoderHost['open']> | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      rowGroup?.close();
      job.onDecoded?.();
    };
    return {
      async next(): Promise<IteratorResult<RecordBatch, undefined>> {
        if (finished) return { done: true, value: undefined };
        try {
          if (signal.aborted) throw abortedError(job.path);
          rowGroup ??= (await localDecoderHost()).open(job);
          if (signal.aborted) throw abortedError(job.path);
          const batch = rowGroup.next();
          if (batch !== undefined) return { done: false, value: batch };
          finish();
          return { done: true, value: undefined };
        } catch (error) {
          finish();
          throw asDecodeFailure(job, error);
        }
      },
      async return(): Promise<IteratorResult<RecordBatch, undefined>> {
        finish();
        return { done: true, value: undefined };
      },
    };
  },
  forget(fileKey: string): void {
    void host?.then((h) => h.forget(fileKey), () => undefined);
  },
};
