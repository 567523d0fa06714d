import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeletes } from '../../../src/operators/apply-deletes.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { ProjectionPlanner } from '../../../src/task/file-projection.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { createScanStats } from '../../../src/task/scan-stats.ts';
import { scanTasks } from '../../../src/scan/scan-tasks.ts';
import { deletionVectorBlob, puffinFile } from '../../builder/puffin-file.ts';
import { makeTable, makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { columnValues, dataTask } from '../../helpers/scan-fixtures.ts';
import { simpleProjection } from '../../helpers/simple-projection.ts';
import { writePositionDeletes } from './delete-test-files.ts';

/** simpleProjection, with the field ids put back on the output fields (the real planner sets them). */
function projectionWithIds(columns: { id: number; name: string; type: arrow.DataType }[], outputColumns: number): ProjectionPlanner {
  const inner = simpleProjection(columns, outputColumns);
  const schema = new arrow.Schema(columns.map((c) => new arrow.Field(c.name, c.type, true, new Map([['PARQUET:field_id', String(c.id)]]))));
  return {
    schema,
    outputColumns,
    forFile(task, footer) {
      const p = inner.forFile(task, footer);
      return {
        columns: p.columns,
        project: (decoded, first, n, offsets) => {
          const inner = p.project(decoded, first, n, offsets);
          return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: inner.numRows, nullCount: 0, children: inner.data.children }));
        },
      };
    },
  };
}

const ROWS = 1000;
const DELETED = [0, 63, 64, 99, 100, 555, 999];

describe('scanTasks with applyDeletes (real Parquet data and delete files)', () => {
  let dir: TempDir;
  let task: FileScanTask;
  let posFile: DeleteFile;
  let eqFile: DeleteFile;
  let dvFile: DeleteFile;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-scan-deletes-');
    const bytes = toParquetBytes(sequenceTable(ROWS), 100);
    const path = await dir.write('data.parquet', bytes);
    task = dataTask(path, bytes.length, ROWS);
    posFile = await writePositionDeletes(dir, 'pos.parquet', DELETED.map((p) => [path, BigInt(p)] as const));
    const eqBytes = toParquetBytes(makeTable([{ name: 'name', fieldId: 2, vector: arrow.vectorFromArray(['name-500', 'name-63', 'nope'], new arrow.Utf8()) }]), 10);
    eqFile = { content: 'equality_deletes', path: await dir.write('eq.parquet', eqBytes), format: 'parquet', recordCount: 3, fileSizeInBytes: eqBytes.length, specId: 0, partition: {}, equalityIds: [2] };
    const puffin = puffinFile([{ type: 'deletion-vector-v1', fields: [2147483645], data: deletionVectorBlob([1, 2, 3, 998]) }]);
    dvFile = {
      content: 'position_deletes', path: await dir.write('dv.puffin', puffin.bytes), format: 'puffin', recordCount: 4, fileSizeInBytes: puffin.bytes.length,
      specId: 0, partition: {}, referencedDataFile: path, contentOffset: puffin.blobs[0]!.offset, contentSizeInBytes: puffin.blobs[0]!.length,
    };
  });
  afterAll(() => dir.cleanup());

  const scan = async (deletes: DeleteFile[], extra: { rowGroupFilter?: (t: FileScanTask, f: unknown, g: number) => boolean; limit?: number; selectId?: boolean } = {}) => {
    const stats = createScanStats();
    // `id` is selected; `name` (field 2) rides along as a helper column for the equality deletes.
    const projection = projectionWithIds([{ id: 1, name: 'id', type: new arrow.Int64() }, { id: 2, name: 'name', type: new arrow.Utf8() }], 1);
    const batches = await lastValueFrom(
      scanTasks([{ ...task, deletes }], { io: new LocalFileIO(), projection, batchSize: 64, deletes: applyDeletes(), stats, rowGroupFilter: extra.rowGroupFilter as never, limit: extra.limit }).pipe(toArray()),
    );
    expect(batches.every((b) => b.numCols === 1 && b.numRows > 0)).toBe(true);
    return { ids: columnValues(batches, 'id') as number[], stats };
  };
  const all = Array.from({ length: ROWS }, (_, i) => i);

  it('removes position deletes across row groups and batches', async () => {
    const { ids, stats } = await scan([posFile]);
    expect(ids).toEqual(all.filter((i) => !DELETED.includes(i)));
    expect(stats.rowsDeleted.position).toBe(DELETED.length);
    expect(stats.deleteFilesRead).toBe(1);
  });

  it('keeps positions absolute when row groups are pruned', async () => {
    const { ids } = await scan([posFile], { rowGroupFilter: (_t, _f, g) => g !== 0 && g !== 5 });
    expect(ids).toEqual(all.filter((i) => !DELETED.includes(i) && !(i < 100) && !(i >= 500 && i < 600)));
  });

  it('combines position and equality deletes (helper column dropped from the output)', async () => {
    const { ids, stats } = await scan([posFile, eqFile]);
    expect(ids).toEqual(all.filter((i) => !DELETED.includes(i) && i !== 500));
    expect(stats.rowsDeleted).toEqual({ position: DELETED.length, equality: 1, deletionVector: 0 });
  });

  it('applies a deletion vector instead of the position delete file', async () => {
    const { ids, stats } = await scan([posFile, dvFile]);
    expect(ids).toEqual(all.filter((i) => ![1, 2, 3, 998].includes(i)));
    expect(stats.rowsDeleted.deletionVector).toBe(4);
    expect(stats.deleteFilesRead).toBe(1);
  });

  it('counts the limit after deletes', async () => {
    const { ids } = await scan([posFile], { limit: 5 });
    expect(ids).toEqual([1, 2, 3, 4, 5]);
  });
});
