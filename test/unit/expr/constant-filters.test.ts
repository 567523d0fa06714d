/**
 * Constant filters on a real table: `1 <> 1` plans no file and reads nothing (not even the manifest
 * list), `1 = 1` returns what an unfiltered scan returns.
 */
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CountingFileIO } from '../../../src/io/input-file.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES } from '../../helpers/fixture-paths.ts';

/** Spark-written (format v1), partitioned by hour and identity, 20 data files. */
const TABLE = join(ICEBERG_FIXTURES, 'apache__impala', 'iceberg_partitioned');

async function counted() {
  const io = new CountingFileIO(new LocalFileIO());
  const table = await loadTable(TABLE, { io });
  io.perFile.clear();
  return { io, table };
}

describe.skipIf(!HAVE_ICEBERG_FIXTURES)('constant filters on apache__impala/iceberg_partitioned', () => {
  it('1 <> 1 plans 0 files, reads no metadata file, and yields 0 rows', async () => {
    const { io, table } = await counted();
    const files = (await lastValueFrom(table.scan().planFiles().pipe(toArray()))).length;
    expect(files).toBeGreaterThan(0);
    io.perFile.clear();

    const scan = table.scan({ filter: '1 <> 1' });
    expect(await lastValueFrom(scan.planFiles().pipe(toArray()))).toEqual([]);
    expect([...io.perFile.keys()]).toEqual([]);
    expect(scan.stats.pruned.dataFiles).toBe(0); // no manifest was even read

    expect((await scan.toTable()).numRows).toBe(0);
    expect(await scan.count()).toBe(0);
    expect(await table.scan({ filter: 'false' }).count()).toBe(0);
  });

  it('1 = 1 yields the same rows as no filter', async () => {
    const { table } = await counted();
    const all = table.scan();
    const constant = table.scan({ filter: '1 = 1' });
    const unfiltered = await all.count();
    expect(unfiltered).toBeGreaterThan(0);
    expect(await constant.count()).toBe(unfiltered);
    expect((await constant.toTable()).numRows).toBe(unfiltered);
    expect((await lastValueFrom(constant.planFiles().pipe(toArray()))).length).toBe((await lastValueFrom(all.planFiles().pipe(toArray()))).length);
  });

  it('1 = \'a\' fails with invalid_argument before anything is read', async () => {
    const { io, table } = await counted();
    await expect(table.scan({ filter: "1 = 'a'" }).count()).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(io.perFile.size).toBe(0);
  });
});
