/**
 * The snapshots of an incremental append scan: those committed after `from` (exclusive) up to
 * `to` (inclusive) along `to`'s parent chain, in commit order, and which of them are read.
 *
 * Rules (Spark's `IncrementalAppendScan` and streaming source):
 * - `append` snapshots are read: the data files each one added.
 * - `replace` snapshots (compaction, manifest rewrites) are always skipped: they add no rows.
 * - `overwrite`, `delete` and any other operation fail with `non_append_snapshot` naming the
 *   snapshot, unless `skipNonAppends` (then skipped, and the files an overwrite added are not read).
 */
import { IcebergScanError } from '../errors.ts';
import { toSnapshotId, type Snapshot, type SnapshotId } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';

/** How one snapshot of a range is treated. */
export type RangeSnapshotKind = 'append' | 'replace' | 'non_append';

/** The caller's range: from (exclusive) and to (inclusive, default the current snapshot). */
export interface AppendRangeOptions {
  /** Exclusive start; absent: from the first snapshot of `to`'s ancestry. */
  readonly fromSnapshotId?: number | bigint | string;
  /** Inclusive end; absent: the current snapshot. */
  readonly toSnapshotId?: number | bigint | string;
  /** Skip `overwrite` / `delete` snapshots instead of failing with `non_append_snapshot`. */
  readonly skipNonAppends?: boolean;
}

/** A resolved range. */
export interface AppendRange {
  /** The exclusive start (undefined: from the beginning). */
  readonly fromSnapshotId: SnapshotId | undefined;
  /** The inclusive end (undefined only for a table without snapshots). */
  readonly to: Snapshot | undefined;
  /** The append snapshots whose added data files are read, oldest first. */
  readonly appends: readonly Snapshot[];
  /** Snapshots of the range that are not read (`replace`, and skipped non-appends), oldest first. */
  readonly skipped: readonly Snapshot[];
}

/** The kind of a snapshot by its summary `operation` (a missing operation counts as non-append). */
export function rangeSnapshotKind(snapshot: Snapshot): RangeSnapshotKind {
  const op = snapshot.summary.operation;
  if (op === 'append') return 'append';
  if (op === 'replace') return 'replace';
  return 'non_append';
}

/** The `non_append_snapshot` error of a snapshot, naming its id and operation. */
export function nonAppendError(snapshot: Snapshot): IcebergScanError {
  const operation = snapshot.summary.operation ?? '(none)';
  return new IcebergScanError('non_append_snapshot', `snapshot ${snapshot.snapshotId} is a ${operation}, not an append`, {
    expected: 'only append (and replace) snapshots in the range, or skipNonAppends: true',
    context: { snapshotId: snapshot.snapshotId, operation },
  });
}

function fromNotFound(fromId: SnapshotId): IcebergScanError {
  return new IcebergScanError('not_found', `fromSnapshotId: snapshot ${fromId} does not exist (expired, or never of this table)`, {
    expected: 'a snapshot still in the table metadata',
    context: { fromSnapshotId: fromId },
  });
}

function snapshotIdOption(value: number | bigint | string, name: string): SnapshotId {
  const id = toSnapshotId(value);
  if (id === undefined) throw new IcebergScanError('invalid_argument', `${name} ${String(value)} is not an integer`, { context: { [name]: String(value) } });
  return id;
}

/**
 * The snapshots after `fromId` (exclusive) up to `to` (inclusive) along `to`'s parent chain,
 * oldest first. `fromId` undefined: the whole ancestry of `to`.
 *
 * @param expiredFrom Accept a `fromId` no longer in the metadata when a snapshot of the chain
 *   names it as its parent (a watch whose last emitted snapshot was expired since).
 * @throws IcebergScanError `not_found` when `fromId` is not in the metadata (never existed, or
 *   expired), `invalid_argument` when it is not an ancestor of `to`.
 */
export function snapshotsAfter(metadata: TableMetadata, fromId: SnapshotId | undefined, to: Snapshot, expiredFrom = false): Snapshot[] {
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));
  if (fromId !== undefined && !byId.has(fromId) && !expiredFrom) throw fromNotFound(fromId);
  const chain: Snapshot[] = [];
  let s: Snapshot | undefined = to;
  while (s !== undefined && s.snapshotId !== fromId) {
    chain.push(s);
    if (fromId !== undefined && s.parentSnapshotId === fromId && !byId.has(fromId)) return chain.reverse();
    s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId);
  }
  if (fromId !== undefined && s === undefined) {
    if (!byId.has(fromId)) throw fromNotFound(fromId);
    throw new IcebergScanError('invalid_argument', `snapshot ${fromId} is not an ancestor of snapshot ${to.snapshotId}`, {
      expected: 'fromSnapshotId on the parent chain of toSnapshotId',
      context: { fromSnapshotId: fromId, toSnapshotId: to.snapshotId },
    });
  }
  return chain.reverse();
}

/**
 * Resolves an incremental append range against the metadata.
 *
 * @throws IcebergScanError `not_found` for an unknown or expired id, `invalid_argument` for ids not
 *   on one line of ancestry or malformed, `non_append_snapshot` for the first overwrite/delete of
 *   the range (unless `skipNonAppends`).
 */
export function resolveAppendRange(metadata: TableMetadata, options: AppendRangeOptions): AppendRange {
  const fromSnapshotId = options.fromSnapshotId === undefined ? undefined : snapshotIdOption(options.fromSnapshotId, 'fromSnapshotId');
  const toId = options.toSnapshotId === undefined ? metadata.currentSnapshotId : snapshotIdOption(options.toSnapshotId, 'toSnapshotId');
  if (toId === undefined) {
    if (fromSnapshotId !== undefined) throw fromNotFound(fromSnapshotId);
    return { fromSnapshotId, to: undefined, appends: [], skipped: [] };
  }
  const to = metadata.snapshots.find((s) => s.snapshotId === toId);
  if (to === undefined) {
    throw new IcebergScanError('not_found', `toSnapshotId: snapshot ${toId} does not exist`, { context: { toSnapshotId: toId } });
  }
  const appends: Snapshot[] = [];
  const skipped: Snapshot[] = [];
  for (const s of snapshotsAfter(metadata, fromSnapshotId, to)) {
    const kind = rangeSnapshotKind(s);
    if (kind === 'append') appends.push(s);
    else if (kind === 'replace' || options.skipNonAppends === true) skipped.push(s);
    else throw nonAppendError(s);
  }
  return { fromSnapshotId, to, appends, skipped };
}
