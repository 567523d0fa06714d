/**
 * `ArrowScan`: a PyIceberg-shaped entry point (table metadata, projected schema, row filter, case
 * sensitivity, limit, batch size) over `scanTasks`, for people coming from PyIceberg.
 */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { IcebergScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { ProjectionPlanner } from '../projection/file-projection.ts';
import { createProjectionPlanner } from '../projection/create-projection-planner.ts';
import type { Schema } from '../spec/schema.ts';
import type { FileStage, RowGroupFilter } from './file-stage.ts';
import { scanTasks, scanTasksIterable, type ScanTaskSource } from './scan-tasks.ts';
import type { ScanTasksOptions } from './scan-options.ts';
import { createScanStats, type ScanStats } from './scan-stats.ts';

/** What a projection-planner factory receives from {@link ArrowScan}. */
export interface ArrowScanProjectionInput {
  readonly schema: Schema;
  readonly caseSensitive: boolean;
  readonly tableMetadata: unknown;
}

/** What builds the residual-filter stage from the row filter. */
export type RowFilterStageFactory = (rowFilter: unknown, input: ArrowScanProjectionInput) => FileStage;

/** Options of {@link ArrowScan}, named after PyIceberg's `ArrowScan` arguments. */
export interface ArrowScanOptions {
  /** The table metadata (used by the projection for name mapping, specs and format version). */
  readonly tableMetadata?: unknown;
  /** The projected Iceberg schema. */
  readonly schema: Schema;
  readonly io: FileIO;
  /** Row filter (expression JSON); needs `rowFilterStage` to be applied. */
  readonly rowFilter?: unknown;
  /** Builds the residual filter stage for `rowFilter`. */
  readonly rowFilterStage?: RowFilterStageFactory;
  /** Case sensitivity of column names in the row filter (default true). */
  readonly caseSensitive?: boolean;
  readonly limit?: number;
  readonly batchSize?: number;
  /**
   * The projection planner, or a factory building it from schema and metadata (default:
   * `createProjectionPlanner({ schema, caseSensitive })`, which reads every column of `schema`).
   */
  readonly projection?: ProjectionPlanner | ((input: ArrowScanProjectionInput) => ProjectionPlanner);
  /** Delete stage (identity when absent). */
  readonly deletes?: FileStage;
  readonly rowGroupFilter?: RowGroupFilter;
  /** Further scan options (concurrency, order, signal...). */
  readonly scanOptions?: Omit<ScanTasksOptions, 'io' | 'projection' | 'limit' | 'batchSize' | 'filter' | 'deletes'>;
}

/**
 * Turns file scan tasks into record batches, like PyIceberg's `ArrowScan`, but streaming.
 *
 * @example
 * ```ts
 * const scan = new ArrowScan({ schema, io, projection, limit: 100 });
 * const table = await scan.toTable(tasks);
 * ```
 */
export class ArrowScan {
  /** Stats of the most recent scan started by this object. */
  stats: ScanStats = createScanStats();
  private readonly options: ArrowScanOptions;
  private readonly planner: ProjectionPlanner;
  private readonly filterStage: FileStage | undefined;

  constructor(options: ArrowScanOptions) {
    this.options = options;
    const input: ArrowScanProjectionInput = {
      schema: options.schema,
      caseSensitive: options.caseSensitive ?? true,
      tableMetadata: options.tableMetadata,
    };
    const projection = options.projection ?? ((i: ArrowScanProjectionInput) => createProjectionPlanner({ schema: i.schema, caseSensitive: i.caseSensitive }));
    this.planner = typeof projection === 'function' ? projection(input) : projection;
    if (options.rowFilter !== undefined && options.rowFilterStage === undefined) {
      throw new IcebergScanError('invalid_argument', 'ArrowScan: rowFilter given without rowFilterStage', {
        expected: 'a rowFilterStage that applies the row filter',
      });
    }
    this.filterStage = options.rowFilter !== undefined ? options.rowFilterStage?.(options.rowFilter, input) : undefined;
  }

  /** The Arrow schema of every batch. */
  get arrowSchema(): ArrowTable['schema'] {
    return this.planner.schema;
  }

  /** Streams the tasks' rows as record batches (cold; each subscription scans anew). */
  toRecordBatches(tasks: ScanTaskSource): Observable<RecordBatch> {
    return scanTasks(tasks, this.scanOptions());
  }

  /** Streams the tasks' rows as a pull-based async iterable. */
  toRecordBatchIterable(tasks: ScanTaskSource): AsyncIterable<RecordBatch> {
    return scanTasksIterable(tasks, this.scanOptions());
  }

  /** Reads the tasks' rows into one Arrow table (materializes; prefer the streaming methods). */
  async toTable(tasks: ScanTaskSource): Promise<ArrowTable> {
    const batches = await lastValueFrom(this.toRecordBatches(tasks).pipe(toArray()));
    return batches.length > 0 ? new ArrowTable(batches) : new ArrowTable(this.planner.schema);
  }

  private scanOptions(): ScanTasksOptions {
    this.stats = createScanStats();
    return {
      ...this.options.scanOptions,
      io: this.options.io,
      projection: this.planner,
      limit: this.options.limit,
      batchSize: this.options.batchSize,
      deletes: this.options.deletes,
      filter: this.filterStage,
      rowGroupFilter: this.options.rowGroupFilter ?? this.options.scanOptions?.rowGroupFilter,
      stats: this.stats,
    };
  }
}
