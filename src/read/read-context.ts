/**
 * What the per-file reader gets from the pipeline: the stage context plus batch size, row-group
 * pruning and a pacer through which the consumer's demand throttles reading.
 */
import { Observable, type Subscriber } from 'rxjs';
import { abortedError, asFileReadError } from '../errors.ts';
import type { FileStageContext, PageFilter, RowGroupFilter } from '../task/file-stage.ts';
import type { FileBatch } from '../task/file-batch.ts';
import type { RowGroupDecoder } from './decoder/row-group-decoder.ts';
import type { ReadAhead } from './read-ahead.ts';

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
  /** Page pruning from the page indexes: rows outside its ranges are skipped (`stats.rowsSkipped`). */
  readonly pageFilter?: PageFilter;
  /** Decodes Parquet row groups (default: the calling thread's decoder). */
  readonly decoder?: RowGroupDecoder;
  /** Jobs a row group's columns are split into, decoded side by side (the decode workers; default 1). */
  readonly decodeParallelism?: number;
  /** The scan's read-ahead bound, shared by its files (absent: none beyond one row group ahead per file). */
  readonly readAhead?: ReadAhead;
  /** This file's task index in the scan: row groups are granted read-ahead in (task, row group) order. */
  readonly taskIndex?: number;
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
