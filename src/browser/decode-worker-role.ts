/**
 * The bundle's second role: loaded in a module Web Worker named `DECODE_WORKER_NAME` (see
 * `start-worker.ts`), it serves decode jobs on the worker's own decoder instance, posting batches
 * back with their buffers transferred. Anywhere else this module does nothing.
 */
import { serveDecodeJobs } from '../read/decoder/decode-worker.ts';
import type { ToWorker } from '../read/decoder/decode-protocol.ts';
import { DECODE_WORKER_NAME } from './start-worker.ts';

interface WorkerScope {
  readonly name: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

/** Whether this code runs inside a decode worker started by `startDecodeWorker`. */
export function isDecodeWorker(): boolean {
  const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; name?: unknown };
  return typeof scope.WorkerGlobalScope === 'function' && scope.name === DECODE_WORKER_NAME;
}

if (isDecodeWorker()) {
  const scope = globalThis as unknown as WorkerScope;
  const handle = serveDecodeJobs({ postMessage: (message, transfer) => scope.postMessage(message, transfer) });
  scope.addEventListener('message', (event) => handle(event.data));
}
