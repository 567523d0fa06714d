/**
 * Test helpers of the delete tests: position delete files written with parquet-wasm, and id batches
 * whose `id` column carries field id 1 (so equality deletes on id 1 find it).
 */
import * as arrow from 'apache-arrow';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { makeTable, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';

/** Writes a position delete file of `(path, pos)` rows; `null` entries become nulls. */
export async function writePositionDeletes(
  dir: TempDir,
  name: string,
  rows: readonly (readonly [string | null, bigint | null])[],
  rowGroupSize = 1000,
): Promise<DeleteFile> {
  const table = makeTable([
    { name: 'file_path', fieldId: 2147483546, vector: arrow.vectorFromArray(rows.map((r) => r[0]), new arrow.Utf8()) },
    { name: 'pos', fieldId: 2147483545, vector: arrow.vectorFromArray(rows.map((r) => r[1]), new arrow.Int64()) },
  ]);
  const bytes = toParquetBytes(table, rowGroupSize);
  const path = await dir.write(name, bytes);
  return { content: 'position_deletes', path, format: 'parquet', recordCount: rows.length, fileSizeInBytes: bytes.length, specId: 0, partition: {} };
}


/** A batch of `n` rows, `id` (Int32, field id 1) = start .. start + n - 1. */
export function idBatchWithFieldId(start: number, n: number): arrow.RecordBatch {
  const field = new arrow.Field('id', new arrow.Int32(), false, new Map([['PARQUET:field_id', '1']]));
  const child = arrow.makeData({ type: new arrow.Int32(), length: n, data: Int32Array.from({ length: n }, (_, i) => start + i) });
  return new arrow.RecordBatch(new arrow.Schema([field]), arrow.makeData({ type: new arrow.Struct([field]), length: n, nullCount: 0, children: [child] }));
}
