/**
 * iceberg-rx public surface: named re-exports only, in data-flow order
 * (table metadata → planning → per-file read → projection → filter → deletes).
 *
 * Every name exported here has a doc comment and appears in README.md (test/package/public-surface.test.ts
 * checks both); the rest of src/ is internal. `npm run docs` renders this surface with TypeDoc.
 *
 * @packageDocumentation
 */

// Errors and I/O
export { IcebergScanError, isIcebergScanError } from './errors.ts';
export type { ErrorCode, ErrorContext, IcebergScanErrorOptions } from './errors.ts';
export type { FileIO, InputFile, ReadObserver } from './io/input-file.ts';
export { LocalFileIO } from './io/local-file-io.ts';
export { S3FileIO, type S3FileIOOptions } from './io/s3-file-io.ts';
export { HttpFileIO, type HttpFileIOOptions } from './io/http-file-io.ts';
export { SchemeFileIO, type SchemeFileIOOptions } from './io/scheme-file-io.ts';
export type { TableFileIO } from './io/table-file-io.ts';

// Table metadata
export { loadTable } from './table/load-table.ts';
export type { LoadTableOptions } from './table/load-table.ts';
export { Table } from './table/table.ts';
export type { TableSource } from './table/table.ts';
export type { TableMetadata } from './metadata/table-metadata.ts';
export type { Snapshot, SnapshotId, SnapshotRef, SnapshotLogEntry } from './metadata/snapshot.ts';
export type { PartitionSpec, PartitionField } from './metadata/partition-spec.ts';
export type { Schema, NestedField, IcebergType, PrimitiveType, StructType, ListType, MapType } from './metadata/schema.ts';
export type { NameMapping, MappedField } from './metadata/name-mapping.ts';

// Catalogs
export { connectCatalog } from './catalog/connect-catalog.ts';
export type { CatalogOptions, NamedCatalogOptions } from './catalog/connect-catalog.ts';
export type { Catalog, CatalogLoadOptions, Namespace, TableIdentifier } from './catalog/catalog.ts';
export type { CatalogTableOptions } from './catalog/catalog-table.ts';
export type { RestCatalogOptions } from './catalog/rest-catalog.ts';
export type { RestRetryOptions } from './catalog/rest-http.ts';
export type { SqlCatalogOptions } from './catalog/sql-catalog.ts';
export type { PyIcebergConfigSources } from './catalog/pyiceberg-config.ts';

// Planning
export { TableScan } from './table/table-scan.ts';
export type { TableScanOptions } from './table/table-scan.ts';
export type { SnapshotSelection } from './table/select-snapshot.ts';
export type { FileScanTask, FileScanTaskInput } from './task/file-scan-task.ts';
export type { ContentFile, DataFile, DeleteFile } from './metadata/content-file.ts';

// Incremental scans and live tails
export type { TableCommit, WatchOptions, WatchCheckpoint } from './watch/watch-table.ts';
export type { RefreshRetryOptions } from './watch/refresh-retry.ts';

// Reading tasks
export { scanTasks, scanTasksIterable } from './scan/scan-tasks.ts';
export type { ScanTaskSource } from './scan/scan-tasks.ts';
export type { ScanTasksOptions } from './scan/scan-options.ts';
export { ArrowScan } from './scan/arrow-scan.ts';
export type { ArrowScanOptions, ArrowScanProjectionInput } from './scan/arrow-scan.ts';
export type { ScanStats } from './task/scan-stats.ts';
export type { FileStage, FileStageContext, RowGroupFilter, PageFilter, PageIndexes, RowRange } from './task/file-stage.ts';
export type { FileBatch } from './task/file-batch.ts';
export { closeSharedDecodePool } from './read/decoder/decode-pool.ts';

// Projection
export { createProjectionPlanner } from './projection/create-projection-planner.ts';
export type { ProjectionPlannerOptions } from './projection/create-projection-planner.ts';
export type { ProjectionPlanner, FileProjection } from './task/file-projection.ts';

// Filters
export { parseFilter } from './expr/parse-filter.ts';
export {
  and, or, not, alwaysTrue, alwaysFalse, eq, notEq, lt, ltEq, gt, gtEq, isIn, notIn,
  isNull, notNull, isNaN, notNaN, startsWith, notStartsWith,
} from './expr/expression.ts';
export type { Expression } from './expr/expression.ts';

// Deletes
export { applyDeletes } from './operators/apply-deletes.ts';
export type { ApplyDeletesOptions } from './operators/apply-deletes.ts';
