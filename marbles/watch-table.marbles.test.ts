import { describe, expect, it } from 'vitest';
import { concatMap, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RecordBatch } from 'apache-arrow';
import type { Snapshot } from '../src/metadata/snapshot.ts';
import type { TableMetadata } from '../src/metadata/table-metadata.ts';
import type { Table } from '../src/table/table.ts';
import type { TableScanOptions } from '../src/table/table-scan.ts';
import { watchTable } from '../src/watch/watch-table.ts';
import { idBatch, idRange } from '../test/helpers/marble-batches.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const snap = (id: number, parent?: number): Snapshot => ({
  snapshotId: String(id),
  ...(parent !== undefined ? { parentSnapshotId: String(parent) } : {}),
  sequenceNumber: id,
  timestampMs: id,
  summary: { operation: 'append' },
});

/**
 * A fake table version: its snapshots, a refresh handing out `next` in turn, and scans whose
 * batches are `rows[toSnapshotId]` (recording the options each scan was made with).
 */
function fakeTable(snapshots: Snapshot[], next: Observable<Table>[], rows: Record<string, Observable<RecordBatch>>, scans: TableScanOptions[]): Table {
  let i = 0;
  const table = {
    metadata: { snapshots, currentSnapshotId: snapshots.at(-1)?.snapshotId } as unknown as TableMetadata,
    metadataLocation: 'fake',
    refresh: () => next[Math.min(i++, next.length - 1)],
    scan: (options: TableScanOptions) => {
      scans.push(options);
      const batches = rows[String(options.toSnapshotId)]!;
      return { batches: () => batches, toAsyncIterable: () => { throw new Error('not used'); } };
    },
  };
  return table as unknown as Table;
}

const batches = { a: idBatch(0, 2), b: idBatch(2, 1), c: idBatch(3, 3) };

describe('watchTable (marbles)', () => {
  it('reads a commit only when its batches are subscribed, and emits the next after they complete', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const scans: TableScanOptions[] = [];
      const rows2 = cold('--a--b|', batches);
      const rows3 = cold('-c|', batches);
      const v2 = fakeTable([snap(1), snap(2, 1), snap(3, 2)], [], { '2': rows2, '3': rows3 }, scans);
      const start = fakeTable([snap(1)], [cold('-x|', { x: v2 })], {}, scans);
      const out = watchTable(start, { pollInterval: 3 }).pipe(concatMap((c) => c.batches.pipe(map((b) => `${c.snapshotId}:${idRange(b)}`))));
      // poll at 3 answers at 4: commit 2's rows 4..10, then commit 3's 10..12
      expectObservable(out, '^ 14ms !').toBe('6ms a 2ms b 1ms c', { a: '2:0-1', b: '2:2', c: '3:3-5' });
      expectSubscriptions(rows2.subscriptions).toBe('4ms ^-----!');
      expectSubscriptions(rows3.subscriptions).toBe('10ms ^-!');
    });
  });

  it('scans each commit as (parent, snapshot] with the watch\'s scan options', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const scans: TableScanOptions[] = [];
      const v2 = fakeTable([snap(1), snap(2, 1)], [], { '2': cold('-a|', batches) }, scans);
      const start = fakeTable([snap(1)], [cold('-x|', { x: v2 })], {}, scans);
      const out = watchTable(start, { pollInterval: 3, select: ['id'] }).pipe(concatMap((c) => c.batches.pipe(map(() => c.checkpoint.fromSnapshotId))));
      expectObservable(out, '^ 9ms !').toBe('5ms a', { a: '2' });
      flush();
      expect(scans).toEqual([{ select: ['id'], fromSnapshotId: '1', toSnapshotId: '2' }]);
    });
  });

  it('unsubscribing while a commit is being read unsubscribes its batches', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const rows2 = cold('--a--b|', batches);
      const v2 = fakeTable([snap(1), snap(2, 1)], [], { '2': rows2 }, []);
      const start = fakeTable([snap(1)], [cold('-x|', { x: v2 })], {}, []);
      const out = watchTable(start, { pollInterval: 3 }).pipe(concatMap((c) => c.batches.pipe(map(idRange))));
      expectObservable(out, '^ 7ms !').toBe('6ms a', { a: '0-1' });
      expectSubscriptions(rows2.subscriptions).toBe('4ms ^---!');
    });
  });
});
