/**
 * The Arrow IPC stream output: one `.arrows` file per task, written batch by batch (each batch
 * serialised as a one-batch stream whose schema message and end marker are cut after the first,
 * as `iceberg-rx scan --format arrow` does), so memory holds one batch's bytes at a time. A task
 * without rows still writes its schema.
 */
import { RecordBatchStreamWriter, Table, type RecordBatch, type Schema } from 'apache-arrow';
import type { OutputFile } from './output-file.ts';

const END_OF_STREAM = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** The IPC stream bytes of one batch: schema message, (dictionaries,) the batch, end marker. */
export function ipcStreamOf(batch: RecordBatch): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/** The IPC stream bytes of no batch: the schema message and the end marker. */
export function emptyIpcStream(schema: Schema): Uint8Array {
  return RecordBatchStreamWriter.writeAll(new Table(schema)).toUint8Array(true);
}

function schemaMessageLength(ipc: Uint8Array): number {
  return 8 + new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength).getInt32(4, true);
}

/**
 * Writes `batches` to `file` as one Arrow IPC stream (the file is neither committed nor aborted here).
 *
 * @returns The number of rows written.
 */
export async function writeIpcStream(batches: AsyncIterable<RecordBatch>, schema: Schema, file: OutputFile): Promise<number> {
  let rows = 0;
  let started = false;
  for await (const batch of batches) {
    const ipc = ipcStreamOf(batch);
    await file.write(ipc.subarray(started ? schemaMessageLength(ipc) : 0, ipc.length - END_OF_STREAM.length));
    started = true;
    rows += batch.numRows;
  }
  await file.write(started ? END_OF_STREAM : emptyIpcStream(schema));
  return rows;
}
