import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import * as arrow from 'apache-arrow';
import { lastValueFrom, toArray } from 'rxjs';
import type { FileMetaData } from 'hyparquet';
import { readDataFile } from '../../src/read/read-data-file.ts';
import { readParquetFooter } from '../../src/read/parquet-footer.ts';
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import type { ProjectionPlanner } from '../../src/task/file-projection.ts';
import { ICEBERG_FIXTURES, HAVE_ICEBERG_FIXTURES, findFiles } from '../helpers/fixture-paths.ts';
import { dataTask, readContext } from '../helpers/scan-fixtures.ts';

/** Reads every top-level column of whatever file it is given, unchanged. */
const everyColumn: ProjectionPlanner = {
  schema: new arrow.Schema([]),
  outputColumns: Number.MAX_SAFE_INTEGER,
  forFile: (_task, footer: FileMetaData) => {
    const names: string[] = [];
    let i = 1;
    for (let k = 0; k < (footer.schema[0]!.num_children ?? 0); k++) {
      names.push(footer.schema[i]!.name);
      i = skip(footer, i);
    }
    return {
      columns: names,
      project: (decoded, _p, n) => decoded ?? new arrow.RecordBatch(new arrow.Schema([]), arrow.makeData({ type: new arrow.Struct([]), length: n, children: [] })),
    };
  },
};

function skip(footer: FileMetaData, index: number): number {
  let next = index + 1;
  for (let c = 0; c < (footer.schema[index]!.num_children ?? 0); c++) next = skip(footer, next);
  return next;
}

/** A cheap fingerprint of a batch's values (row count plus JSON of a few rows). */
function fingerprint(batches: readonly arrow.RecordBatch[]): string {
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  const first = batches[0]?.get(0)?.toJSON();
  const last = batches.at(-1)?.get(batches.at(-1)!.numRows - 1)?.toJSON();
  return JSON.stringify({ rows, first, last }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

const files = findFiles(ICEBERG_FIXTURES, '.parquet');

describe.skipIf(!HAVE_ICEBERG_FIXTURES)('readDataFile on real writers’ Parquet files (../shared/fixtures/iceberg)', () => {
  it('finds fixture Parquet files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('reads every row of every fixture file, whole and in small slices, with contiguous positions', async () => {
    const failures: string[] = [];
    for (const path of files) {
      const name = relative(ICEBERG_FIXTURES, path);
      try {
        const task = dataTask(path, statSync(path).size, 0);
        const rows = Number((await readParquetFooter(new LocalFileIO().newInputFile(path))).num_rows);
        const whole = await lastValueFrom(readDataFile(task, readContext(new LocalFileIO(), everyColumn, 1000)).pipe(toArray()));
        if (whole.reduce((n, f) => n + f.batch.numRows, 0) !== rows) failures.push(`${name}: row count differs from the footer's ${rows}`);
        // about 4 slices of 2 batches: exercises the offset-index page planning of each writer
        const batch = Math.max(1, Math.floor(rows / 7));
        const slicedCtx = { ...readContext(new LocalFileIO(), everyColumn, batch), decodeRows: 2 * batch };
        const sliced = await lastValueFrom(readDataFile(task, slicedCtx).pipe(toArray()));
        let expected = 0;
        for (const fb of whole) {
          if (fb.firstRowPosition !== expected) failures.push(`${name}: position ${fb.firstRowPosition} != ${expected}`);
          expected += fb.batch.numRows;
        }
        const a = fingerprint(whole.map((f) => f.batch));
        const b = fingerprint(sliced.map((f) => f.batch));
        if (a !== b) failures.push(`${name}: sliced ${b} != whole ${a}`);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
