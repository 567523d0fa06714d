/**
 * Worker-thread entry of the mutation test: loads and scans one table folder per message and posts
 * back how it ended, as plain data (an error's class and brand do not survive a structured clone,
 * so it is classified here). Scanning off the test's thread lets the test time out a scan that
 * never yields (a synchronous loop on the decoding thread included) and terminate it.
 */
import { parentPort } from 'node:worker_threads';
import { isIcebergScanError } from '../../src/errors.ts';
import { closeSharedDecodePool, sharedDecodePool } from '../../src/read/decoder/decode-pool.ts';
import { defaultDecodeWorkers } from '../../src/read/decoder/start-worker.ts';
import { loadTable } from '../../src/table/load-table.ts';

/** Test thread → worker. */
export type CaseRequest =
  | { readonly kind: 'scan'; readonly id: number; readonly dir: string; readonly decodeWorkers: number | undefined }
  | { readonly kind: 'close'; readonly id: number };

/** How one scan ended. */
export type CaseResult =
  | { readonly outcome: 'ok'; readonly rows: number; readonly ms: number }
  | {
      readonly outcome: 'error';
      readonly ms: number;
      /** `isIcebergScanError` of the thrown value. */
      readonly scanError: boolean;
      /** Constructor name of the thrown value (`IcebergScanError`, `TypeError`, …). */
      readonly name: string;
      readonly code: string | undefined;
      readonly path: string | undefined;
      readonly message: string;
    };

/** Worker → test thread. */
export type CaseReply =
  | { readonly kind: 'result'; readonly id: number; readonly result: CaseResult; readonly unhandled: readonly string[] }
  | { readonly kind: 'closed'; readonly id: number; readonly crashedDecodeWorkers: number; readonly unhandled: readonly string[] };

if (parentPort === null) throw new Error('scan-case-worker must run in a worker thread');
const port = parentPort;

/** Unhandled rejections and exceptions since the last reply: each one is a bug (errors must travel through the scan). */
let unhandled: string[] = [];
const note = (kind: string) => (error: unknown): void => {
  unhandled.push(`${kind}: ${(error as Error)?.stack ?? String(error)}`.slice(0, 2000));
};
process.on('unhandledRejection', note('unhandled rejection'));
process.on('uncaughtException', note('uncaught exception'));

const takeUnhandled = (): string[] => {
  const out = unhandled;
  unhandled = [];
  return out;
};

async function scanCase(dir: string, decodeWorkers: number | undefined): Promise<CaseResult> {
  const started = performance.now();
  try {
    const table = await loadTable(dir);
    const result = await table.scan(decodeWorkers === undefined ? {} : { decodeWorkers }).toTable();
    return { outcome: 'ok', rows: result.numRows, ms: performance.now() - started };
  } catch (error) {
    const e = error as { constructor?: { name?: string }; code?: unknown; path?: unknown; message?: unknown } | null;
    return {
      outcome: 'error',
      ms: performance.now() - started,
      scanError: isIcebergScanError(error),
      name: e?.constructor?.name ?? typeof error,
      code: typeof e?.code === 'string' ? e.code : undefined,
      path: typeof e?.path === 'string' ? e.path : undefined,
      message: String(e?.message ?? error).slice(0, 400),
    };
  }
}

port.on('message', (request: CaseRequest) => {
  if (request.kind === 'scan') {
    void scanCase(request.dir, request.decodeWorkers).then((result) => {
      // Let stray rejections of the scan's teardown surface before reporting.
      setImmediate(() => port.postMessage({ kind: 'result', id: request.id, result, unhandled: takeUnhandled() } satisfies CaseReply));
    });
    return;
  }
  const crashedDecodeWorkers = sharedDecodePool(defaultDecodeWorkers()).stats.crashed;
  void closeSharedDecodePool().then(() =>
    port.postMessage({ kind: 'closed', id: request.id, crashedDecodeWorkers, unhandled: takeUnhandled() } satisfies CaseReply),
  );
});
