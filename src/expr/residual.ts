/**
 * Residuals: what is left of a row filter for one file once its partition tuple is known. Each
 * predicate becomes `true` when the strict projection holds for the file's partition (every row
 * matches it), `false` when the inclusive projection fails (no row can), and stays otherwise.
 */
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { ContentFile } from '../metadata/content-file.ts';
import type { AbsentColumns } from './absent-column.ts';
import { FALSE, mapPredicates, TRUE, type BoundExpression, type BoundPredicate } from './bind.ts';
import { evaluatePartition } from './metrics-evaluator.ts';
import { projectPredicate } from './project.ts';

/**
 * The residual of `filter` for a file of partition spec `spec`.
 *
 * @param filter The bound row filter.
 * @param spec The file's partition spec.
 * @param file The file (its `partition` tuple is read).
 * @param absent The scan's fill rules: null values of partitions whose source column has an
 *   `initial-default` decide nothing (a file lacking the column reads the default).
 * @returns A bound expression: `true` (no row filtering needed), `false` (skip the file) or the
 *   predicates that still need evaluating on rows.
 */
export function residualFor(filter: BoundExpression, spec: PartitionSpec, file: ContentFile, absent?: AbsentColumns): BoundExpression {
  return residualEvaluator(filter, spec, absent)(file);
}

/**
 * Prepares the residual computation of `filter` for many files of one spec: the strict and
 * inclusive projections of every predicate are computed once.
 */
export function residualEvaluator(filter: BoundExpression, spec: PartitionSpec, absent?: AbsentColumns): (file: ContentFile) => BoundExpression {
  if (spec.fields.length === 0) return () => filter;
  const projections = new Map<BoundPredicate, { strict: BoundExpression; inclusive: BoundExpression }>();
  const projectionsOf = (p: BoundPredicate) => {
    let pr = projections.get(p);
    if (!pr) {
      pr = { strict: projectPredicate(p, spec, 'strict'), inclusive: projectPredicate(p, spec, 'inclusive') };
      projections.set(p, pr);
    }
    return pr;
  };
  const nullIsUnknown = absent?.nullIsUnknown(spec);
  return (file) =>
    mapPredicates(filter, (p) => {
      const { strict, inclusive } = projectionsOf(p);
      if (strict.op !== 'false' && evaluatePartition(strict, file, false, nullIsUnknown)) return TRUE;
      if (inclusive.op !== 'true' && !evaluatePartition(inclusive, file, true, nullIsUnknown)) return FALSE;
      return p;
    });
}
