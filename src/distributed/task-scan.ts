/**
 * Reading one task on a worker exactly as `TableScan` reads it locally (the shared set-up of
 * src/table/scan-setup.ts): the scan's schema (by id), the filter bound by the table's filter
 * plugin (row-group and page pruning, the residual stage), the table's delete stage, and the
 * projection with the helper columns that filter and this task's equality deletes need (dropped
 * before the batches leave the pipeline).
 */
import type { RecordBatch, Schema as ArrowSchema } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import type { Schema as IcebergSchema } from '../metadata/schema.ts';
import { scanTasksIterable } from '../scan/scan-tasks.ts';
import { bindFilter, checkDeletePlugin, readOptions, scanProjection } from '../table/scan-setup.ts';
import type { Table } from '../table/table.ts';
import type { BoundFilterPlan } from '../table/scan-plugins.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { createScanStats, type ScanStats } from '../task/scan-stats.ts';
import type { ScanSpec } from './task-job.ts';
import { Schema } from 'apache-arrow';

/** Tunables a worker applies to every task it reads. */
export interface TaskReadOptions {
  /** Decode worker threads of this process (default one per core; 0 decodes on the main thread). */
  readonly decodeWorkers?: number;
  /** Compressed bytes of fetched, undecoded row groups held at most per task. */
  readonly readAheadBytes?: number;
}

/** One task's read: the output schema and the batches, pulled with bounded read-ahead. */
export interface TaskRead {
  readonly arrowSchema: ArrowSchema;
  readonly batches: AsyncIterable<RecordBatch>;
  readonly stats: ScanStats;
}

/** Binds the scan's filter with the table's filter plugin (once per scan and table on a worker). */
export function bindScanFilter(table: Table, spec: ScanSpec): BoundFilterPlan {
  return bindFilter(table, scanSchema(table, spec), spec.filter, spec.caseSensitive);
}

function scanSchema(table: Table, spec: ScanSpec): IcebergSchema {
  const schema = table.metadata.schemas.find((s) => s.schemaId === spec.schemaId);
  if (schema === undefined) {
    throw new IcebergScanError('not_found', `the table has no schema ${spec.schemaId}`, { path: table.metadataLocation, context: { schemaId: spec.schemaId } });
  }
  return schema;
}

/**
 * Reads `task` of the scan `spec` over `table`, set up as `TableScan` sets up a local scan
 * (src/table/scan-setup.ts), one file at a time.
 *
 * @param bound The scan's bound filter ({@link bindScanFilter}).
 * @param signal Aborts the read (error code `aborted`).
 */
export function readTask(table: Table, spec: ScanSpec, bound: BoundFilterPlan, task: FileScanTask, options: TaskReadOptions, signal: AbortSignal): TaskRead {
  checkDeletePlugin(table, task);
  const equalityIds = task.deletes.flatMap((d) => (d.content === 'equality_deletes' ? (d.equalityIds ?? []) : []));
  const projection = scanProjection(table, scanSchema(table, spec), {
    select: spec.select,
    caseSensitive: spec.caseSensitive,
    extraFieldIds: [...(bound.extraFieldIds ?? []), ...equalityIds],
  });
  const stats = createScanStats();
  const scanOptions = readOptions(table, projection, bound, signal, stats, { concurrency: 1, batchSize: spec.batchSize, decodeWorkers: options.decodeWorkers, readAheadBytes: options.readAheadBytes });
  return {
    arrowSchema: new Schema(projection.schema.fields.slice(0, projection.outputColumns)),
    batches: scanTasksIterable([task], scanOptions),
    stats,
  };
}
