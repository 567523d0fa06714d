/**
 * The only module that touches parquet-wasm: opening a file from a Blob-like object, streaming one
 * row group, and moving each decoded batch (or the kept rows of it) into apache-arrow memory
 * (copying) before freeing it.
 */
import * as pw from 'parquet-wasm';
import { Data, DataType, RecordBatch, makeVector, type Struct } from 'apache-arrow';
import { takeRows } from '../deletes/take-rows.ts';
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

/**
 * Copies a wasm batch into an apache-arrow `RecordBatch` and frees the wasm side. With `kept`
 * (ascending row indices), only those rows are copied: the batch is read in place through views of
 * wasm memory and gathered once (`takeRows`), instead of copied whole and then gathered again.
 */
export function toArrowBatch(batch: pw.RecordBatch, kept?: Int32Array): RecordBatch {
  const ffi = batch.intoFFI();
  try {
    const memory = pw.wasmMemory().buffer;
    if (kept === undefined) return parseRecordBatch(memory, ffi.arrayAddr(), ffi.schemaAddr(), true);
    const taken = takeRows(viewOf(ffi, memory), kept);
    // takeRows shares what it need not copy (one contiguous run, dictionaries): copy those out.
    return new RecordBatch(taken.schema, ownedData(taken.data, memory) as Data<Struct>);
  } finally {
    ffi.free();
  }
}

/**
 * Hands `use` the wasm batch as an apache-arrow `RecordBatch` that views wasm memory (nothing
 * copied), then frees the wasm side: `use` must copy what it keeps and must not call parquet-wasm.
 */
export function useArrowView<T>(batch: pw.RecordBatch, use: (view: RecordBatch) => T): T {
  const ffi = batch.intoFFI();
  try {
    return use(viewOf(ffi, pw.wasmMemory().buffer));
  } finally {
    ffi.free();
  }
}

/** The exported batch as apache-arrow views of wasm memory, fixed-width views spanning all rows. */
function viewOf(ffi: ReturnType<pw.RecordBatch['intoFFI']>, memory: ArrayBuffer): RecordBatch {
  const inPlace = parseRecordBatch(memory, ffi.arrayAddr(), ffi.schemaAddr(), false);
  return new RecordBatch(inPlace.schema, fullViews(inPlace.data) as Data<Struct>);
}

/**
 * `data` with each fixed-width values view spanning all its rows. arrow-js-ffi's views (not its
 * copies) count elements as rows, which cuts multi-word values short: a decimal128 view held a
 * quarter of its values (seen with arrow-js-ffi 0.4.3).
 */
function fullViews(data: Data): Data {
  const children = data.children.map(fullViews);
  const values = data.values as unknown as (ArrayBufferView & { length: number }) | undefined;
  const rows = data.offset + data.length;
  const fixed = values !== undefined && data.valueOffsets === undefined && !DataType.isBool(data.type) && !DataType.isDictionary(data.type);
  const wanted = rows * data.stride;
  if (!fixed || values.length >= wanted) return children.every((c, i) => c === data.children[i]) ? data : data.clone(data.type, data.offset, data.length, data.nullCount, data as never, children);
  const View = values.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;
  const buffers = [data.valueOffsets, new View(values.buffer, values.byteOffset, wanted), data.nullBitmap, data.typeIds];
  return new Data(data.type, data.offset, data.length, data.nullCount, buffers as never, children, data.dictionary);
}

/** `data` with every buffer that lies in `memory` (wasm memory, about to be reused) copied out. */
function ownedData(data: Data, memory: ArrayBuffer): Data {
  const own = <T extends ArrayBufferView | undefined>(view: T): T =>
    view !== undefined && view.buffer === memory ? ((view as unknown as Uint8Array).slice() as unknown as T) : view;
  const children = data.children.map((child) => ownedData(child, memory));
  const dictionary = data.dictionary === undefined ? undefined : makeVector(data.dictionary.data.map((d) => ownedData(d, memory)));
  const buffers = [own(data.valueOffsets), own(data.values), own(data.nullBitmap), own(data.typeIds)];
  return new Data(data.type, data.offset, data.length, data.nullCount, buffers as never, children, dictionary as never);
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
