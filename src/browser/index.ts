/**
 * iceberg-rx for browsers: the same public surface as the Node entry (`src/index.ts`), bundled by
 * `scripts/build-browser.mjs` into one ESM file, `dist/browser/iceberg-rx.js`, that a page imports
 * by URL. In the bundle the Node-only modules are replaced by browser ones: decode workers are
 * module Web Workers (the bundle itself, see `decode-worker-role.ts`), the decoder's `.wasm` is
 * fetched by URL and compiled while streaming, and `decodeWorkers` defaults to
 * `navigator.hardwareConcurrency`. Local paths cannot be read; use `http(s)://` or `s3://`.
 *
 * @packageDocumentation
 */
import './decode-worker-role.ts';

export * from '../index.ts';
export { setDecoderWasmUrl, decoderWasmUrl } from './decoder-module.ts';
export {
  setDecodeWorkerUrl, setDecodeWorkerIdleTimeout, decodeWorkerStatus, DECODE_WORKER_NAME, DEFAULT_IDLE_TIMEOUT_MS,
  type DecodeWorkerStatus,
} from './start-worker.ts';
