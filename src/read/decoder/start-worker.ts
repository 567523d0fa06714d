/**
 * Starting a decode worker thread in Node, from TypeScript sources (through tsx) or from built
 * JavaScript alike.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './node-decode-worker.ts' : './node-decode-worker.js', import.meta.url);

/**
 * Starts a decode worker thread. Run from TypeScript sources, the worker registers tsx's loader
 * first: `execArgv: ['--import', 'tsx']` does not reach worker threads on Node 20.
 */
export function startDecodeWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // `require.resolve` yields the CommonJS build; the ESM build sits next to it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

/** Decode workers by default: one per core the process may use. */
export function defaultDecodeWorkers(): number {
  return availableParallelism();
}
