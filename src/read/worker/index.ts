/** Isolated (worker-thread) Parquet decoding: the public surface of `src/read/worker/`. */
export { createWorkerDecoder, type IsolatedDecodeRequest, type WorkerDecoder, type WorkerDecoderOptions } from './worker-decoder.ts';
export {
  closeSharedWorkerDecoder,
  configureSharedWorkerDecoder,
  decodeRowGroupIsolated,
  sharedWorkerDecoder,
} from './decode-isolated.ts';
