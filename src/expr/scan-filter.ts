/**
 * `createScanFilter`: one row filter prepared for every level of a scan — manifests, data and
 * delete files, residuals, Parquet row groups and rows — all bound once to the scan's schema.
 */
import type { FileMetaData } from 'hyparquet';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { NameMapping } from '../metadata/name-mapping.ts';
import type { StructType } from '../metadata/schema.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { ContentFile } from '../metadata/content-file.ts';
import type { FileStage, PageFilter, PageIndexes, RowGroupFilter, RowRange } from '../task/file-stage.ts';
import { filterRows, residualBinder } from '../operators/filter-rows.ts';
import { absentColumns } from './absent-column.ts';
import { bindExpression, referencedFieldIds, unbindExpression, type BoundExpression } from './bind.ts';
import type { Expression } from './expression.ts';
import { manifestMightMatch, type ManifestSummaryInput } from './manifest-evaluator.ts';
import { evaluatePartition, metricsMightMatch } from './metrics-evaluator.ts';
import { projectExpression } from './project.ts';
import { parseFilter } from './parse-filter.ts';
import { residualEvaluator } from './residual.ts';
import { rowGroupMightMatch } from './row-group-evaluator.ts';
import { pageRowRanges } from './page-evaluator.ts';

/** Options of {@link createScanFilter}. */
export interface ScanFilterOptions {
  /** The row filter: filter text (see `parseFilter`) or an expression tree. Absent: all rows. */
  readonly filter?: string | Expression;
  /** The schema of the scanned snapshot. */
  readonly schema: StructType;
  /** Every partition spec of the table (files and manifests name theirs by id). */
  readonly specs: readonly PartitionSpec[];
  /** Match column names case-sensitively (default true). */
  readonly caseSensitive?: boolean;
  /** The table's name mapping: row-group pruning of files written without field ids uses it. */
  readonly nameMapping?: NameMapping;
}

/** A manifest-list entry as the manifest evaluator needs it. */
export interface ManifestForPruning extends ManifestSummaryInput {
  readonly partitionSpecId: number;
}

/** The row filter of one scan, ready for every pruning level. */
export interface ScanFilter {
  /** The bound filter (`{ op: 'true' }` when there is none). */
  readonly bound: BoundExpression;
  /** True when the filter keeps every row (then nothing needs pruning or filtering). */
  readonly isAlwaysTrue: boolean;
  /** Field ids the filter reads: the projection must read them (as helper columns if not selected). */
  readonly referencedFieldIds: readonly number[];
  /** False when no file listed by the manifest can hold a matching row (skip the manifest). */
  manifestMatches(manifest: ManifestForPruning): boolean;
  /**
   * False when the data or delete file cannot hold a matching row: by its partition tuple
   * (inclusive projection through its own spec) and its column metrics.
   */
  fileMatches(file: ContentFile): boolean;
  /**
   * The residual JSON to put in the file's `FileScanTask.residual`: `undefined` when every row of
   * the file matches (no row filtering), `{ op: 'false' }` when none can (skip the file).
   */
  residualFor(file: ContentFile): Expression | undefined;
  /** Row-group pruning by Parquet statistics against each task's residual. */
  readonly rowGroupFilter: RowGroupFilter;
  /** Page pruning by the Parquet page indexes against each task's residual. */
  readonly pageFilter: PageFilter;
  /** The residual row-filter stage (see `filterRows`). */
  readonly filterStage: FileStage;
}

/**
 * Parses (when given text) and binds a scan's row filter once, and returns the functions the
 * planner and the reader call.
 *
 * @throws IcebergScanError `invalid_argument` for a filter that does not parse or bind, with the
 *   offending column and offset in `context`.
 */
export function createScanFilter(options: ScanFilterOptions): ScanFilter {
  const caseSensitive = options.caseSensitive ?? true;
  const expr = options.filter === undefined ? { op: 'true' as const } : typeof options.filter === 'string' ? parseFilter(options.filter) : options.filter;
  const bound = bindExpression(expr, options.schema, { caseSensitive });
  const specs = new Map(options.specs.map((s) => [s.specId, s]));
  // How the reader fills columns a file lacks: metrics and partition nulls are judged against it.
  const absent = absentColumns(options.schema, options.specs);
  const isAlwaysTrue = bound.op === 'true';
  const bindResidual = residualBinder({ schema: options.schema, caseSensitive });
  const boundFor = (task: FileScanTask): BoundExpression | undefined => bindResidual(task.residual, task.dataFile.path);
  // Projections depend on the spec only: computed once per spec, not once per file.
  const inclusive = new Map<number, BoundExpression>();
  const inclusiveFor = (spec: PartitionSpec): BoundExpression => {
    let e = inclusive.get(spec.specId);
    if (e === undefined) inclusive.set(spec.specId, (e = projectExpression(bound, spec, 'inclusive')));
    return e;
  };
  const residuals = new Map<number, (file: ContentFile) => BoundExpression>();
  const residualOf = (spec: PartitionSpec, file: ContentFile): BoundExpression => {
    let r = residuals.get(spec.specId);
    if (r === undefined) residuals.set(spec.specId, (r = residualEvaluator(bound, spec, absent)));
    return r(file);
  };

  return {
    bound,
    isAlwaysTrue,
    referencedFieldIds: [...referencedFieldIds(bound)].sort((a, b) => a - b),
    manifestMatches(manifest) {
      if (isAlwaysTrue) return true;
      if (bound.op === 'false') return false;
      const spec = specs.get(manifest.partitionSpecId);
      return spec === undefined ? true : manifestMightMatch(bound, spec, manifest, inclusiveFor(spec), absent);
    },
    fileMatches(file) {
      if (isAlwaysTrue) return true;
      if (bound.op === 'false') return false;
      const spec = specs.get(file.specId);
      if (spec !== undefined && !evaluatePartition(inclusiveFor(spec), file, true, absent.nullIsUnknown(spec))) return false;
      return metricsMightMatch(bound, file, absent);
    },
    residualFor(file) {
      if (isAlwaysTrue) return undefined;
      const spec = specs.get(file.specId);
      const residual = spec === undefined ? bound : residualOf(spec, file);
      return residual.op === 'true' ? undefined : unbindExpression(residual);
    },
    rowGroupFilter(task: FileScanTask, footer: FileMetaData, rowGroupIndex: number): boolean {
      const residual = boundFor(task);
      return residual === undefined ? true : rowGroupMightMatch(residual, footer, rowGroupIndex, options.nameMapping);
    },
    pageFilter(task: FileScanTask, footer: FileMetaData, rowGroupIndex: number, pages: PageIndexes): readonly RowRange[] | undefined {
      const residual = boundFor(task);
      return residual === undefined ? undefined : pageRowRanges(residual, footer, rowGroupIndex, pages, options.nameMapping);
    },
    filterStage: filterRows({ schema: options.schema, caseSensitive }),
  };
}
