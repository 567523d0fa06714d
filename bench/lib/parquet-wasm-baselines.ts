/**
 * parquet-wasm's own ways of decoding a whole file already in memory, as baselines for the
 * benches: `readParquet` (one call, the whole file collected) and `stream()` per row group.
 * src/ no longer uses parquet-wasm (it has its own decoder, decoder/): the npm package is imported
 * here directly, as the previous decoder to compare against.
 */
import { parseRecordBatch } from 'arrow-js-ffi';
import type { RecordBatch } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { DEFAULT_BATCH_SIZE } from '../../src/scan/scan-options.ts';

/** A parquet-wasm batch copied into apache-arrow through the C data interface (the batch is consumed). */
export function toArrowBatch(batch: pw.RecordBatch): RecordBatch {
  const ffi = batch.intoFFI();
  try {
    return parseRecordBatch(pw.wasmMemory().buffer, ffi.arrayAddr(), ffi.schemaAddr(), true);
  } finally {
    ffi.free();
  }
}

/** Size of parquet-wasm's linear memory on this thread (it never shrinks). */
export function parquetWasmMemoryBytes(): number {
  return pw.wasmMemory().buffer.byteLength;
}

/** `readParquet` on `bytes`; with `convert`, each batch is also copied into apache-arrow. Returns the rows. */
export function readParquetRows(bytes: Uint8Array, convert: boolean): number {
  const table = pw.readParquet(bytes, { batchSize: DEFAULT_BATCH_SIZE });
  let rows = 0;
  for (const b of table.recordBatches()) {
    if (convert) rows += toArrowBatch(b).numRows;
    else {
      rows += b.numRows;
      b.free();
    }
  }
  table.free();
  return rows;
}

/** parquet-wasm's streaming reader on `bytes`: one `stream()` per row group, batches freed unconverted. Returns the rows. */
export async function parquetWasmStreamRows(bytes: Uint8Array): Promise<number> {
  const blob = { size: bytes.byteLength, slice: (s = 0, e = bytes.byteLength) => ({ arrayBuffer: async () => bytes.slice(s, e).buffer }) };
  const file = await pw.ParquetFile.fromFile(blob as unknown as Blob);
  let rows = 0;
  try {
    for (let k = 0; k < file.metadata().numRowGroups(); k++) {
      const reader = (await file.stream({ rowGroups: [k], batchSize: DEFAULT_BATCH_SIZE, concurrency: 1 })).getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        rows += (r.value as pw.RecordBatch).numRows;
        (r.value as pw.RecordBatch).free();
      }
    }
  } finally {
    file.free();
  }
  return rows;
}
