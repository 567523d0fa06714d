import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { columnValues, dataTask } from '../../helpers/scan-fixtures.ts';
import { ArrowScan } from '../../../src/scan/arrow-scan.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { Schema } from '../../../src/spec/schema.ts';
import type { FileScanTask } from '../../../src/scan/file-scan-task.ts';
import { IcebergScanError } from '../../../src/errors.ts';

const schema: Schema = {
  type: 'struct',
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 3, name: 'x', required: false, type: 'double' },
  ],
} as Schema;

let dir: TempDir;
let task: FileScanTask;

beforeAll(async () => {
  dir = await makeTempDir();
  const bytes = toParquetBytes(sequenceTable(500), 200);
  task = dataTask(await dir.write('a.parquet', bytes), bytes.length, 500);
});
afterAll(() => dir.cleanup());

describe('ArrowScan', () => {
  it('reads tasks into a table with the projected schema (default projection planner)', async () => {
    const scan = new ArrowScan({ schema, io: new LocalFileIO(), batchSize: 64 });
    const table = await scan.toTable([task]);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'x']);
    expect(table.numRows).toBe(500);
    expect(columnValues(table.batches, 'x').slice(0, 3)).toEqual([0, 0.5, 1]);
    expect(scan.stats.rows).toBe(500);
  });

  it('applies limit and streams with toRecordBatches and toRecordBatchIterable', async () => {
    const scan = new ArrowScan({ schema, io: new LocalFileIO(), limit: 70, batchSize: 64 });
    const rows: number[] = [];
    for await (const b of scan.toRecordBatchIterable([task, task])) rows.push(b.numRows);
    expect(rows).toEqual([64, 6]);
    const table = await scan.toTable([]);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'x']);
  });

  it('refuses a row filter it cannot apply', () => {
    expect(() => new ArrowScan({ schema, io: new LocalFileIO(), rowFilter: { op: 'true' } })).toThrow(IcebergScanError);
  });
});
