import * as arrow from 'apache-arrow';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteLoader } from '../../../src/deletes/delete-loader.ts';
import { applyDeletes } from '../../../src/operators/apply-deletes.ts';
import { CountingFileIO } from '../../../src/io/input-file.ts';
import { LocalFileIO } from '../../../src/io/local-file-io.ts';
import type { FileBatch } from '../../../src/task/file-batch.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
import type { DeleteFile } from '../../../src/metadata/content-file.ts';
import type { FileStageContext } from '../../../src/task/file-stage.ts';
import { createScanStats } from '../../../src/task/scan-stats.ts';
import { deletionVectorBlob, puffinFile } from '../../builder/puffin-file.ts';
import { fakeTask, idBatch, idRange } from '../../helpers/marble-batches.ts';
import { makeTable, makeTempDir, toParquetBytes, type TempDir } from '../../helpers/parquet-files.ts';
import { idBatchWithFieldId, writePositionDeletes } from './delete-test-files.ts';

/** A task for a data file of 100 rows with `deletes`. */
const taskWith = (path: string, deletes: DeleteFile[]): FileScanTask => {
  const task = fakeTask(path);
  return { ...task, dataFile: { ...task.dataFile, recordCount: 100 }, deletes };
};

describe('DeleteLoader and applyDeletes with real delete files', () => {
  let dir: TempDir;
  let shared: DeleteFile;
  let dv: DeleteFile;
  let eq: DeleteFile;
  beforeAll(async () => {
    dir = await makeTempDir('iceberg-rx-loader-');
    const rows: [string, bigint][] = [];
    for (let f = 0; f < 20; f++) for (const p of [1n, 5n, BigInt(f)]) rows.push([`data-${f}.parquet`, p]);
    shared = await writePositionDeletes(dir, 'shared.parquet', rows, 16);
    const puffin = puffinFile([{ type: 'deletion-vector-v1', fields: [2147483645], data: deletionVectorBlob([0, 2]) }]);
    const puffinPath = await dir.write('dv.puffin', puffin.bytes);
    dv = {
      content: 'position_deletes', path: puffinPath, format: 'puffin', recordCount: 2, fileSizeInBytes: puffin.bytes.length, specId: 0, partition: {},
      referencedDataFile: 'data-0.parquet', contentOffset: puffin.blobs[0]!.offset, contentSizeInBytes: puffin.blobs[0]!.length,
    };
    const eqTable = makeTable([{ name: 'id', fieldId: 1, vector: arrow.vectorFromArray([3, 4], new arrow.Int32()) }]);
    const eqBytes = toParquetBytes(eqTable, 10);
    eq = { content: 'equality_deletes', path: await dir.write('eq.parquet', eqBytes), format: 'parquet', recordCount: 2, fileSizeInBytes: eqBytes.length, specId: 0, partition: {}, equalityIds: [1] };
  });
  afterAll(() => dir.cleanup());

  it('reads a delete file shared by 20 data files once, even when all load concurrently', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const stats = createScanStats();
    const loader = new DeleteLoader({ io, signal: new AbortController().signal, stats });
    const loaded = await Promise.all(Array.from({ length: 20 }, (_, f) => loader.load(taskWith(`data-${f}.parquet`, [shared]))));
    loaded.forEach((d, f) => expect(d.positions[0]!.toArray()).toEqual([...new Set([1, 5, f])].sort((a, b) => a - b)));
    const again = await loader.load(taskWith('data-3.parquet', [shared]));
    expect(again.positions[0]!.toArray()).toEqual([1, 3, 5]);
    expect(stats.deleteFilesRead).toBe(1);
    const reads = io.perFile.get(shared.path)!.reads;
    // footer + one ranged read per column chunk at most; never repeated per data file
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(1 + 2 * 4);
  });

  it('lets a deletion vector replace the position delete files of its data file', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const loader = new DeleteLoader({ io, signal: new AbortController().signal });
    const d = await loader.load(taskWith('data-0.parquet', [shared, dv]));
    expect(d.deletionVector!.toArray()).toEqual([0, 2]);
    expect(d.positions).toEqual([]);
    expect(io.perFile.has(shared.path)).toBe(false);
  });

  it('rejects a deleted position at or past the data file\'s record count (position deletes and DVs)', async () => {
    const loader = new DeleteLoader({ io: new LocalFileIO(), signal: new AbortController().signal });
    const short = (path: string, rows: number, deletes: DeleteFile[]): FileScanTask => {
      const task = taskWith(path, deletes);
      return { ...task, dataFile: { ...task.dataFile, recordCount: rows } };
    };
    // data-7 has positions 1, 5, 7 in the shared file: 8 rows hold them, 7 do not
    await expect(loader.load(short('data-7.parquet', 8, [shared]))).resolves.toBeDefined();
    await expect(loader.load(short('data-7.parquet', 7, [shared]))).rejects.toMatchObject({ code: 'data_invalid', path: shared.path, context: { dataFile: 'data-7.parquet' } });
    // the DV holds 0 and 2
    await expect(loader.load(short('data-0.parquet', 2, [dv]))).rejects.toMatchObject({ code: 'data_invalid', path: dv.path });
  });

  it('rejects two deletion vectors for one data file and a DV referencing another file', async () => {
    const loader = new DeleteLoader({ io: new LocalFileIO(), signal: new AbortController().signal });
    await expect(loader.load(taskWith('data-0.parquet', [dv, dv]))).rejects.toMatchObject({ code: 'data_invalid' });
    await expect(loader.load(taskWith('data-1.parquet', [dv]))).rejects.toMatchObject({ code: 'data_invalid' });
  });

  it('applyDeletes removes position, DV and equality deletes per batch and counts them', async () => {
    const io = new CountingFileIO(new LocalFileIO());
    const stats = createScanStats();
    const ctx = { io, signal: new AbortController().signal, stats, projection: undefined as never } satisfies FileStageContext;
    const stage = applyDeletes();
    const run = (task: FileScanTask, batches: FileBatch[]) => lastValueFrom(from(batches).pipe(stage(task, ctx), toArray()));
    // data-7: positions 1, 5, 7 (shared file); equality id in (3, 4); rows 0..9 in batches 0-5, 6-9
    const t7 = taskWith('data-7.parquet', [shared, eq]);
    const out = await run(t7, [{ task: t7, batch: idBatchWithFieldId(0, 6), firstRowPosition: 0 }, { task: t7, batch: idBatchWithFieldId(6, 4), firstRowPosition: 6 }]);
    expect(out.map((b) => Array.from(b.batch.getChild('id')!.toArray() as Int32Array))).toEqual([[0, 2], [6, 8, 9]]);
    expect(out.map((b) => b.firstRowPosition)).toEqual([0, 6]);
    // data-0: the DV (0, 2) replaces the shared position file
    const t0 = taskWith('data-0.parquet', [shared, dv]);
    const out0 = await run(t0, [{ task: t0, batch: idBatch(0, 3), firstRowPosition: 0 }]);
    expect(out0.map((b) => idRange(b.batch))).toEqual(['1']);
    expect(out0[0]!.firstRowPosition).toBe(1);
    expect(stats.rowsDeleted).toEqual({ position: 3, equality: 2, deletionVector: 2 });
    expect(stats.deleteFilesRead).toBe(3);
  });

  it('drops fully deleted batches and passes files without deletes through untouched', async () => {
    const ctx = { io: new LocalFileIO(), signal: new AbortController().signal, stats: createScanStats(), projection: undefined as never };
    const stage = applyDeletes();
    const t = taskWith('data-1.parquet', [shared]);
    const out = await lastValueFrom(from([{ task: t, batch: idBatch(0, 1), firstRowPosition: 1 }, { task: t, batch: idBatch(2, 2), firstRowPosition: 2 }]).pipe(stage(t, ctx), toArray()));
    expect(out.map((b) => idRange(b.batch))).toEqual(['2-3']);
    const plain = fakeTask('data-x.parquet');
    const input: FileBatch = { task: plain, batch: idBatch(0, 3), firstRowPosition: 0 };
    expect(await firstValueFrom(from([input]).pipe(stage(plain, ctx)))).toBe(input);
  });

  it('fails with aborted when the scan signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const ctx = { io: new LocalFileIO(), signal: ac.signal, stats: createScanStats(), projection: undefined as never };
    const t = taskWith('data-1.parquet', [shared]);
    await expect(lastValueFrom(from([{ task: t, batch: idBatch(0, 1), firstRowPosition: 0 }]).pipe(applyDeletes()(t, ctx)))).rejects.toMatchObject({ code: 'aborted' });
  });
});
