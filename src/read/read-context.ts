/**
 * What the per-file reader gets from the pipeline: the stage context plus batch size, row-group
 * pruning and a pacer through which the consumer's demand throttles reading.
 */
import { Observable, type Subscriber } from 'rxjs';
import { abortedError, asFileReadError } from '../errors.ts';
import type { FileStageContext, RowGroupFilter } from '../task/file-stage.ts';
import type { FileBatch } from '../task/file-batch.ts';

/**
 * Demand signal from downstream. Readers call it before every row-group fetch and every decoded
 * batch: `undefined` means "go on", a promise means "wait until it resolves".
 */
export type Pacer = () => Promise<void> | undefined;

/** Context of {@link readDataFile}. */
export interface ReadDataFileContext extends FileStageContext {
  /** Rows per decoded batch (the last batch of a row group may be shorter). */
  readonly batchSize: number;
  /** Row-group pruning (false = skip); skipped row groups are counted in `stats.rowGroupsSkipped`. */
  readonly rowGroupFilter?: RowGroupFilter;
  /** Rows decoded per parquet-wasm call when the file has an offset index (default `DEFAULT_DECODE_ROWS`). */
  readonly decodeRows?: number;
  /**
   * Where parquet-wasm runs: `'worker'` (default) in the process-wide decode worker pool, so a
   * wasm panic on corrupt data fails the file instead of killing the process; `'in-process'` on
   * the calling thread (no isolation).
   */
  readonly decode?: 'worker' | 'in-process';
  /** Downstream demand (absent: read as fast as possible). */
  readonly pace?: Pacer;
}

/** Waits until `pace` allows reading again, rejecting with `aborted` when `signal` aborts first. */
export async function awaitPace(pace: Pacer | undefined, signal: AbortSignal, path: string): Promise<void> {
  for (;;) {
    if (signal.aborted) throw abortedError(path);
    const wait = pace?.();
    if (wait === undefined) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(abortedError(path));
      signal.addEventListener('abort', onAbort, { once: true });
      wait.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}

/** Combines pacers: reading goes on only when every one of them allows it. */
export function combinePacers(...pacers: Array<Pacer | undefined>): Pacer | undefined {
  const list = pacers.filter((p): p is Pacer => p !== undefined);
  if (list.length <= 1) return list[0];
  const first = (): Promise<void> | undefined => {
    for (const p of list) {
      const wait = p();
      if (wait !== undefined) return wait;
    }
    return undefined;
  };
  return () => {
    const wait = first();
    if (wait === undefined) return undefined;
    return (async () => {
      for (let w: Promise<void> | undefined = wait; w !== undefined; w = first()) await w;
    })();
  };
}

/**
 * The cold Observable shape every per-file reader shares: `read` runs on subscription with a
 * signal that aborts when the scan's signal does or the subscriber leaves; it completes the
 * stream when it resolves, and its failure reaches the subscriber as a file read error naming
 * `path`. `teardown` runs on unsubscribe, after the abort.
 */
export function fileReadObservable(
  ctx: ReadDataFileContext,
  path: string,
  format: string,
  read: (signal: AbortSignal, subscriber: Subscriber<FileBatch>) => Promise<void>,
  teardown?: () => void,
): Observable<FileBatch> {
  return new Observable<FileBatch>((subscriber) => {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (ctx.signal.aborted) controller.abort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    read(controller.signal, subscriber).then(
      () => subscriber.complete(),
      (error: unknown) => {
        if (!subscriber.closed) subscriber.error(asFileReadError(error, path, format));
      },
    );
    return () => {
      ctx.signal.removeEventListener('abort', onAbort);
      controller.abort();
      teardown?.();
    };
  });
}
