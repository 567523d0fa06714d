/**
 * The browser build's decode workers (this module replaces `src/read/decoder/start-worker.ts` in
 * the bundle): module Web Workers running the bundle itself, which serves decode jobs when it finds
 * itself in a worker named {@link DECODE_WORKER_NAME} (see `decode-worker-role.ts`). Each worker is
 * wrapped in the small part of Node's `Worker` interface the decode pool uses (`on`, `postMessage`,
 * `ref`, `unref`, `terminate`), so the pool itself is the same code in Node and in browsers.
 *
 * Browsers keep an idle worker alive for as long as the page lives, with its decoder memory (tens of
 * MiB that never shrink); here a worker idle (no job) for {@link setDecodeWorkerIdleTimeout}
 * milliseconds is terminated and the pool starts a fresh one when work comes.
 */

/** The `name` of decode workers: the bundle, loaded in a worker of this name, serves decode jobs. */
export const DECODE_WORKER_NAME = 'iceberg-rx-decode-worker';

/** Milliseconds an idle worker lives by default: 30 s. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

let workerUrl: URL | undefined;
let idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
const live = new Set<BrowserDecodeWorker>();

/**
 * Starts decode workers from `url` instead of this bundle's own URL (for a page that re-bundles
 * iceberg-rx: point it at the unmodified `dist/browser/iceberg-rx.js`). Applies to workers started
 * from now on.
 */
export function setDecodeWorkerUrl(url: string | URL): void {
  workerUrl = new URL(url, globalThis.location?.href);
}

/** Sets how long (ms) a decode worker with no job lives before it is terminated; `Infinity` keeps it. */
export function setDecodeWorkerIdleTimeout(ms: number): void {
  idleTimeoutMs = ms;
}

/** Decode workers alive now and how many of them hold a job. */
export interface DecodeWorkerStatus {
  readonly workers: number;
  readonly busy: number;
}

/** How many decode workers are alive now, and how many hold a job (for a page's status line and tests). */
export function decodeWorkerStatus(): DecodeWorkerStatus {
  let busy = 0;
  for (const w of live) if (w.busy) busy += 1;
  return { workers: live.size, busy };
}

type Listener = (value: never) => void;

/** A module Web Worker behind the part of Node's `worker_threads.Worker` API the decode pool uses. */
export class BrowserDecodeWorker {
  private readonly worker: Worker;
  private readonly listeners: Record<'message' | 'error' | 'exit', Listener[]> = { message: [], error: [], exit: [] };
  private exited = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether it holds a job (`ref`'d). */
  busy = false;

  constructor(url: URL) {
    this.worker = new Worker(bootUrl(url), { type: 'module', name: DECODE_WORKER_NAME });
    this.worker.addEventListener('message', (event) => this.emit('message', event.data));
    // An uncaught error in a browser worker does not end it, nor does a script that failed to load
    // say so otherwise: either way the worker is given up, as a Node worker would exit.
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      const reason = event.message ? event.message : `cannot start the decode worker from ${url.href}`;
      this.fail(new Error(reason));
    });
    this.worker.addEventListener('messageerror', () => this.fail(new Error('a message from the decode worker could not be deserialized')));
    live.add(this);
  }

  /** Adds a listener (`message`: the posted data; `error`: an Error; `exit`: the exit code). */
  on(event: 'message' | 'error' | 'exit', listener: (value: never) => void): this {
    this.listeners[event].push(listener);
    return this;
  }

  /** Posts `message`, transferring `transfer`. */
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.exited) this.worker.postMessage(message, transfer);
  }

  /** It holds a job: it stays alive. */
  ref(): void {
    this.busy = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** It holds no job: terminated after the idle timeout unless a job comes. */
  unref(): void {
    this.busy = false;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = Number.isFinite(idleTimeoutMs) ? setTimeout(() => this.end(0), idleTimeoutMs) : undefined;
  }

  /** Terminates the worker at once (its jobs are the pool's to fail). */
  async terminate(): Promise<number> {
    this.end(0);
    return 0;
  }

  private fail(error: Error): void {
    if (this.exited) return;
    this.emit('error', error);
    this.end(1);
  }

  private end(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.busy = false;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.worker.terminate();
    live.delete(this);
    this.emit('exit', code);
  }

  private emit(event: 'message' | 'error' | 'exit', value: unknown): void {
    for (const f of this.listeners[event]) f(value as never);
  }
}

/**
 * The URL a worker starts from: the module itself when it has the page's origin; else a small
 * same-origin `blob:` module that imports it (a worker's script must be same-origin; an imported
 * module may come from a CORS-enabled CDN).
 */
function bootUrl(url: URL): URL | string {
  const origin = globalThis.location?.origin;
  if (origin === undefined || url.origin === origin || url.protocol === 'blob:' || url.protocol === 'data:') return url;
  return URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
}

/** Starts a decode worker (a module Web Worker on this bundle). */
export function startDecodeWorker(): BrowserDecodeWorker {
  return new BrowserDecodeWorker(workerUrl ?? new URL(import.meta.url));
}

/** Decode workers by default: `navigator.hardwareConcurrency` (1 when the browser does not tell). */
export function defaultDecodeWorkers(): number {
  const n = globalThis.navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.min(256, Math.floor(n)) : 1;
}
