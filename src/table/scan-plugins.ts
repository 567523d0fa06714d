/**
 * The seams through which filters and deletes join a table scan: a filter plugin binds the scan's
 * filter once and returns pruning hooks plus a row stage; a delete plugin is a `FileStage`.
 */
import type { FileStage, PageFilter, RowGroupFilter } from '../task/file-stage.ts';
import type { PlanPruning } from '../scan/plan-files.ts';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { Schema } from '../metadata/schema.ts';
import type { TableMetadata } from '../metadata/table-metadata.ts';

/** What a filter plugin binds against. */
export interface FilterPluginContext {
  /** The schema the scan reads with (the snapshot's for time travel). */
  readonly schema: Schema;
  readonly specs: readonly PartitionSpec[];
  readonly metadata: TableMetadata;
  readonly caseSensitive: boolean;
}

/** A bound filter: pruning hooks for planning, and the stages that drop rows while reading. */
export interface BoundFilterPlan extends PlanPruning {
  /** Removes non-matching rows of each file (applies `task.residual`). */
  readonly stage?: FileStage;
  /** Skips row groups by footer statistics. */
  readonly rowGroupFilter?: RowGroupFilter;
  /** Skips pages (rows) by the Parquet page indexes. */
  readonly pageFilter?: PageFilter;
  /** Field ids the filter needs although not selected (read as helper columns). */
  readonly extraFieldIds?: readonly number[];
}

/** Plugins of a table scan. A scan with a filter or with delete files and no plugin for it fails with `feature_unsupported`. */
export interface ScanPlugins {
  /** Binds `filter` (expression JSON or filter text) for one scan. */
  readonly filter?: (filter: unknown, context: FilterPluginContext) => BoundFilterPlan;
  /** Applies the delete files attached to each task. */
  readonly deletes?: FileStage;
}
