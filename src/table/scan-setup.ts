/**
 * The parts of a scan's set-up that every way of reading a table's tasks shares — a local
 * `TableScan` and a distributed worker reading one task of a dispatched scan — so both read a task
 * exactly alike: the filter bound by the table's filter plugin, the projection with the helper
 * columns the filter and equality deletes need, the delete-plugin check, and the read options.
 */
import { IcebergScanError } from '../errors.ts';
import { createProjectionPlanner } from '../projection/create-projection-planner.ts';
import type { Schema } from '../metadata/schema.ts';
import type { ScanTasksOptions } from '../scan/scan-options.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { ProjectionPlanner } from '../task/file-projection.ts';
import type { ScanStats } from '../task/scan-stats.ts';
import type { BoundFilterPlan } from './scan-plugins.ts';
import type { ScanSource } from './table-scan.ts';

/**
 * Binds `filter` to `schema` with the table's filter plugin (no filter: nothing bound).
 *
 * @throws IcebergScanError `feature_unsupported` when there is a filter but no filter plugin.
 */
export function bindFilter(table: ScanSource, schema: Schema, filter: unknown, caseSensitive: boolean): BoundFilterPlan {
  if (filter === undefined) return {};
  const plugin = table.plugins.filter;
  if (plugin === undefined) {
    throw new IcebergScanError('feature_unsupported', 'this scan has a filter but no filter plugin is installed', {
      expected: 'loadTable(..., { plugins: { filter } })',
    });
  }
  return plugin(filter, { schema, specs: table.metadata.specs, metadata: table.metadata, caseSensitive });
}

/** What a scan reads of `schema`. */
export interface ProjectionChoice {
  /** Selected columns (default all). */
  readonly select?: readonly string[] | undefined;
  readonly caseSensitive: boolean;
  /** Helper columns read after the output ones (filter residuals, equality delete keys). */
  readonly extraFieldIds: Iterable<number>;
  /** No output column, only the helpers (counting). */
  readonly countOnly?: boolean;
}

/** The projection of a scan of `table` with `schema`: output columns, then the helpers (deduplicated, sorted). */
export function scanProjection(table: ScanSource, schema: Schema, choice: ProjectionChoice): ProjectionPlanner {
  const { metadata } = table;
  const nameMapping = table.nameMapping();
  return createProjectionPlanner({
    schema,
    ...(choice.countOnly === true ? { select: [] } : choice.select !== undefined ? { select: [...choice.select] } : {}),
    caseSensitive: choice.caseSensitive,
    ...(nameMapping !== undefined ? { nameMapping } : {}),
    specs: [...metadata.specs],
    allSchemas: [...metadata.schemas],
    formatVersion: metadata.formatVersion,
    extraFieldIds: [...new Set(choice.extraFieldIds)].sort((a, b) => a - b),
  });
}

/**
 * `task`, when the table can apply its delete files.
 *
 * @throws IcebergScanError `feature_unsupported` for a task with deletes and no delete plugin.
 */
export function checkDeletePlugin(table: ScanSource, task: FileScanTask): FileScanTask {
  if (task.deletes.length > 0 && table.plugins.deletes === undefined) {
    throw new IcebergScanError('feature_unsupported', 'data file has delete files but no delete plugin is installed', {
      path: task.dataFile.path,
      expected: 'loadTable(..., { plugins: { deletes } })',
      context: { deleteFiles: task.deletes.length },
    });
  }
  return task;
}

/** The tunables of reading tasks that a caller may set. */
export type ReadTunables = Pick<ScanTasksOptions, 'batchSize' | 'concurrency' | 'limit' | 'order' | 'decodeWorkers' | 'readAheadBytes'>;

/** The options of `scanTasks` for a scan of `table`: its FileIO, the projection, the bound filter's stages and the delete stage. */
export function readOptions(table: ScanSource, projection: ProjectionPlanner, bound: BoundFilterPlan, signal: AbortSignal, stats: ScanStats, tunables: ReadTunables): ScanTasksOptions & { readonly stats: ScanStats } {
  const deletes = table.plugins.deletes;
  const set = Object.fromEntries(Object.entries(tunables).filter(([, v]) => v !== undefined)) as ReadTunables;
  return {
    io: table.io,
    projection,
    signal,
    stats,
    ...set,
    ...(deletes !== undefined ? { deletes } : {}),
    ...(bound.stage !== undefined ? { filter: bound.stage } : {}),
    ...(bound.rowGroupFilter !== undefined ? { rowGroupFilter: bound.rowGroupFilter } : {}),
    ...(bound.pageFilter !== undefined ? { pageFilter: bound.pageFilter } : {}),
  };
}
