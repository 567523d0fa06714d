/**
 * The Parquet output: one `.parquet` file per task, encoded by arrow-rs's `ArrowWriter` in the
 * decoder module (field ids kept from the batches' `PARQUET:field_id` metadata), its bytes going to
 * the output file as row groups are flushed. A task without rows still writes a valid file with
 * the schema and no row group.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { emptyIpcStream, ipcStreamOf } from './ipc-output.ts';
import type { OutputFile } from './output-file.ts';
import { openParquetWriter, type ParquetWriterOptions } from './parquet-writer.ts';

/**
 * Writes `batches` to `file` as one Parquet file (the file is neither committed nor aborted here).
 *
 * @returns The number of rows written.
 */
export async function writeParquet(batches: AsyncIterable<RecordBatch>, schema: Schema, file: OutputFile, options: ParquetWriterOptions = {}): Promise<number> {
  const writer = await openParquetWriter(options);
  try {
    let rows = 0;
    let started = false;
    for await (const batch of batches) {
      const out = writer.write(ipcStreamOf(batch));
      started = true;
      rows += batch.numRows;
      if (out.byteLength > 0) await file.write(out);
    }
    if (!started) {
      const out = writer.write(emptyIpcStream(schema));
      if (out.byteLength > 0) await file.write(out);
    }
    await file.write(writer.finish());
    return rows;
  } finally {
    writer.close();
  }
}
