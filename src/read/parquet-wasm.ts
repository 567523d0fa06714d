/**
 * The only module that touches parquet-wasm: opening a file from a Blob-like object, streaming one
 * row group, and moving each decoded batch into apache-arrow memory (copying) before freeing it.
 */
import * as pw from 'parquet-wasm';
import type { RecordBatch } from 'apache-arrow';
import { parseRecordBatch } from 'arrow-js-ffi';
import type { BlobLike } from './memory-blob.ts';

/** An open parquet-wasm file (its footer parsed inside wasm). Call `free()` when done. */
export type WasmParquetFile = pw.ParquetFile;

/** A reader of parquet-wasm record batches; cancel it to stop decoding. */
export type WasmBatchReader = ReadableStreamDefaultReader<pw.RecordBatch>;

/** Opens a file inside parquet-wasm; reads the footer through `blob` (which must never reject). */
export function openWasmParquetFile(blob: BlobLike): Promise<WasmParquetFile> {
  return pw.ParquetFile.fromFile(blob as unknown as Blob);
}

/**
 * Starts decoding one row group, or rows `[offset, offset + limit)` of it. `columns` must have been validated against the file schema: an
 * unknown column panics inside wasm. parquet-wasm's own `concurrency` stays 1, since its memory
 * grows with it and never shrinks.
 */
export async function streamRowGroup(
  file: WasmParquetFile,
  rowGroup: number,
  columns: readonly string[],
  batchSize: number,
  slice?: { readonly offset: number; readonly limit: number },
): Promise<WasmBatchReader> {
  // offset/limit apply within the one selected row group (parquet-wasm builds a reader per group).
  const stream = await file.stream({ rowGroups: [rowGroup], columns: [...columns], batchSize, concurrency: 1, ...slice });
  return stream.getReader() as WasmBatchReader;
}

/** Copies a wasm batch into an apache-arrow `RecordBatch` and frees the wasm side. */
export function toArrowBatch(batch: pw.RecordBatch): RecordBatch {
  const ffi = batch.intoFFI();
  try {
    return parseRecordBatch(pw.wasmMemory().buffer, ffi.arrayAddr(), ffi.schemaAddr(), true);
  } finally {
    ffi.free();
  }
}

/** Frees a wasm batch that will not be converted (e.g. one that arrived after unsubscribe). */
export function freeWasmBatch(batch: pw.RecordBatch | undefined): void {
  try {
    batch?.free();
  } catch {
    // already consumed or freed
  }
}

/** Current size of parquet-wasm's linear memory in bytes (it never shrinks). */
export function wasmMemoryBytes(): number {
  return pw.wasmMemory().buffer.byteLength;
}
