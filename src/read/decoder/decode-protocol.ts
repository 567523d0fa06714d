/**
 * Messages between the decode pool (main thread) and its decode workers. Each job is one row group
 * (or the part of its columns one worker decodes); its batches come back with transferred buffers,
 * and the worker decodes ahead of the consumer's pulls by at most `aheadBytes`.
 */
import type { HostedJob } from './decoder-host.ts';
import type { WireBatch, WireSchema } from './batch-wire.ts';

/** Main thread → worker. */
export type ToWorker =
  /** First message: the compiled decoder module (its code is shared, not compiled again). */
  | { readonly kind: 'init'; readonly module: WebAssembly.Module }
  /** Starts a job; the regions' buffers are transferred. */
  | (HostedJob & {
      readonly kind: 'open';
      readonly id: number;
      readonly priority: number;
      /** Bytes of posted batches the consumer has not pulled yet beyond which the worker waits (≥ one batch always). */
      readonly aheadBytes: number;
    })
  /** The consumer pulled a batch of `bytes` bytes: the worker may go ahead that much more. */
  | { readonly kind: 'pull'; readonly id: number; readonly bytes: number }
  /** Stops a job and frees it. */
  | { readonly kind: 'cancel'; readonly id: number }
  /** Drops the worker's parsed footer of a file. */
  | { readonly kind: 'forget'; readonly fileKey: string };

/** Worker → main thread. */
export type FromWorker =
  /** A decoded batch (buffers transferred); `schema` comes with a job's first batch. */
  | { readonly kind: 'batch'; readonly id: number; readonly batch: WireBatch; readonly bytes: number; readonly schema?: WireSchema }
  /** The job decoded its last batch; `wasmBytes` is the worker's decoder memory now. */
  | { readonly kind: 'done'; readonly id: number; readonly wasmBytes: number }
  /** The job failed; `trapped`: the worker's decoder trapped (and was replaced). */
  | { readonly kind: 'error'; readonly id: number; readonly message: string; readonly trapped: boolean };
