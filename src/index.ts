/**
 * iceberg-rx public surface: named re-exports only, in data-flow order
 * (table metadata → planning → per-file read → projection → deletes → filter → limit → consumers).
 */

// Errors and I/O
export { IcebergScanError, isIcebergScanError } from './errors.ts';
export type { ErrorCode, ErrorContext, IcebergScanErrorOptions } from './errors.ts';
export { CountingFileIO } from './io/input-file.ts';
export type { FileIO, InputFile, FileReadStats } from './io/input-file.ts';
export { LocalFileIO, LocalInputFile } from './io/local-file-io.ts';
export { TableFileIO } from './io/table-file-io.ts';

// Table metadata
export { loadTable } from './table/load-table.ts';
export type { LoadTableOptions } from './table/load-table.ts';
export { Table } from './table/table.ts';
export type { ScanPlugins } from './table/table.ts';
export { defaultScanPlugins } from './table/default-plugins.ts';
export type { TableMetadata } from './metadata/table-metadata.ts';
export type { Snapshot, SnapshotId } from './metadata/snapshot.ts';
export type { PartitionSpec } from './metadata/partition-spec.ts';
export type { Schema, NestedField, IcebergType } from './metadata/schema.ts';
export { parseNameMapping } from './metadata/name-mapping.ts';
export type { NameMapping } from './metadata/name-mapping.ts';

// Planning
export { TableScan } from './table/table-scan.ts';
export type { TableScanOptions } from './table/table-scan.ts';
export type { SnapshotSelection } from './table/select-snapshot.ts';
export { planFiles } from './scan/plan-files.ts';
export type { PlanFilesOptions, PlanPruning } from './scan/plan-files.ts';
export { FileScanTask } from './task/file-scan-task.ts';
export { ContentFile } from './metadata/content-file.ts';
export type { FileScanTaskInput } from './task/file-scan-task.ts';
export type { DataFile, DeleteFile } from './metadata/content-file.ts';

// Reading tasks
export { scanTasks, scanTasksIterable } from './scan/scan-tasks.ts';
export type { ScanTaskSource } from './scan/scan-tasks.ts';
export { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, DEFAULT_HIGH_WATER_MARK } from './scan/scan-options.ts';
export type { ScanTasksOptions } from './scan/scan-options.ts';
export { ArrowScan } from './scan/arrow-scan.ts';
export type { ArrowScanOptions } from './scan/arrow-scan.ts';
export type { ScanStats } from './task/scan-stats.ts';
export type { FileStage, FileStageContext, RowGroupFilter } from './task/file-stage.ts';
export type { FileBatch } from './task/file-batch.ts';
export { configureSharedWorkerDecoder, closeSharedWorkerDecoder } from './read/worker/decode-isolated.ts';

// Projection
export { createProjectionPlanner } from './projection/create-projection-planner.ts';
export type { ProjectionPlanner, FileProjection } from './task/file-projection.ts';

// Filters
export { parseFilter } from './expr/parse-filter.ts';
export {
  and, or, not, alwaysTrue, alwaysFalse, eq, notEq, lt, ltEq, gt, gtEq, isIn, notIn,
  isNull, notNull, isNaN, notNaN, startsWith, notStartsWith,
} from './expr/expression.ts';
export type { Expression } from './expr/expression.ts';

// Operators
export { applyDeletes } from './operators/apply-deletes.ts';
export { filterRows } from './operators/filter-rows.ts';
export { limitRows } from './operators/limit-rows.ts';
export { mergeMapInOrder } from './operators/merge-map-in-order.ts';

// Output formats
export { createNdjsonFormatter } from './format/ndjson.ts';
export { createCsvFormatter } from './format/csv.ts';
