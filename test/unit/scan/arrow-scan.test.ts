import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, sequenceTable, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { columnValues, dataTask } from '../../helpers/scan-fixtures.ts';
import { ArrowScan } from '../../../src/scan/arrow-scan.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { Schema } from '../../../src/metadata/schema.ts';
import type { TableMetadata } from '../../../src/metadata/table-metadata.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
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

  it('applies a row filter to every task and reads filter-only columns without emitting them', async () => {
    const projected = { ...schema, fields: [schema.fields[1]!] } as Schema;
    const tableMetadata = {
      formatVersion: 2, location: '/t', lastSequenceNumber: 0, lastUpdatedMs: 0, lastColumnId: 3,
      schemas: [schema], currentSchemaId: 0, specs: [{ specId: 0, fields: [] }], defaultSpecId: 0, properties: {},
      snapshots: [], snapshotLog: [], metadataLog: [], refs: {}, statistics: [], sortOrders: [],
    } as TableMetadata;
    const scan = new ArrowScan({ tableMetadata, schema: projected, io: new LocalFileIO(), rowFilter: 'id >= 490 and x < 247', batchSize: 64 });
    const table = await scan.toTable([task]);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['x']);
    expect(columnValues(table.batches, 'x')).toEqual([245, 245.5, 246, 246.5]);
    expect(scan.stats.rowGroupsSkipped).toBe(2); // rows 0-399: id statistics cannot match
    expect(scan.stats.rowsFiltered).toBe(96);
  });

  it('rejects a row filter that names no column of the schema', () => {
    let error: unknown;
    try {
      new ArrowScan({ schema, io: new LocalFileIO(), rowFilter: 'nope = 1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IcebergScanError);
    expect((error as IcebergScanError).code).toBe('invalid_argument');
  });
});
