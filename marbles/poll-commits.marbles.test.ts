import { describe, expect, it } from 'vitest';
import { map, mergeMap, tap, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { IcebergScanError } from '../src/errors.ts';
import type { Snapshot } from '../src/metadata/snapshot.ts';
import type { TableMetadata } from '../src/metadata/table-metadata.ts';
import { pollCommits, type PolledCommit, type PollCommitsOptions, type PolledVersion } from '../src/watch/poll-commits.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A snapshot `id` (also its sequence number and time) whose parent is `parent`. */
const snap = (id: number, parent: number | undefined, operation = 'append'): Snapshot => ({
  snapshotId: String(id),
  ...(parent !== undefined ? { parentSnapshotId: String(parent) } : {}),
  sequenceNumber: id,
  timestampMs: id,
  summary: { operation },
});
/** A table version holding `snapshots`, the last one current. */
const version = (...snapshots: Snapshot[]): PolledVersion => ({
  metadata: { snapshots, currentSnapshotId: snapshots.at(-1)?.snapshotId } as unknown as TableMetadata,
});

const s1 = snap(1, undefined);
const s2 = snap(2, 1);
const s3 = snap(3, 2);
const s4 = snap(4, 3);

/** Ids of the commits, each done() as soon as it arrives. */
const ids = (source: Observable<PolledCommit<PolledVersion>>) => source.pipe(tap((c) => c.done()), map((c) => c.snapshot.snapshotId));

type Refreshes = Observable<PolledVersion>[];
/** Options whose refresh hands out `refreshes` in turn (and records when each was asked). */
const polling = (table: PolledVersion, refreshes: Refreshes, extra: Partial<PollCommitsOptions<PolledVersion>> = {}) => {
  let i = 0;
  const signals: AbortSignal[] = [];
  const options: PollCommitsOptions<PolledVersion> = {
    table,
    pollInterval: 3,
    retry: { attempts: 3, initialDelay: 2 },
    refresh: (signal) => {
      signals.push(signal);
      return refreshes[Math.min(i++, refreshes.length - 1)]!;
    },
    ...extra,
  };
  return { options, signals };
};

describe('pollCommits (marbles)', () => {
  it('emits the commits of one poll in commit order, then nothing on an empty poll, then the next', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const v2 = version(s1, s2, s3);
      const { options } = polling(version(s1), [cold('-x|', { x: v2 }), cold('-x|', { x: v2 }), cold('-x|', { x: version(s1, s2, s3, s4) })]);
      // polls at 3, 7 and 11; each refresh answers one frame later
      expectObservable(ids(pollCommits(options)), '^ 14ms !').toBe('4ms (ab) 4ms c', { a: '2', b: '3', c: '4' });
    });
  });

  it('from an older snapshot: emits what the first version already has, at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { options } = polling(version(s1, s2, s3), [cold('-x|', { x: version(s1, s2, s3) })], { fromSnapshotId: 1 });
      expectObservable(ids(pollCommits(options)), '^ 9ms !').toBe('(ab)', { a: '2', b: '3' });
    });
  });

  it('retries a failed refresh after a backoff and reads the commit the next attempt finds', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failed = new IcebergScanError('data_invalid', 'metadata file still being written');
      const { options } = polling(version(s1), [cold('-#', undefined, failed), cold('-x|', { x: version(s1, s2) })]);
      // poll at 3, fails at 4, retried at 4 + 2, answers at 7
      expectObservable(ids(pollCommits(options)), '^ 9ms !').toBe('7ms a', { a: '2' });
    });
  });

  it('errors typed when every attempt of a poll fails (backoff 2, then 4)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { options } = polling(version(s1), [cold('-#', undefined, new Error('ECONNRESET'))]);
      // attempts at 3, 6 and 11, failing at 4, 7 and 12
      const out = pollCommits(options).pipe(map(() => 'x'));
      expectObservable(out).toBe('12ms #', undefined, expect.objectContaining({ code: 'io_failed', context: { attempts: 3, table: 'the table' } }));
    });
  });

  it('does not retry a permanent failure', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const refused = new IcebergScanError('forbidden', 'no access');
      const { options } = polling(version(s1), [cold('-#', undefined, refused), cold('-x|', { x: version(s1, s2) })]);
      expectObservable(ids(pollCommits(options))).toBe('4ms #', undefined, refused);
    });
  });

  it('unsubscribing during a poll unsubscribes the refresh and aborts its signal', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const slow = cold('---x|', { x: version(s1, s2) });
      const { options, signals } = polling(version(s1), [slow]);
      expectObservable(ids(pollCommits(options)), '^ 4ms !').toBe('');
      expectSubscriptions(slow.subscriptions).toBe('3ms ^-!');
      flush();
      expect(signals.map((s) => s.aborted)).toEqual([true]);
    });
  });

  it('waits for the consumer: the next commit, and the next poll, come after done()', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const answer = cold('-x|', { x: version(s1, s2, s3) });
      const { options } = polling(version(s1), [answer, cold('-x|', { x: version(s1, s2, s3) })]);
      // the consumer takes 5 frames per commit: s2 arrives at 4, s3 at 9, the next poll at 14 + 3
      const out = pollCommits(options).pipe(mergeMap((c) => timer(5).pipe(tap(() => c.done()), map(() => c.snapshot.snapshotId))));
      expectObservable(out, '^ 19ms !').toBe('9ms a 4ms b', { a: '2', b: '3' });
      expectSubscriptions(answer.subscriptions).toBe('3ms ^!');
    });
  });

  it('passes over a replace; fails on an overwrite after the commits before it are done', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const s3overwrite = snap(3, 2, 'overwrite');
      const v = version(s1, s2, s3overwrite, snap(4, 3));
      const { options } = polling(version(s1), [cold('-x|', { x: v })]);
      expectObservable(ids(pollCommits(options))).toBe('4ms (a#)', { a: '2' }, expect.objectContaining({ code: 'non_append_snapshot', context: { snapshotId: '3', operation: 'overwrite' } }));
      const replaced = version(s1, snap(2, 1, 'replace'), s3);
      const second = polling(version(s1), [cold('-x|', { x: replaced })]);
      expectObservable(ids(pollCommits(second.options)), '^ 9ms !').toBe('4ms a', { a: '3' });
    });
  });

  it('skips the overwrite with skipNonAppends', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const v = version(s1, s2, snap(3, 2, 'overwrite'), snap(4, 3));
      const { options } = polling(version(s1), [cold('-x|', { x: v })], { skipNonAppends: true });
      expectObservable(ids(pollCommits(options)), '^ 9ms !').toBe('4ms (ab)', { a: '2', b: '4' });
    });
  });

  it('fails with not_found when starting from an expired snapshot, invalid_argument on a rollback', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { options } = polling(version(s2, s3), [], { fromSnapshotId: 1 });
      expectObservable(ids(pollCommits(options))).toBe('#', undefined, expect.objectContaining({ code: 'not_found' }));
      const rolledBack = polling(version(s1, s2), [cold('-x|', { x: version(s1, s2, snap(5, 1)) })]);
      expectObservable(ids(pollCommits(rolledBack.options))).toBe('4ms #', undefined, expect.objectContaining({ code: 'invalid_argument' }));
    });
  });

  it('keeps going when its last emitted snapshot is expired between polls', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { options } = polling(version(s1, s2), [cold('-x|', { x: version(s3, s4) })]);
      expectObservable(ids(pollCommits(options)), '^ 9ms !').toBe('4ms (ab)', { a: '3', b: '4' });
    });
  });
});
