/**
 * Commits one snapshot for the table builder: writes the step's data and delete files, carries the
 * parent's manifests over (rewriting those that lose files), writes new manifests and the manifest
 * list, and advances sequence numbers, row ids, refs and the snapshot log.
 */
import { descriptionError, type BuilderState, type EntryInfo, type FileRecord, type ManifestInfo, type SnapshotState } from './builder-state.ts';
import { writeDataFile, type WrittenFile } from './data-files.ts';
import { writeDeletionVectors, writeEqualityDeletes, writePositionDeletes } from './delete-files.ts';
import { assignFirstRowIds, writeManifest, writeManifestList } from './manifests.ts';
import type { CommitStep } from './table-description.ts';
import type { MetricsLevel } from './metrics.ts';

/** Table-wide options a commit needs. */
export interface CommitContext {
  readonly compression: string;
  readonly metrics: MetricsLevel;
  readonly codec: 'deflate' | 'null';
  readonly largeSnapshotIds: boolean;
  readonly timestampMs: number;
}

/** Live entries (ADDED or EXISTING) of a list of manifests. */
export function liveEntries(manifests: readonly ManifestInfo[]): EntryInfo[] {
  return manifests.flatMap((m) => m.entries.filter((e) => e.status !== 2));
}

/** First row ids that data files of a v3 manifest inherit, by file name. */
function inheritedRowIds(state: BuilderState, m: ManifestInfo): Map<string, number> {
  const out = new Map<string, number>();
  if (m.firstRowId === undefined || m.content !== 0) return out;
  let next = m.firstRowId;
  for (const e of m.entries) {
    if (e.firstRowId !== undefined) out.set(e.name, e.firstRowId);
    else {
      out.set(e.name, next);
      next += state.files.get(e.name)!.recordCount;
    }
  }
  return out;
}

function positionsDeleted(state: BuilderState, live: readonly EntryInfo[], dataFile: string): bigint[] {
  const out: bigint[] = [];
  for (const e of live) {
    const f = state.files.get(e.name)!;
    out.push(...(f.deletedPositions?.get(dataFile) ?? []));
  }
  return out;
}

function summaryOf(state: BuilderState, operation: string, added: readonly FileRecord[], removed: readonly FileRecord[], live: readonly EntryInfo[]): Record<string, string> {
  const sum = (fs: readonly FileRecord[], pick: (f: FileRecord) => boolean, by: (f: FileRecord) => number = () => 1) =>
    fs.filter(pick).reduce((n, f) => n + by(f), 0);
  const isData = (f: FileRecord) => f.content === 'data';
  const isDelete = (f: FileRecord) => f.content !== 'data';
  const rows = (f: FileRecord) => f.recordCount;
  const out: Record<string, string> = { operation };
  const put = (k: string, v: number, always = false) => {
    if (v || always) out[k] = String(v);
  };
  put('added-data-files', sum(added, isData));
  put('added-records', sum(added, isData, rows));
  put('added-files-size', sum(added, () => true, (f) => f.fileSizeInBytes));
  put('added-delete-files', sum(added, isDelete));
  put('added-position-delete-files', sum(added, (f) => f.content === 'position_deletes'));
  put('added-dvs', sum(added, (f) => f.content === 'deletion_vector'));
  put('added-equality-delete-files', sum(added, (f) => f.content === 'equality_deletes'));
  put('added-position-deletes', sum(added, (f) => f.contentCode === 1, rows));
  put('added-equality-deletes', sum(added, (f) => f.content === 'equality_deletes', rows));
  put('deleted-data-files', sum(removed, isData));
  put('deleted-records', sum(removed, isData, rows));
  put('removed-delete-files', sum(removed, isDelete));
  put('removed-files-size', sum(removed, () => true, (f) => f.fileSizeInBytes));
  put('changed-partition-count', new Set([...added, ...removed].map((f) => `${f.specId}:${JSON.stringify(f.partition)}`)).size, true);
  const liveFiles = live.map((e) => state.files.get(e.name)!);
  put('total-records', sum(liveFiles, isData, rows), true);
  put('total-files-size', sum(liveFiles, () => true, (f) => f.fileSizeInBytes), true);
  put('total-data-files', sum(liveFiles, isData), true);
  put('total-delete-files', sum(liveFiles, isDelete), true);
  put('total-position-deletes', sum(liveFiles, (f) => f.contentCode === 1, rows), true);
  put('total-equality-deletes', sum(liveFiles, (f) => f.content === 'equality_deletes', rows), true);
  return out;
}

/** Commits `step` as a new snapshot. */
export async function commitSnapshot(state: BuilderState, step: CommitStep, ctx: CommitContext): Promise<SnapshotState> {
  const branch = step.branch ?? 'main';
  const headRef = state.refs.get(branch) ?? (branch === 'main' ? undefined : state.refs.get('main'));
  if (headRef?.type === 'tag') throw descriptionError(`cannot commit to tag ${branch}`);
  const parent = headRef && state.snapshots.find((s) => s.snapshotId === headRef.snapshotId);
  const parentManifests = parent?.manifests ?? [];
  const liveBefore = liveEntries(parentManifests);
  const liveNames = new Set(liveBefore.map((e) => e.name));
  const label = step.label ?? `s${state.snapshots.length + 1}`;
  if (state.snapshots.some((s) => s.label === label)) throw descriptionError(`duplicate snapshot label ${label}`);
  const seq = state.formatVersion >= 2 ? state.lastSequenceNumber + 1 : 0;
  const snapshotId = step.snapshotId !== undefined ? BigInt(step.snapshotId) : state.ids.snapshotId(ctx.largeSnapshotIds);

  const added: FileRecord[] = [];
  const register = (w: WrittenFile) => {
    const rec: FileRecord = { ...w, sequenceNumber: w.explicitSequenceNumber ?? seq, snapshotId };
    state.files.set(rec.name, rec);
    added.push(rec);
    if (rec.contentCode === 0) liveNames.add(rec.name); // deletes may target files of the same commit
  };
  const nameOf = (given: string | undefined, kind: string, i: number) => {
    const name = given ?? `${label}-${kind}${i}`;
    if (state.files.has(name)) throw descriptionError(`duplicate file name ${name}`);
    return name;
  };
  (step.append ?? []).forEach((f, i) => register(writeDataFile(state, f, nameOf(f.name, 'data', i), ctx.compression, ctx.metrics)));
  (step.positionDeletes ?? []).forEach((f, i) =>
    register(writePositionDeletes(state, f, nameOf(f.name, 'pos', i), liveNames, ctx.compression, ctx.metrics)),
  );
  (step.equalityDeletes ?? []).forEach((f, i) => register(writeEqualityDeletes(state, f, nameOf(f.name, 'eq', i), ctx.compression, ctx.metrics)));

  const removedNames = new Set<string>();
  for (const n of step.removeFiles ?? []) {
    if (!liveBefore.some((e) => e.name === n)) throw descriptionError(`cannot remove ${n}: not live in branch ${branch}`);
    removedNames.add(n);
  }
  const liveDvFor = (dataFile: string) => liveBefore.find((e) => state.files.get(e.name)!.content === 'deletion_vector' && state.files.get(e.name)!.targetName === dataFile);
  for (const n of [...removedNames]) {
    const dv = liveDvFor(n); // a removed data file takes its deletion vector with it
    if (dv) removedNames.add(dv.name);
  }
  if (step.deletionVectors?.length) {
    const dvs = writeDeletionVectors(state, step.deletionVectors, nameOf(undefined, 'dv', 0), liveNames, (dv) =>
      dv.mergeExisting === false ? [] : positionsDeleted(state, liveBefore, dv.dataFile),
    );
    for (const dv of dvs) {
      nameOf(dv.name, 'dv', 0);
      const old = liveDvFor(dv.targetName!);
      if (old) removedNames.add(old.name);
      register(dv);
    }
  }

  const manifests: ManifestInfo[] = [];
  const snap = { snapshotId, sequenceNumber: seq };
  const groups = new Map<string, FileRecord[]>();
  for (const f of added) {
    const key = step.manifestPerFile ? f.name : `${f.contentCode === 0 ? 0 : 1}:${f.specId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const files of groups.values()) {
    const entries: EntryInfo[] = files.map((f) => ({
      name: f.name,
      status: 1,
      snapshotId,
      dataSequenceNumber: f.sequenceNumber,
      fileSequenceNumber: seq,
      explicitSequence: f.explicitSequenceNumber !== undefined,
    }));
    manifests.push(await writeManifest(state, files[0]!.specId, files[0]!.contentCode === 0 ? 0 : 1, entries, snap, ctx.codec));
  }
  for (const m of parentManifests) {
    const liveHere = m.entries.filter((e) => e.status !== 2);
    if (!liveHere.some((e) => removedNames.has(e.name))) {
      manifests.push(m);
      continue;
    }
    const rowIds = inheritedRowIds(state, m);
    const entries: EntryInfo[] = liveHere.map((e) => ({
      ...e,
      status: removedNames.has(e.name) ? 2 : 0,
      snapshotId: removedNames.has(e.name) ? snapshotId : e.snapshotId,
      explicitSequence: true,
      ...(rowIds.has(e.name) ? { firstRowId: rowIds.get(e.name) } : {}),
    }));
    manifests.push(await writeManifest(state, m.specId, m.content, entries, snap, ctx.codec));
  }

  let rowLineage: { firstRowId: number; addedRows: number } | undefined;
  if (state.formatVersion >= 3) {
    rowLineage = assignFirstRowIds(state, manifests);
    for (const m of manifests) {
      for (const [name, id] of inheritedRowIds(state, m)) {
        const f = state.files.get(name)!;
        if (f.firstRowId === undefined) state.files.set(name, { ...f, firstRowId: id });
      }
    }
  }
  const manifestList = await writeManifestList(state, { snapshotId, parentSnapshotId: parent?.snapshotId, sequenceNumber: seq, firstRowId: rowLineage?.firstRowId }, manifests, ctx.codec);

  const removed = [...removedNames].map((n) => state.files.get(n)!);
  const hasData = added.some((f) => f.contentCode === 0);
  const operation = step.operation ?? (removed.length === 0 && !added.some((f) => f.contentCode !== 0) ? 'append' : hasData ? 'overwrite' : 'delete');
  const snapshot: SnapshotState = {
    label,
    snapshotId,
    ...(parent ? { parentSnapshotId: parent.snapshotId } : {}),
    sequenceNumber: seq,
    timestampMs: ctx.timestampMs,
    operation,
    branch,
    schemaId: state.currentSchemaId,
    manifestList,
    manifests,
    summary: summaryOf(state, operation, added, removed, liveEntries(manifests)),
    added: added.map((f) => f.name),
    removed: removed.map((f) => f.name),
    ...(rowLineage ? rowLineage : {}),
  };
  state.snapshots.push(snapshot);
  if (state.formatVersion >= 2) state.lastSequenceNumber = seq;
  state.refs.set(branch, { snapshotId, type: 'branch' });
  if (branch === 'main') {
    state.currentSnapshotId = snapshotId;
    state.snapshotLog.push({ 'timestamp-ms': ctx.timestampMs, 'snapshot-id': snapshotId });
  }
  return snapshot;
}
