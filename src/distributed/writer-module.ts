/**
 * The Parquet writer's WebAssembly module (`decoder/iceberg-rx-writer.wasm`: the decoder crate
 * built with its `writer` feature, arrow-rs's `ArrowWriter`), kept apart from the decoder module
 * so that scans, decode workers and web pages never load the writer. Compiled once per thread.
 */
import { readFile } from 'node:fs/promises';

/** Where the committed module sits, relative to this file (`src/distributed/` and `dist/distributed/` alike). */
export const WRITER_WASM_URL = new URL('../../decoder/iceberg-rx-writer.wasm', import.meta.url);

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled writer module, compiled on first use (a failed compile is tried again next time). */
export function writerModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(WRITER_WASM_URL)
    .then((bytes) => WebAssembly.compile(bytes))
    .catch((error: unknown) => {
      compiled = undefined;
      throw error;
    });
  return compiled;
}
