/**
 * The Done-when test of live tails: PyIceberg 0.12 commits to a table of a `SqlCatalog` on a local
 * folder (sqlite file + warehouse in a temporary directory) while iceberg-rx watches the table
 * folder (`loadTable(folder).watch(...)`, polling the newest metadata file). Every appended row
 * arrives exactly once, grouped by commit in commit order; PyIceberg's overwrite (a `delete`
 * snapshot, then an `append`) fails the watch with `non_append_snapshot` naming the delete, or is
 * skipped with `skipNonAppends` (its appended rows then arrive as their own commit).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { concatMap, lastValueFrom, map, reduce, take, tap, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { loadTable } from '../../src/table/load-table.ts';
import type { WatchOptions } from '../../src/watch/watch-table.ts';
import { PYTHON_ENV, VENV_PYTHON, pyicebergAvailability } from '../pyiceberg/pyiceberg-env.ts';

const SCRIPT = fileURLToPath(new URL('./pyiceberg_commits.py', import.meta.url));
const availability = pyicebergAvailability();

type Step = { append: number[] } | { overwrite: number[] } | { sleep: number };
interface Commit {
  readonly step: number;
  readonly ids: number[];
  readonly snapshots: { id: string; operation: string }[];
}

/** Appends, two of them back to back (several commits between two polls), an overwrite, more appends. */
const PLAN: Step[] = [
  { append: [1, 2] },
  { sleep: 0.3 },
  { append: [3] },
  { append: [4, 5] },
  { sleep: 0.3 },
  { overwrite: [10, 11] },
  { sleep: 0.3 },
  { append: [6] },
  { append: [7, 8, 9] },
];

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

/** Starts the committer; resolves with the table folder and a function releasing the commits. */
function startCommitter(plan: Step[]) {
  const work = mkdtempSync(join(tmpdir(), 'pyiceberg-watch-'));
  const child = spawn(VENV_PYTHON, [SCRIPT, work, JSON.stringify(plan)], { env: PYTHON_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const commits: Commit[] = [];
  const lines = createInterface({ input: child.stdout });
  let onCreated: (location: string) => void;
  let onDone: () => void;
  let onFail: (e: Error) => void;
  const created = new Promise<string>((resolve, reject) => ((onCreated = resolve), (onFail = reject)));
  const done = new Promise<Commit[]>((resolve, reject) => {
    onDone = () => resolve(commits);
    child.on('close', (code) => (code === 0 ? undefined : reject(new Error(`committer exited ${code}: ${stderr}`))));
  });
  child.on('close', (code) => code !== 0 && onFail(new Error(`committer exited ${code}: ${stderr}`)));
  lines.on('line', (line) => {
    const event = JSON.parse(line) as { event: string; location?: string } & Commit;
    if (event.event === 'created') onCreated(event.location!);
    else if (event.event === 'commit') commits.push(event);
    else if (event.event === 'done') onDone();
  });
  return { created, done, go: () => child.stdin.write('go\n') };
}

/** What a correct watch emits: each append snapshot the committer made, with the rows it added. */
function expectedCommits(commits: readonly Commit[]) {
  const out: { id: string; ids: number[] }[] = [];
  for (const c of commits) {
    const appends = c.snapshots.filter((s) => s.operation === 'append');
    for (const s of appends) out.push({ id: s.id, ids: s === appends.at(-1) ? [...c.ids].sort((a, b) => a - b) : [] });
  }
  return out;
}

const watchOptions: WatchOptions = { pollInterval: 50, retry: { attempts: 10, initialDelay: 20, maxDelay: 200 } };

describe.skipIf(!availability.available)('watching a table PyIceberg commits to', () => {
  it('gets every appended row once, by commit in commit order, and fails on the overwrite naming its delete snapshot', async () => {
    const committer = startCommitter(PLAN);
    const table = await loadTable(await committer.created);
    const received: { id: string; ids: number[] }[] = [];
    const watched = lastValueFrom(
      table.watch(watchOptions).pipe(
        concatMap((c) => c.batches.pipe(
          reduce((ids: number[], b) => [...ids, ...[...b.getChild('id')!.toArray()].map(Number)], []),
          map((ids) => ({ id: c.snapshotId, ids: ids.sort((a, b) => a - b) })),
        )),
        tap((c) => received.push(c)),
      ),
    ).then(() => undefined, (e: unknown) => e);
    committer.go();
    const error = await watched;
    const commits = await committer.done;
    const overwrite = commits.find((c) => c.snapshots.some((s) => s.operation !== 'append'))!;
    const firstNonAppend = overwrite.snapshots.find((s) => s.operation !== 'append')!;
    expect(received).toEqual(expectedCommits(commits.filter((c) => c.step < overwrite.step)));
    expect(isIcebergScanError(error) && error.code).toBe('non_append_snapshot');
    expect(isIcebergScanError(error) && error.context).toEqual({ snapshotId: firstNonAppend.id, operation: firstNonAppend.operation });
  }, 60_000);

  it('skips the overwrite\'s delete with skipNonAppends and gets every later append once', async () => {
    const committer = startCommitter(PLAN);
    const table = await loadTable(await committer.created);
    const commits$ = table.watch({ ...watchOptions, skipNonAppends: true, select: ['id'] }).pipe(
      concatMap((c) => c.batches.pipe(
        reduce((ids: number[], b) => [...ids, ...[...b.getChild('id')!.toArray()].map(Number)], []),
        map((ids) => ({ id: c.snapshotId, ids: ids.sort((a, b) => a - b) })),
      )),
    );
    const all = lastValueFrom(commits$.pipe(take(expectedAppends(PLAN)), toArray()));
    committer.go();
    const commits = await committer.done;
    expect(await all).toEqual(expectedCommits(commits));
  }, 60_000);
});

/** PyIceberg makes one append snapshot per append and per overwrite (after its delete snapshot). */
function expectedAppends(plan: readonly Step[]): number {
  return plan.filter((s) => 'append' in s || 'overwrite' in s).length;
}

if (!availability.available) {
  describe('watching a table PyIceberg commits to', () => {
    it.skip(`PyIceberg watch test not run: ${availability.reason}`, () => {});
  });
}
