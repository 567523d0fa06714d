/**
 * Starting a decode worker thread (from TypeScript sources through tsx, or from built JavaScript)
 * and moving byte regions across the thread boundary (transferred when the caller gives them up).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ByteRegion } from '../memory-blob.ts';
import type { WireRegion } from './decode-protocol.ts';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './decode-worker.ts' : './decode-worker.js', import.meta.url);

/**
 * Starts a worker on the decode script. Run from TypeScript sources, the worker registers tsx's
 * loader first: `execArgv: ['--import', 'tsx']` does not reach worker threads on Node 20.
 */
export function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // `require.resolve` yields the CommonJS build; the ESM build sits next to it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

/** A region whose buffer can be transferred: the caller's own when it spans the whole buffer, else a copy. */
export function whole(r: ByteRegion, transfer: ArrayBuffer[]): WireRegion {
  const b = r.bytes;
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer && !transfer.includes(b.buffer)) {
    transfer.push(b.buffer);
    return { start: r.start, bytes: b };
  }
  return owned(r, transfer);
}

/** A copy of a region, transferred (the caller keeps its own bytes). */
export function owned(r: ByteRegion, transfer: ArrayBuffer[]): WireRegion {
  const copy = r.bytes.slice();
  transfer.push(copy.buffer);
  return { start: r.start, bytes: copy };
}
