import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionsForDataFile, readPositionDeleteFile } from '../../../src/deletes/position-delete-file.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import { makeTable, makeTempDir, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { writePositionDeletes } from './delete-test-files.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${REPO}../shared/fixtures/iceberg`;
const signal = new AbortController().signal;
const io = new LocalFileIO();

describe('readPositionDeleteFile', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-pos-');
  });
  afterAll(() => dir.cleanup());

  it('groups positions by data file path across row groups', async () => {
    const rows: [string, bigint][] = [];
    for (let i = 0; i < 25; i++) rows.push(['s3://b/a.parquet', BigInt(i * 3)]);
    for (let i = 0; i < 10; i++) rows.push(['s3://b/b.parquet', BigInt(i)]);
    const file = await writePositionDeletes(dir, 'groups.parquet', rows, 7);
    const map = await readPositionDeleteFile(io, file, { signal });
    expect([...map.keys()].sort()).toEqual(['s3://b/a.parquet', 's3://b/b.parquet']);
    expect(map.get('s3://b/a.parquet')!.toArray()).toEqual(Array.from({ length: 25 }, (_, i) => i * 3));
    expect(map.get('s3://b/b.parquet')!.toArray()).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('matches a data file by exact path, else by path without scheme and authority when unambiguous', async () => {
    const file = await writePositionDeletes(dir, 'schemes.parquet', [['s3://b1/t/x.parquet', 1n], ['s3://b2/t/x.parquet', 2n], ['hdfs://nn:8020/t/y.parquet', 3n]]);
    const map = await readPositionDeleteFile(io, file, { signal });
    expect(positionsForDataFile(map, 's3://b2/t/x.parquet')!.toArray()).toEqual([2]);
    expect(positionsForDataFile(map, '/t/x.parquet')).toBeUndefined(); // ambiguous: two buckets
    expect(positionsForDataFile(map, '/t/y.parquet')!.toArray()).toEqual([3]);
    expect(positionsForDataFile(map, 'file:///t/y.parquet')!.toArray()).toEqual([3]);
  });

  it('reads the file when the manifest records a wrong size (too large or too small)', async () => {
    const file = await writePositionDeletes(dir, 'sized.parquet', [['f', 3n], ['f', 4n]]);
    for (const size of [file.fileSizeInBytes + 17, file.fileSizeInBytes - 17]) {
      expect((await readPositionDeleteFile(io, { ...file, fileSizeInBytes: size }, { signal })).get('f')!.toArray()).toEqual([3, 4]);
    }
  });

  it('accepts unsorted and duplicate positions', async () => {
    const file = await writePositionDeletes(dir, 'unsorted.parquet', [['f', 9n], ['f', 1n], ['f', 9n], ['f', 4n]]);
    expect((await readPositionDeleteFile(io, file, { signal })).get('f')!.toArray()).toEqual([1, 4, 9]);
  });

  it('reads a zero-row delete file as no deletes', async () => {
    const file = await writePositionDeletes(dir, 'empty.parquet', []);
    expect((await readPositionDeleteFile(io, file, { signal })).size).toBe(0);
  });

  it('rejects null and negative positions', async () => {
    const nullPos = await writePositionDeletes(dir, 'null-pos.parquet', [['f', 1n], ['f', null]]);
    await expect(readPositionDeleteFile(io, nullPos, { signal })).rejects.toMatchObject({ code: 'data_invalid', path: nullPos.path });
    const negative = await writePositionDeletes(dir, 'neg-pos.parquet', [['f', -1n]]);
    await expect(readPositionDeleteFile(io, negative, { signal })).rejects.toMatchObject({ code: 'data_invalid', path: negative.path });
  });

  it('rejects a null file_path by default and skips it with nullFilePath: skip', async () => {
    const file = await writePositionDeletes(dir, 'null-path.parquet', [[null, 0n], ['f', 1n]]);
    await expect(readPositionDeleteFile(io, file, { signal })).rejects.toMatchObject({ code: 'data_invalid', path: file.path });
    const map = await readPositionDeleteFile(io, file, { signal, nullFilePath: 'skip' });
    expect([...map.keys()]).toEqual(['f']);
    expect(map.get('f')!.toArray()).toEqual([1]);
  });

  it('rejects a file without the reserved columns, and non-Parquet delete files', async () => {
    const table = makeTable([{ name: 'x', fieldId: 1, vector: arrow.vectorFromArray([1n], new arrow.Int64()) }]);
    const bytes = toParquetBytes(table, 10);
    const path = await dir.write('not-deletes.parquet', bytes);
    const base = { content: 'position_deletes', path, recordCount: 1, fileSizeInBytes: bytes.length, specId: 0, partition: {} } as const;
    await expect(readPositionDeleteFile(io, { ...base, format: 'parquet' }, { signal })).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(readPositionDeleteFile(io, { ...base, format: 'avro' }, { signal })).rejects.toMatchObject({ code: 'feature_unsupported' });
    const garbage = await dir.write('garbage.parquet', new Uint8Array(64).fill(7));
    await expect(readPositionDeleteFile(io, { ...base, path: garbage, fileSizeInBytes: 64, format: 'parquet' }, { signal })).rejects.toMatchObject({ code: 'data_invalid' });
  });
});

describe('readPositionDeleteFile on corrupt pages', () => {
  it('fails with data_invalid, not a crash, for small files (hyparquet decoder)', async () => {
    const dir = await makeTempDir('iceberg-rx-corrupt-');
    try {
      const file = await writePositionDeletes(dir, 'ok.parquet', Array.from({ length: 5000 }, (_, i) => [`f${i % 3}`, BigInt(i)] as const), 1000);
      const bytes = new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(file.path)));
      for (let k = 0; k < 40; k++) bytes[20 + k]! ^= 0x5a; // first page header and data
      const path = await dir.write('corrupt.parquet', bytes);
      await expect(readPositionDeleteFile(io, { ...file, path }, { signal })).rejects.toMatchObject({ code: 'data_invalid', path });
    } finally {
      await dir.cleanup();
    }
  });
});

describe.skipIf(!existsSync(FIXTURES))('position delete files of the shared fixtures', () => {
  const file = (rel: string): DeleteFile => {
    const path = `${FIXTURES}/${rel}`;
    return { content: 'position_deletes', path, format: 'parquet', recordCount: 1, fileSizeInBytes: statSync(path).size, specId: 0, partition: {} };
  };

  it('reads impala iceberg_v2_delete_positional (Spark): position 1 of its data file', async () => {
    const map = await readPositionDeleteFile(io, file('apache__impala/iceberg_v2_delete_positional/data/00191-4-6e780302-527b-4911-8c6e-88d416adac57-00001.parquet'), { signal });
    // The delete file says hdfs://localhost:20500/test-warehouse/…; the manifest records /test-warehouse/….
    const recorded = '/test-warehouse/iceberg_test/hadoop_catalog/ice/iceberg_v2_delete_positional/data/00000-0-fb178c51-b12a-4c5f-a66e-a8e9375daeba-00001.parquet';
    expect([...map.keys()]).toEqual([`hdfs://localhost:20500${recorded}`]);
    expect(positionsForDataFile(map, recorded)!.toArray()).toEqual([1]);
    expect(positionsForDataFile(map, `${recorded}.other`)).toBeUndefined();
  });

  it('reads icebird java_bunnies position deletes', async () => {
    const map = await readPositionDeleteFile(io, file('hyparam__icebird/java_bunnies/data/bunnies-pos-deletes.parquet'), { signal });
    expect([...map.values()].map((s) => s.toArray())).toEqual([[2, 3, 4, 5, 6, 11]]);
  });

  it('rejects the NULL file_path records of impala iceberg_v2_null_delete_record, or skips them on request', async () => {
    const f = file('apache__impala/iceberg_v2_null_delete_record/data/delete_null_first_and_last.parq');
    await expect(readPositionDeleteFile(io, f, { signal })).rejects.toMatchObject({ code: 'data_invalid', path: f.path });
    const map = await readPositionDeleteFile(io, f, { signal, nullFilePath: 'skip' });
    expect([...map.values()].map((s) => s.toArray())).toEqual([[1]]);
  });
});
