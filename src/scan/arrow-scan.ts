/**
 * `ArrowScan`: a PyIceberg-shaped entry point (table metadata, projected schema, row filter, case
 * sensitivity, limit, batch size) over `scanTasks`, for people coming from PyIceberg.
 */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { from, lastValueFrom, map, toArray, type Observable, type ObservableInput } from 'rxjs';
import type { FileIO } from '../io/input-file.ts';
import { unbindExpression } from '../expr/bind.ts';
import { createScanFilter, type ScanFilter } from '../expr/scan-filter.ts';
import type { Expression } from '../expr/expression.ts';
import { applyDeletes } from '../operators/apply-deletes.ts';
import type { ProjectionPlanner } from '../task/file-projection.ts';
import { createProjectionPlanner } from '../projection/create-projection-planner.ts';
import { nameMappingFromProperties } from '../metadata/name-mapping.ts';
import type { Schema } from '../metadata/schema.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';
import type { FileScanTaskInput } from '../task/file-scan-task.ts';
import type { FileStage, RowGroupFilter } from '../task/file-stage.ts';
import { scanTasks, scanTasksIterable, type ScanTaskSource } from './scan-tasks.ts';
import type { ScanTasksOptions } from './scan-options.ts';
import { createScanStats, type ScanStats } from '../task/scan-stats.ts';

/** What a projection-planner factory receives from {@link ArrowScan}. */
export interface ArrowScanProjectionInput {
  readonly schema: Schema;
  readonly caseSensitive: boolean;
  readonly tableMetadata: TableMetadata | undefined;
}

/** Options of {@link ArrowScan}, named after PyIceberg's `ArrowScan` arguments. */
export interface ArrowScanOptions {
  /**
   * The table metadata (`table.metadata`): gives the row filter the full table schema, and the
   * projection the partition specs (identity-partition constants, `_partition`), the name mapping
   * (files without field ids) and every schema (equality-delete columns dropped since).
   */
  readonly tableMetadata?: TableMetadata;
  /** The projected Iceberg schema: the columns to emit, in order. */
  readonly schema: Schema;
  readonly io: FileIO;
  /**
   * Row filter (filter text or expression), bound to the table schema. Applied to every task as its
   * residual unless the task already carries one; also prunes row groups by their statistics.
   */
  readonly rowFilter?: string | Expression;
  /** Case sensitivity of column names in the row filter (default true). */
  readonly caseSensitive?: boolean;
  readonly limit?: number;
  readonly batchSize?: number;
  /** The projection planner, or a factory of it (default: built from schema and metadata). */
  readonly projection?: ProjectionPlanner | ((input: ArrowScanProjectionInput) => ProjectionPlanner);
  /** Delete stage (default: `applyDeletes()`, so the tasks' delete files are applied). */
  readonly deletes?: FileStage;
  readonly rowGroupFilter?: RowGroupFilter;
  /** Further scan options (concurrency, order, signal...). */
  readonly scanOptions?: Omit<ScanTasksOptions, 'io' | 'projection' | 'limit' | 'batchSize' | 'filter' | 'deletes'>;
}

/**
 * Turns file scan tasks into record batches, like PyIceberg's `ArrowScan`, but streaming: batches
 * arrive as row groups are decoded, files are read `concurrency` at a time, and unsubscribing
 * cancels the reads.
 *
 * @example
 * ```ts
 * const scan = new ArrowScan({ tableMetadata: table.metadata, schema: table.schema(), io: table.io, rowFilter: 'id > 5', limit: 100 });
 * const arrowTable = await scan.toTable(tasks);
 * ```
 */
export class ArrowScan {
  /** Stats of the most recent scan started by this object. */
  stats: ScanStats = createScanStats();
  private readonly options: ArrowScanOptions;
  private readonly planner: ProjectionPlanner;
  private readonly filter: ScanFilter | undefined;
  /** The row filter as residual JSON (field ids), given to tasks that carry none. */
  private readonly residual: Expression | undefined;

  constructor(options: ArrowScanOptions) {
    this.options = options;
    const metadata = options.tableMetadata;
    const caseSensitive = options.caseSensitive ?? true;
    const tableSchema = metadata?.schemas.find((s) => s.schemaId === metadata.currentSchemaId) ?? options.schema;
    const nameMapping = metadata ? nameMappingFromProperties(metadata.properties) : undefined;
    if (options.rowFilter !== undefined) {
      this.filter = createScanFilter({
        filter: options.rowFilter,
        schema: tableSchema,
        specs: metadata?.specs ?? [],
        caseSensitive,
        ...(nameMapping !== undefined ? { nameMapping } : {}),
      });
      if (!this.filter.isAlwaysTrue) this.residual = unbindExpression(this.filter.bound);
    }
    const input: ArrowScanProjectionInput = { schema: options.schema, caseSensitive, tableMetadata: metadata };
    const projection =
      options.projection ??
      ((i: ArrowScanProjectionInput) =>
        createProjectionPlanner({
          schema: i.schema,
          caseSensitive: i.caseSensitive,
          ...(nameMapping !== undefined ? { nameMapping } : {}),
          ...(metadata ? { specs: [...metadata.specs], allSchemas: [...metadata.schemas], formatVersion: metadata.formatVersion } : {}),
          extraFieldIds: [...(this.filter?.referencedFieldIds ?? [])],
        }));
    this.planner = typeof projection === 'function' ? projection(input) : projection;
  }

  /** The Arrow schema of every batch. */
  get arrowSchema(): ArrowTable['schema'] {
    return this.planner.schema;
  }

  /** Streams the tasks' rows as record batches (cold; each subscription scans anew). */
  toRecordBatches(tasks: ScanTaskSource): Observable<RecordBatch> {
    return scanTasks(this.withResidual(tasks), this.scanOptions());
  }

  /** Streams the tasks' rows as a pull-based async iterable. */
  toRecordBatchIterable(tasks: ScanTaskSource): AsyncIterable<RecordBatch> {
    return scanTasksIterable(this.withResidual(tasks), this.scanOptions());
  }

  /** Reads the tasks' rows into one Arrow table (materializes; prefer the streaming methods). */
  async toTable(tasks: ScanTaskSource): Promise<ArrowTable> {
    const batches = await lastValueFrom(this.toRecordBatches(tasks).pipe(toArray()));
    return batches.length > 0 ? new ArrowTable(batches) : new ArrowTable(this.planner.schema);
  }

  private withResidual(tasks: ScanTaskSource): ScanTaskSource {
    const residual = this.residual;
    if (residual === undefined) return tasks;
    return from(tasks as ObservableInput<FileScanTaskInput>).pipe(
      map((task) => (task.residual === undefined ? { ...task, residual } : task)),
    );
  }

  private scanOptions(): ScanTasksOptions {
    this.stats = createScanStats();
    const filter = this.filter;
    return {
      ...this.options.scanOptions,
      io: this.options.io,
      projection: this.planner,
      limit: this.options.limit,
      batchSize: this.options.batchSize,
      deletes: this.options.deletes ?? applyDeletes(),
      ...(filter && !filter.isAlwaysTrue ? { filter: filter.filterStage } : {}),
      rowGroupFilter: this.options.rowGroupFilter ?? this.options.scanOptions?.rowGroupFilter ?? (filter && !filter.isAlwaysTrue ? filter.rowGroupFilter : undefined),
      pageFilter: this.options.scanOptions?.pageFilter ?? (filter && !filter.isAlwaysTrue ? filter.pageFilter : undefined),
      stats: this.stats,
    };
  }
}
