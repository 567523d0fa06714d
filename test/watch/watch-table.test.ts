/**
 * `table.watch(...)` on a table folder whose commits are published while it polls (real time,
 * short intervals): every appended row once, grouped by commit in commit order; resuming from a
 * checkpoint; an overwrite failing the watch or skipped; torn and vanished metadata files retried.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, firstValueFrom, lastValueFrom, map, reduce, take, tap, toArray, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { loadTable } from '../../src/table/load-table.ts';
import type { TableCommit, WatchOptions } from '../../src/watch/watch-table.ts';
import type { TableDescription } from '../builder/table-description.ts';
import { stagedTable } from './staged-table.ts';

const rowsOf = (ids: number[]) => ids.map((id) => ({ id, name: `n${id}` }));
const description = (steps: TableDescription['steps']): TableDescription => ({
  schema: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string' },
  ],
  steps,
});
const appendStep = (label: string, ids: number[]) => ({ label, append: [{ name: label, rows: rowsOf(ids) }] });

/** Ids of a batch. */
const idsOf = (b: RecordBatch) => [...b.getChild('id')!.toArray()].map(Number);
/** Each commit as [snapshot id, ids], read with concatMap. */
const perCommit = (commits: Observable<TableCommit>) =>
  commits.pipe(concatMap((c) => c.batches.pipe(reduce((ids: number[], b) => [...ids, ...idsOf(b)], []), map((ids) => ({ id: c.snapshotId, ids: ids.sort((a, b) => a - b) })))));

const fast: WatchOptions = { pollInterval: 15, retry: { attempts: 20, initialDelay: 5, maxDelay: 20 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('table.watch', () => {
  it('emits every appended row once, grouped by commit in commit order, also when commits land together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-'));
    const staged = await stagedTable(dir, description([appendStep('s1', [1]), appendStep('s2', [2, 3]), appendStep('s3', [4]), appendStep('s4', [5, 6])]), 1);
    const table = await loadTable(dir);
    const seen = firstValueFrom(perCommit(table.watch({ ...fast, select: ['id'] })).pipe(take(3), toArray()));
    await sleep(40);
    staged.publish(3); // two commits between two polls
    await sleep(60);
    staged.publish(4);
    const id = (l: string) => String(staged.built.snapshot(l).snapshotId);
    expect(await seen).toEqual([
      { id: id('s2'), ids: [2, 3] },
      { id: id('s3'), ids: [4] },
      { id: id('s4'), ids: [5, 6] },
    ]);
  });

  it('resumes from a checkpoint: a consumer stopping mid-stream and restarting gets every row exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-resume-'));
    const staged = await stagedTable(dir, description([appendStep('s1', [1]), appendStep('s2', [2]), appendStep('s3', [3, 4]), appendStep('s4', [5])]), 1);
    const start = await loadTable(dir);
    const from = start.currentSnapshot()!.snapshotId;
    staged.publish(4);
    // The first consumer completes one commit, saves its checkpoint, and stops in the middle of the next.
    let checkpoint = { fromSnapshotId: from };
    const received: number[] = [];
    await firstValueFrom(
      start.watch({ ...fast, fromSnapshotId: from }).pipe(
        concatMap((c, i) =>
          c.batches.pipe(
            tap((b) => { if (i === 0) received.push(...idsOf(b)); }),
            toArray(),
            tap(() => { if (i === 0) checkpoint = c.checkpoint; }),
          ),
        ),
        take(2), // the second commit is read but its checkpoint never saved: "crashed" mid-commit
      ),
    ).catch(() => undefined);
    const restarted = await loadTable(dir);
    const rest = await firstValueFrom(perCommit(restarted.watch({ ...fast, ...checkpoint })).pipe(take(2), toArray()));
    for (const c of rest) received.push(...c.ids);
    expect(received.sort((a, b) => a - b)).toEqual([2, 3, 4, 5]);
  });

  it('fails with non_append_snapshot on an overwrite after the commits before it, or skips it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-overwrite-'));
    const steps = description([appendStep('s1', [1]), appendStep('s2', [2]), { label: 's3', removeFiles: ['s1'], append: [{ name: 'o', rows: rowsOf([10]) }] }, appendStep('s4', [4])]);
    const staged = await stagedTable(dir, steps, 1);
    const table = await loadTable(dir);
    staged.publish(4);
    const got: number[][] = [];
    const error = await lastValueFrom(perCommit(table.watch(fast)).pipe(tap((c) => got.push(c.ids)), take(3))).catch((e: unknown) => e);
    expect(got).toEqual([[2]]);
    expect(isIcebergScanError(error) && error.code).toBe('non_append_snapshot');
    expect(isIcebergScanError(error) && error.context).toEqual({ snapshotId: String(staged.built.snapshot('s3').snapshotId), operation: 'overwrite' });
    const skipped = await firstValueFrom(perCommit(table.watch({ ...fast, skipNonAppends: true })).pipe(take(2), toArray()));
    expect(skipped.map((c) => c.ids)).toEqual([[2], [4]]);
  });

  it('retries a metadata file that is still being written (torn JSON) until it is complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-torn-'));
    const staged = await stagedTable(dir, description([appendStep('s1', [1]), appendStep('s2', [2]), appendStep('s3', [3])]), 1);
    const table = await loadTable(dir);
    const seen = firstValueFrom(perCommit(table.watch(fast)).pipe(take(2), toArray()));
    staged.publishTorn(2);
    await sleep(60);
    staged.publish(2);
    await sleep(30);
    staged.publishTorn(3);
    await sleep(40);
    staged.publish(3);
    expect((await seen).map((c) => c.ids)).toEqual([[2], [3]]);
  });

  it('errors typed when the refresh keeps failing, and with not_found when starting from an unknown snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-fail-'));
    const staged = await stagedTable(dir, description([appendStep('s1', [1]), appendStep('s2', [2])]), 1);
    const table = await loadTable(dir);
    staged.publishTorn(2);
    const error = await firstValueFrom(table.watch({ pollInterval: 5, retry: { attempts: 2, initialDelay: 1 } })).catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('data_invalid');
    expect(isIcebergScanError(error) && error.context.attempts).toBe(2);
    const unknown = await firstValueFrom(table.watch({ fromSnapshotId: 42 })).catch((e: unknown) => e);
    expect(isIcebergScanError(unknown) && unknown.code).toBe('not_found');
  });

  it('stops polling on unsubscribe, and errors with aborted when its signal aborts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watch-stop-'));
    await stagedTable(dir, description([appendStep('s1', [1])]), 1);
    const table = await loadTable(dir);
    let refreshes = 0;
    const counting = Object.assign(Object.create(Object.getPrototypeOf(table)), table, { refresh: (s?: AbortSignal) => (refreshes++, table.refresh(s)) });
    const sub = counting.watch({ pollInterval: 5 }).subscribe();
    await sleep(40);
    sub.unsubscribe();
    const after = refreshes;
    expect(after).toBeGreaterThan(0);
    await sleep(30);
    expect(refreshes).toBe(after);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await firstValueFrom(table.watch({ pollInterval: 5, signal: controller.signal })).catch((e: unknown) => e);
    expect(isIcebergScanError(error) && error.code).toBe('aborted');
  });
});
