/**
 * Scan planning as a stream: snapshot → manifest list → manifests (bounded concurrency) →
 * `FileScanTask`s. Delete manifests are read and indexed first; data tasks then stream out as each
 * data manifest is decoded, so the first task comes before the last manifest is read.
 */
import { EMPTY, Observable, defer, from, mergeMap, concatMap, lastValueFrom, toArray, map, filter } from 'rxjs';
import { abortedError } from '../errors.ts';
import { mergeMapInOrder } from '../operators/merge-map-in-order.ts';
import type { FileIO } from '../io/input-file.ts';
import { readWholeFile } from '../io/read-whole-file.ts';
import { readManifest, type DecodedManifest } from '../metadata/manifest.ts';
import { readManifestList, type ManifestFile } from '../metadata/manifest-list.ts';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { Schema } from '../metadata/schema.ts';
import type { Snapshot } from '../metadata/snapshot.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import { DeleteFileIndex } from './delete-file-index.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { ContentFile } from '../metadata/content-file.ts';
import type { ScanStats } from '../task/scan-stats.ts';
import { addedManifests, isAddedBy } from '../incremental/added-manifests.ts';

/** Manifests read at once: 8. Manifests are small (KiB to a few MiB) and decode in microseconds per entry, so overlapping their I/O latency is what matters. */
export const DEFAULT_MANIFEST_CONCURRENCY = 8;

/** Pruning seams the filter layer fills in. Each returns `true` to SKIP the item. */
export interface PlanPruning {
  /** `true` skips the whole manifest (data or delete manifest) of spec `spec`. Counted in `stats.pruned.manifests`. */
  readonly pruneManifest?: (manifest: ManifestFile, spec: PartitionSpec | undefined) => boolean;
  /**
   * `true` skips one file (data or delete file: check `file.content`). Counted in
   * `stats.pruned.dataFiles` / `stats.pruned.deleteFiles`.
   */
  readonly pruneFile?: (file: ContentFile, spec: PartitionSpec) => boolean;
  /** The residual row filter (expression JSON) of a data file; undefined means all rows match. */
  readonly residualFor?: (file: ContentFile, spec: PartitionSpec) => unknown;
  /** The filter matches no row at all (a constant false): nothing is planned, no manifest is read. */
  readonly matchesNothing?: boolean;
}

/** Options of {@link planFiles}. */
export interface PlanFilesOptions extends PlanPruning {
  /** The table metadata (specs and schemas). */
  readonly metadata: TableMetadata;
  /** The snapshot to plan; undefined plans nothing (empty table). */
  readonly snapshot: Snapshot | undefined;
  /** Resolves and opens manifest lists and manifests (a `TableFileIO` for moved tables). */
  readonly io: FileIO;
  /** The scan's schema: partition source columns are looked up here first. */
  readonly schema?: Schema;
  /** Manifests read at once (default {@link DEFAULT_MANIFEST_CONCURRENCY}). */
  readonly concurrency?: number;
  /** Aborts planning; the stream then errors with code `aborted`. */
  readonly signal?: AbortSignal;
  /** Pruning counters are added here. */
  readonly stats?: ScanStats;
  /**
   * Incremental planning: only the data files these append snapshots added (the ADDED entries of
   * the manifests each one added, by `added_snapshot_id`); no other manifest and no delete
   * manifest is read. `snapshot` is then the range's end (for specs and schemas only).
   */
  readonly addedBy?: readonly Snapshot[];
}

/**
 * Plans the data files of a snapshot as a cold Observable of `FileScanTask`s (one per live data
 * file, with its delete files attached). Each subscription plans anew; unsubscribing aborts the
 * reads in flight. Errors are `IcebergScanError`s naming the manifest list or manifest.
 *
 * @param options What to plan and how.
 * @returns The tasks, in manifest completion order.
 */
export function planFiles(options: PlanFilesOptions): Observable<FileScanTask> {
  return withAbort(options.signal, (signal) =>
    defer(() => preparePlan({ ...options, signal })).pipe(concatMap((plan) => plan.tasks())),
  );
}

/** The first phase of planning: the delete index is built, data manifests are known. */
export interface PreparedPlan {
  /** Every delete file of the snapshot that survived pruning, indexed. */
  readonly index: DeleteFileIndex;
  /** Data manifests still to read. */
  readonly dataManifests: readonly ManifestFile[];
  /** Streams the data tasks (reads the data manifests with bounded concurrency). */
  tasks(): Observable<FileScanTask>;
}

/**
 * Phase one of {@link planFiles}: reads the manifest list and every delete manifest, so that the
 * caller knows which delete files (and equality columns) the scan needs before data tasks stream.
 *
 * @param options What to plan; `signal` aborts reads.
 */
export async function preparePlan(options: PlanFilesOptions): Promise<PreparedPlan> {
  const { metadata, snapshot, io } = options;
  const signal = options.signal ?? new AbortController().signal;
  const index = new DeleteFileIndex();
  if (snapshot === undefined || options.matchesNothing === true) return { index, dataManifests: [], tasks: () => EMPTY };
  const concurrency = options.concurrency ?? DEFAULT_MANIFEST_CONCURRENCY;
  const schemas = [...(options.schema ? [options.schema] : []), ...[...metadata.schemas].reverse()];
  const specById = new Map(metadata.specs.map((s) => [s.specId, s]));
  const stats = options.stats;

  const read = async (manifest: ManifestFile): Promise<DecodedManifest> => {
    if (signal.aborted) throw abortedError(manifest.manifestPath);
    const bytes = await readWholeFile(io.newInputFile(manifest.manifestPath), signal);
    if (signal.aborted) throw abortedError(manifest.manifestPath);
    return readManifest(bytes, manifest.manifestPath, { manifest, specs: metadata.specs, schemas });
  };
  const keepManifest = (m: ManifestFile): boolean => {
    if (options.pruneManifest?.(m, specById.get(m.partitionSpecId)) === true) {
      if (stats) stats.pruned.manifests++;
      return false;
    }
    return true;
  };
  const keepFile = (file: ContentFile, spec: PartitionSpec): boolean => {
    if (options.pruneFile?.(file, spec) === true) {
      if (stats) {
        if (file.content === 'data') stats.pruned.dataFiles++;
        else stats.pruned.deleteFiles++;
      }
      return false;
    }
    return true;
  };

  const added = options.addedBy === undefined ? undefined : await addedManifests(options.addedBy, (s) => listManifests(s, io, signal));
  const addedIn = new Map(added?.map((a) => [a.manifest, a.addedBy]));
  const manifests = (added?.map((a) => a.manifest) ?? (await listManifests(snapshot, io, signal))).filter(keepManifest);
  const deleteManifests = manifests.filter((m) => m.content === 'deletes');
  if (deleteManifests.length > 0) {
    const decoded = await lastValueFrom(from(deleteManifests).pipe(mergeMap(read, concurrency), toArray()));
    for (const d of decoded) for (const e of d.entries) if (keepFile(e.file, d.spec)) index.add(e.file, d.spec);
  }
  const dataManifests = manifests.filter((m) => m.content === 'data');
  const tasks = (): Observable<FileScanTask> =>
    from(dataManifests).pipe(
      // In manifest-list order (deterministic task order), `concurrency` manifests read ahead.
      mergeMapInOrder(
        (m) =>
          from(read(m)).pipe(
            concatMap((d) =>
              from(d.entries).pipe(
                filter((e) => {
                  if (e.file.content !== 'data') return false;
                  const by = addedIn.get(m);
                  return (by === undefined || isAddedBy(e, by)) && keepFile(e.file, d.spec);
                }),
                map((e): FileScanTask => {
                  const residual = options.residualFor?.(e.file, d.spec);
                  return {
                    dataFile: e.file,
                    deletes: index.forDataFile(e.file),
                    ...(residual !== undefined ? { residual } : {}),
                  };
                }),
              ),
            ),
          ),
        concurrency,
      ),
    );
  return { index, dataManifests, tasks };
}

/**
 * Runs `body` with a signal that aborts when the subscriber unsubscribes or `outer` aborts.
 *
 * @param outer The caller's signal, if any.
 * @param body Builds the source from the linked signal.
 */
export function withAbort<T>(outer: AbortSignal | undefined, body: (signal: AbortSignal) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (outer?.aborted) controller.abort();
    else outer?.addEventListener('abort', onAbort, { once: true });
    const sub = body(controller.signal).subscribe(subscriber);
    return () => {
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
      sub.unsubscribe();
    };
  });
}

/** The manifests of a snapshot: from its manifest list, or (v1) its inline `manifests`. */
export async function listManifests(snapshot: Snapshot, io: FileIO, signal: AbortSignal): Promise<ManifestFile[]> {
  if (snapshot.manifestList !== undefined) {
    const bytes = await readWholeFile(io.newInputFile(snapshot.manifestList), signal);
    return readManifestList(bytes, snapshot.manifestList);
  }
  return (snapshot.manifests ?? []).map((path) => ({
    manifestPath: path,
    manifestLength: 0,
    partitionSpecId: -1,
    content: 'data' as const,
    sequenceNumber: 0,
    minSequenceNumber: 0,
    addedSnapshotId: snapshot.snapshotId,
  }));
}
