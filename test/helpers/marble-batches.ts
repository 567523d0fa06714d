/**
 * Test helper for marble tests: tiny record batches with an `id` column, and a compact text form
 * (`"0-2"` for ids 0..2) to compare emitted batches without deep-equalling Arrow objects.
 */
import * as arrow from 'apache-arrow';
import type { FileBatch } from '../../src/task/file-batch.ts';
import type { FileScanTask } from '../../src/task/file-scan-task.ts';

/** A batch of `n` rows with `id` = start .. start + n - 1. */
export function idBatch(start: number, n: number): arrow.RecordBatch {
  return arrow.tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => start + i) }).batches[0] ?? emptyBatch();
}

function emptyBatch(): arrow.RecordBatch {
  const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32())]);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, children: [arrow.makeData({ type: new arrow.Int32(), length: 0 })] }));
}

/** `"first-last"` of a batch's ids (`"5"` for one row, `"empty"` for none). */
export function idRange(batch: arrow.RecordBatch): string {
  const v = batch.getChild('id')!;
  if (batch.numRows === 0) return 'empty';
  const first = Number(v.get(0));
  const last = Number(v.get(batch.numRows - 1));
  return first === last ? `${first}` : `${first}-${last}`;
}

/** A file batch of `task` (ids `start..start+n-1`, positions equal to ids). */
export function fileBatch(task: FileScanTask, start: number, n: number): FileBatch {
  return { task, batch: idBatch(start, n), firstRowPosition: start };
}

/** A minimal valid task for `path`. */
export function fakeTask(path: string): FileScanTask {
  return {
    dataFile: { content: 'data', path, format: 'parquet', recordCount: 0, fileSizeInBytes: 0, specId: 0, partition: {} },
    deletes: [],
  };
}
