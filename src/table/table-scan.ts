/**
 * `TableScan`: one described scan of a table — planning (`planFiles`), Arrow record batches as an
 * Observable or an AsyncIterable, a whole `apache-arrow` Table, or a row count — with its stats.
 */
import { Observable, concatAll, concatMap, defer, filter, lastValueFrom, map, reduce, toArray } from 'rxjs';
import { Schema as ArrowSchema, Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { preparePlan, withAbort, type PlanFilesOptions } from '../scan/plan-files.ts';
import { scanTasks, scanTasksIterable } from '../scan/scan-tasks.ts';
import { createScanStats, type ScanStats } from '../task/scan-stats.ts';
import type { BoundFilterPlan, ScanPlugins } from './scan-plugins.ts';
import { bindFilter, checkDeletePlugin, readOptions, scanProjection } from './scan-setup.ts';
import { currentSchema, selectSnapshot, type SelectedSnapshot, type SnapshotSelection } from './select-snapshot.ts';
import { resolveAppendRange, type AppendRange } from '../incremental/append-range.ts';
import type { Snapshot } from '../metadata/snapshot.ts';
import type { TableFileIO } from '../io/table-file-io.ts';
import type { NameMapping } from '../metadata/name-mapping.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';

/** What a scan needs of its table (a `Table` is one). */
export interface ScanSource {
  readonly metadata: TableMetadata;
  readonly io: TableFileIO;
  readonly plugins: ScanPlugins;
  /** The default name mapping, when the table has one. */
  nameMapping(): NameMapping | undefined;
}

/**
 * Options of `table.scan(...)`. At most one of `snapshotId`, `ref`, `asOf`; or an incremental
 * append scan with `fromSnapshotId` and/or `toSnapshotId` (not with the other three).
 */
export interface TableScanOptions extends SnapshotSelection {
  /**
   * Incremental append scan, exclusive start: only the rows of the data files that the `append`
   * snapshots after this one (up to `toSnapshotId`) added. Must be an ancestor of `toSnapshotId`
   * (`invalid_argument` otherwise) still in the metadata (`not_found` when expired). Read with the
   * table's current schema; no delete file is read. Absent with `toSnapshotId`: from the first
   * snapshot of its ancestry.
   */
  readonly fromSnapshotId?: number | bigint | string;
  /** Incremental append scan, inclusive end (default: the current snapshot). */
  readonly toSnapshotId?: number | bigint | string;
  /**
   * Incremental scans: skip `overwrite` and `delete` snapshots in the range instead of failing
   * with `non_append_snapshot` (Spark's `streaming-skip-overwrite-snapshots` /
   * `streaming-skip-delete-snapshots`). The files an overwrite added are then not read, and rows a
   * skipped snapshot deleted are still returned. `replace` snapshots (compaction) are always skipped.
   */
  readonly skipNonAppends?: boolean;
  /** Column names to read (dotted paths for nested fields); default: every column of the schema. */
  readonly select?: readonly string[];
  /** Row filter: expression JSON or filter text (bound by the filter plugin). */
  readonly filter?: unknown;
  /** Maximum rows in total. */
  readonly limit?: number;
  /** Rows per batch. */
  readonly batchSize?: number;
  /** Data files read at once. */
  readonly concurrency?: number;
  /** Manifests read at once while planning. */
  readonly planningConcurrency?: number;
  /** `task` (default, deterministic) or `arrival`. */
  readonly order?: 'task' | 'arrival';
  /** Decode worker threads (default one per core; 0 decodes on the calling thread). */
  readonly decodeWorkers?: number;
  /** Compressed bytes of fetched, undecoded row groups held at most (default 64 MiB). */
  readonly readAheadBytes?: number;
  /** Column names in `select` and `filter` match case-sensitively (default true). */
  readonly caseSensitive?: boolean;
  /** Aborts planning and reading (error code `aborted`). */
  readonly signal?: AbortSignal;
}

/** A described scan. Every method runs the scan anew; `stats` describes the latest run. */
export class TableScan {
  private readonly selected: SelectedSnapshot;
  private readonly range: AppendRange | undefined;
  private latestStats: ScanStats = createScanStats();

  /**
   * @param table The table (its metadata, FileIO, plugins and name mapping).
   * @param options The scan options. A missing snapshot or ref throws `not_found` here, as do the
   *   checks of an incremental range (`not_found`, `invalid_argument`, `non_append_snapshot`).
   */
  constructor(
    readonly table: ScanSource,
    readonly options: TableScanOptions = {},
  ) {
    if (options.fromSnapshotId !== undefined || options.toSnapshotId !== undefined) {
      const given = (['snapshotId', 'ref', 'asOf'] as const).filter((k) => options[k] !== undefined);
      if (given.length > 0) {
        throw new IcebergScanError('invalid_argument', `an incremental scan (fromSnapshotId/toSnapshotId) cannot also take ${given.join(', ')}`);
      }
      this.range = resolveAppendRange(table.metadata, options);
      this.selected = { snapshot: this.range.to, schema: currentSchema(table.metadata) };
    } else {
      this.range = undefined;
      this.selected = selectSnapshot(table.metadata, options);
    }
  }

  /**
   * Incremental scans: the append snapshots whose added files this scan reads, oldest first
   * (undefined for a scan of one snapshot).
   */
  get appendSnapshots(): readonly Snapshot[] | undefined {
    return this.range?.appends;
  }

  /** The snapshot this scan reads (undefined for a table without snapshots). */
  get snapshot() {
    return this.selected.snapshot;
  }

  /** The Iceberg schema this scan reads with. */
  get schema() {
    return this.selected.schema;
  }

  /** Statistics of the latest run (live while it runs). */
  get stats(): ScanStats {
    return this.latestStats;
  }

  /** The planned tasks, streamed as manifests are read (delete files attached). */
  planFiles(): Observable<FileScanTask> {
    return withAbort(this.options.signal, (signal) =>
      defer(async () => {
        const stats = (this.latestStats = createScanStats());
        const bound = this.bindFilter();
        return preparePlan(this.planOptions(signal, stats, bound));
      }).pipe(concatMap((plan) => plan.tasks())),
    );
  }

  /** The rows as Arrow record batches (never empty ones), cold. */
  batches(): Observable<RecordBatch> {
    return withAbort(this.options.signal, (signal) =>
      defer(async () => {
        const { tasks, options } = await this.prepare(signal);
        return scanTasks(tasks, options);
      }).pipe(concatAll()),
    );
  }

  /** The rows as a pull-based AsyncIterable of record batches (bounded read-ahead). */
  async *toAsyncIterable(): AsyncIterable<RecordBatch> {
    const controller = new AbortController();
    const outer = this.options.signal;
    const onAbort = () => controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      const { tasks, options } = await this.prepare(controller.signal);
      yield* scanTasksIterable(tasks, options);
    } finally {
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /** Every row in one `apache-arrow` Table (with the scan's schema even when empty). */
  async toTable(): Promise<ArrowTable> {
    const batches = await lastValueFrom(this.batches().pipe(toArray()));
    if (batches.length > 0) return new ArrowTable(batches);
    return new ArrowTable(this.arrowSchema);
  }

  /**
   * The exact number of rows after deletes, filter and limit. A data file with no delete file and
   * no residual filter is counted from its manifest record count, without opening it
   * (`stats.filesCountedFromMetadata`); the others are read, but only what the count needs: the
   * filter's and the equality deletes' columns, or no column at all (row counts and deleted
   * positions) when only position deletes apply.
   */
  async count(): Promise<number> {
    const counted = withAbort(this.options.signal, (signal) =>
      defer(async () => {
        const { tasks, options, bound } = await this.prepare(signal, { countOnly: true });
        // A filter stage without a residual per file leaves the plan inexact: every file is read
        // then. No stage (no filter, or a constant true) or per-file residuals: the plan is exact.
        const exactPlan = bound.stage === undefined || bound.residualFor !== undefined;
        let fromMetadata = 0;
        const toRead = tasks.pipe(filter((t) => {
          if (!exactPlan || t.deletes.length > 0 || t.residual !== undefined) return true;
          fromMetadata += t.dataFile.recordCount;
          options.stats.filesCountedFromMetadata += 1;
          return false;
        }));
        const limit = this.options.limit;
        return scanTasks(toRead, options).pipe(
          reduce((n, b) => n + b.numRows, 0),
          map((read) => (limit !== undefined ? Math.min(read + fromMetadata, limit) : read + fromMetadata)),
        );
      }).pipe(concatAll()),
    );
    return lastValueFrom(counted);
  }

  private bindFilter(): BoundFilterPlan {
    return bindFilter(this.table, this.selected.schema, this.options.filter, this.options.caseSensitive ?? true);
  }

  private planOptions(signal: AbortSignal, stats: ScanStats, bound: BoundFilterPlan): PlanFilesOptions {
    return {
      metadata: this.table.metadata,
      snapshot: this.selected.snapshot,
      io: this.table.io,
      schema: this.selected.schema,
      signal,
      stats,
      ...(this.range !== undefined ? { addedBy: this.range.appends } : {}),
      ...(this.options.planningConcurrency !== undefined ? { concurrency: this.options.planningConcurrency } : {}),
      ...(bound.pruneManifest ? { pruneManifest: bound.pruneManifest } : {}),
      ...(bound.pruneFile ? { pruneFile: bound.pruneFile } : {}),
      ...(bound.residualFor ? { residualFor: bound.residualFor } : {}),
      ...(bound.matchesNothing === true ? { matchesNothing: true } : {}),
    };
  }

  /**
   * The Arrow schema of every batch this scan emits (selected columns, table names, field ids),
   * known before any file is read: also the schema of an empty result.
   *
   * @throws IcebergScanError `not_found` for a selected column the schema does not have.
   */
  get arrowSchema(): ArrowSchema {
    const projection = this.projection([]);
    return new ArrowSchema(projection.schema.fields.slice(0, projection.outputColumns));
  }

  /**
   * The projection of this scan, reading `extraFieldIds` as helper columns after the output
   * (`countOnly`: no output column, only the helpers).
   */
  private projection(extraFieldIds: number[], countOnly = false) {
    return scanProjection(this.table, this.selected.schema, { select: this.options.select, caseSensitive: this.options.caseSensitive ?? true, extraFieldIds, countOnly });
  }

  /** Plans delete files, builds the projection, and returns the task stream plus scan options. */
  private async prepare(signal: AbortSignal, { countOnly = false } = {}) {
    const stats = (this.latestStats = createScanStats());
    const bound = this.bindFilter();
    const plan = await preparePlan(this.planOptions(signal, stats, bound));
    const projection = this.projection([...(bound.extraFieldIds ?? []), ...plan.index.equalityFieldIds()], countOnly);
    const tasks = plan.tasks().pipe(map((task) => checkDeletePlugin(this.table, task)));
    const options = readOptions(this.table, projection, bound, signal, stats, pick(this.options, ['batchSize', 'concurrency', 'limit', 'order', 'decodeWorkers', 'readAheadBytes'] as const));
    return { tasks, options, bound };
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

