import { lastValueFrom, toArray, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../../src/errors.ts';
import { planFiles } from '../../../src/scan/plan-files.ts';
import { createScanStats } from '../../../src/task/scan-stats.ts';
import type { FileScanTask } from '../../../src/task/file-scan-task.ts';
import { MemoryFileIO, metadataWith, writeManifest, writeManifestList } from './memory-table.ts';

const snapshotOf = (m: ReturnType<typeof metadataWith>) => m.snapshots[0];

async function plan(io: MemoryFileIO, metadata = metadataWith({ manifestList: 'list.avro' }), extra = {}): Promise<FileScanTask[]> {
  return lastValueFrom(planFiles({ metadata, snapshot: snapshotOf(metadata), io, ...extra }).pipe(toArray()));
}

describe('planFiles', () => {
  it('emits the first task before the last of many manifests is read', async () => {
    const io = new MemoryFileIO();
    const manifests = [];
    for (let i = 0; i < 40; i++) {
      const path = `m${i}.avro`;
      await writeManifest(io, path, 2, [{ path: `d${i}.parquet`, sequenceNumber: 1n }]);
      manifests.push({ path, sequenceNumber: 1n });
    }
    await writeManifestList(io, 'list.avro', 2, manifests);
    const metadata = metadataWith({ manifestList: 'list.avro' });
    let readsAtFirstTask: string[] | undefined;
    const tasks = await lastValueFrom(
      planFiles({ metadata, snapshot: snapshotOf(metadata), io, concurrency: 2 }).pipe(toArray()),
    ).then((all) => all);
    // Run again observing the first emission.
    io.reads.length = 0;
    await new Promise<void>((resolve, reject) => {
      const sub = planFiles({ metadata, snapshot: snapshotOf(metadata), io, concurrency: 2 }).subscribe({
        next: () => {
          readsAtFirstTask ??= [...io.reads];
        },
        error: reject,
        complete: resolve,
      });
      void sub;
    });
    expect(tasks.map((t) => t.dataFile.path)).toEqual(manifests.map((_, i) => `d${i}.parquet`));
    expect(readsAtFirstTask).toBeDefined();
    expect(readsAtFirstTask).not.toContain('m39.avro');
    expect(readsAtFirstTask!.length).toBeLessThan(10);
  });

  it('reads at most `concurrency` manifests at once', async () => {
    const io = new MemoryFileIO();
    const manifests = [];
    for (let i = 0; i < 12; i++) {
      await writeManifest(io, `m${i}.avro`, 2, [{ path: `d${i}.parquet` }]);
      manifests.push({ path: `m${i}.avro` });
    }
    await writeManifestList(io, 'list.avro', 2, manifests);
    const tasks = await plan(io, undefined, { concurrency: 3 });
    expect(tasks).toHaveLength(12);
    expect(io.maxInFlight).toBe(3);
  });

  it('reads v1 snapshots that list manifests inline', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'inline.avro', 1, [{ path: 'a.parquet', snapshotId: 1n }]);
    const base = metadataWith({ formatVersion: 1 });
    const metadata = { ...base, snapshots: [{ snapshotId: '1', sequenceNumber: 0, timestampMs: 1, manifests: ['inline.avro'], summary: {} }] };
    const tasks = await lastValueFrom(planFiles({ metadata, snapshot: metadata.snapshots[0], io }).pipe(toArray()));
    expect(tasks.map((t) => t.dataFile.path)).toEqual(['a.parquet']);
  });

  it('stops reading manifests when unsubscribed', async () => {
    const io = new MemoryFileIO();
    const manifests = [];
    for (let i = 0; i < 20; i++) {
      await writeManifest(io, `m${i}.avro`, 2, [{ path: `d${i}.parquet`, sequenceNumber: 1n }]);
      manifests.push({ path: `m${i}.avro`, sequenceNumber: 1n });
    }
    await writeManifestList(io, 'list.avro', 2, manifests);
    const metadata = metadataWith({ manifestList: 'list.avro' });
    const first = await lastValueFrom(planFiles({ metadata, snapshot: snapshotOf(metadata), io, concurrency: 1 }).pipe(take(1), toArray()));
    expect(first).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(io.reads.filter((p) => p.startsWith('m')).length).toBeLessThanOrEqual(3);
  });

  it('drops DELETED entries and inherits sequence numbers and snapshot ids', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'm.avro', 2, [
      { path: 'added.parquet', status: 1, sequenceNumber: null, fileSequenceNumber: null, snapshotId: null },
      { path: 'existing.parquet', status: 0, sequenceNumber: 3n, fileSequenceNumber: 2n, snapshotId: 9n },
      { path: 'deleted.parquet', status: 2, sequenceNumber: 3n, fileSequenceNumber: 3n },
    ]);
    await writeManifestList(io, 'list.avro', 2, [{ path: 'm.avro', sequenceNumber: 5n, addedSnapshotId: 77n }]);
    const tasks = await plan(io);
    expect(tasks.map((t) => [t.dataFile.path, t.dataFile.sequenceNumber, t.dataFile.fileSequenceNumber])).toEqual([
      ['added.parquet', 5, 5],
      ['existing.parquet', 3, 2],
    ]);
  });

  it('reads v1 manifests with sequence number 0', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'm.avro', 1, [{ path: 'a.parquet', snapshotId: 1n }], [], 'deflate');
    await writeManifestList(io, 'list.avro', 1, [{ path: 'm.avro' }]);
    const tasks = await plan(io, metadataWith({ formatVersion: 1, manifestList: 'list.avro' }));
    expect(tasks.map((t) => [t.dataFile.path, t.dataFile.content, t.dataFile.sequenceNumber])).toEqual([['a.parquet', 'data', 0]]);
  });

  it('inherits v3 first_row_id from the manifest for files without one', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'm.avro', 3, [
      { path: 'a.parquet', recordCount: 10, firstRowId: null },
      { path: 'b.parquet', recordCount: 5, firstRowId: 500n },
      { path: 'c.parquet', recordCount: 7, firstRowId: null },
    ]);
    await writeManifestList(io, 'list.avro', 3, [{ path: 'm.avro', firstRowId: 100n }]);
    const tasks = await plan(io, metadataWith({ formatVersion: 3, manifestList: 'list.avro' }));
    expect(tasks.map((t) => t.dataFile.firstRowId)).toEqual([100, 500, 110]);
  });

  it('reads every delete manifest before the first data manifest and attaches deletes', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'data.avro', 2, [{ path: 'd.parquet', sequenceNumber: 1n }]);
    await writeManifest(io, 'del.avro', 2, [
      { path: 'pos.parquet', content: 1, sequenceNumber: 2n },
      { path: 'eq-same-seq.parquet', content: 2, sequenceNumber: 1n, equalityIds: [1] },
    ]);
    await writeManifestList(io, 'list.avro', 2, [
      { path: 'data.avro', sequenceNumber: 1n },
      { path: 'del.avro', content: 1, sequenceNumber: 2n },
    ]);
    const tasks = await plan(io);
    expect(io.reads.indexOf('del.avro')).toBeLessThan(io.reads.indexOf('data.avro'));
    expect(tasks[0]!.deletes.map((d) => d.path)).toEqual(['pos.parquet']);
  });

  it('applies the pruning seams and counts what they pruned', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'a.avro', 2, [{ path: 'keep.parquet' }, { path: 'skip.parquet' }]);
    await writeManifest(io, 'b.avro', 2, [{ path: 'never.parquet' }]);
    await writeManifestList(io, 'list.avro', 2, [{ path: 'a.avro' }, { path: 'b.avro' }]);
    const stats = createScanStats();
    const tasks = await plan(io, undefined, {
      stats,
      pruneManifest: (m: { manifestPath: string }) => m.manifestPath === 'b.avro',
      pruneFile: (f: { path: string }) => f.path === 'skip.parquet',
      residualFor: () => ({ op: 'true' }),
    });
    expect(tasks.map((t) => [t.dataFile.path, t.residual])).toEqual([['keep.parquet', { op: 'true' }]]);
    expect(stats.pruned).toMatchObject({ manifests: 1, dataFiles: 1 });
    expect(io.reads).not.toContain('b.avro');
  });

  it('plans nothing for a table without snapshots', async () => {
    const metadata = metadataWith({});
    const tasks = await lastValueFrom(planFiles({ metadata, snapshot: undefined, io: new MemoryFileIO() }).pipe(toArray()));
    expect(tasks).toEqual([]);
  });

  it('fails with not_found naming a missing manifest, and data_invalid for a corrupt one', async () => {
    const io = new MemoryFileIO();
    await writeManifestList(io, 'list.avro', 2, [{ path: 'missing.avro' }]);
    const error = await plan(io).catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('not_found');
    expect((error as { path?: string }).path).toBe('missing.avro');

    io.files.set('missing.avro', new Uint8Array([1, 2, 3, 4, 5]));
    const corrupt = await plan(io).catch((e: unknown) => e);
    expect(isIcebergScanError(corrupt) && corrupt.code).toBe('data_invalid');
  });

  it('aborts with code aborted when the signal aborts', async () => {
    const io = new MemoryFileIO();
    await writeManifest(io, 'm.avro', 2, [{ path: 'a.parquet' }]);
    await writeManifestList(io, 'list.avro', 2, [{ path: 'm.avro' }]);
    const controller = new AbortController();
    io.onRead = (p) => {
      if (p === 'm.avro') controller.abort();
    };
    const error = await plan(io, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('aborted');
  });
});
