/**
 * `filterRows`: the residual-filter stage of the per-file pipeline: keeps the rows of each batch
 * that match the task's residual filter.
 */
import { filter, identity, map, throwError, type OperatorFunction } from 'rxjs';
import { IcebergScanError, isIcebergScanError } from '../errors.ts';
import { takeRows } from '../deletes/take-rows.ts';
import { bindExpression, type BoundExpression } from '../expr/bind.ts';
import { evaluateRows } from '../expr/evaluate-rows.ts';
import type { Expression } from '../expr/expression.ts';
import { keptRowPositions, type FileBatch } from '../task/file-batch.ts';
import type { FileStage } from '../task/file-stage.ts';
import type { StructType } from '../metadata/schema.ts';

/** Options of {@link filterRows}. */
export interface FilterRowsOptions {
  /** The schema the residuals are bound to (the scan's snapshot schema). */
  readonly schema: StructType;
  /** Name matching when a residual names columns without field ids (default true). */
  readonly caseSensitive?: boolean;
}

/** Binds a task's residual JSON (cached by its text), or undefined when it keeps every row. */
export function residualBinder(options: FilterRowsOptions): (residual: unknown, path: string) => BoundExpression | undefined {
  const cache = new Map<string, BoundExpression>();
  return (residual, path) => {
    if (residual === undefined || residual === null) return undefined;
    const key = JSON.stringify(residual);
    let bound = cache.get(key);
    if (bound === undefined) {
      try {
        bound = bindExpression(residual as Expression, options.schema, { caseSensitive: options.caseSensitive ?? true });
      } catch (error) {
        if (isIcebergScanError(error)) {
          throw new IcebergScanError(error.code, `residual of ${path}: ${error.message}`, { path, context: error.context, cause: error });
        }
        throw error;
      }
      cache.set(key, bound);
    }
    return bound.op === 'true' ? undefined : bound;
  };
}

/**
 * The residual-filter stage: drops the rows of each batch that do not match the task's residual.
 *
 * A task without residual (or a residual of `true`) passes through untouched. Otherwise each batch
 * is evaluated (vectorised over its Arrow columns, filter-only helper columns included); a batch
 * whose rows all match is emitted as is, a batch with no match is dropped (empty batches are never
 * emitted), and the others are re-emitted with the matching rows only. `stats.rowsFiltered` counts
 * the rows removed.
 *
 *     source:      --a(4)---b(3)---c(2)--|
 *     filterRows:  --a'(2)-----------c(2)|      (no row of b matches; every row of c does)
 *
 * Completes and errors with the source; an invalid residual or a filter column missing from the
 * batch errors with an `IcebergScanError`. Unsubscribing unsubscribes from the source.
 *
 * @example
 * ```ts
 * const stage = filterRows({ schema });
 * const batches$ = scanTasks(tasks, { io, projection, filter: stage });
 * // tasks carry residual JSON, e.g. { op: 'gt', term: 'id', value: 5 }
 * ```
 * @param options The schema residuals are bound to.
 * @returns A {@link FileStage}.
 */
export function filterRows(options: FilterRowsOptions): FileStage {
  const bindResidual = residualBinder(options);
  return (task, context): OperatorFunction<FileBatch, FileBatch> => {
    let residual: BoundExpression | undefined;
    try {
      residual = bindResidual(task.residual, task.dataFile.path);
    } catch (error) {
      return () => throwError(() => error);
    }
    if (residual === undefined) return identity;
    const bound = residual;
    const { stats } = context;
    return (source) =>
      source.pipe(
        map((input: FileBatch): FileBatch | undefined => {
          const n = input.batch.numRows;
          if (n === 0) return undefined;
          const selection = evaluateRows(bound, input.batch);
          let kept = 0;
          for (let i = 0; i < n; i++) kept += selection[i];
          stats.rowsFiltered += n - kept;
          if (kept === n) return input;
          if (kept === 0) return undefined;
          const indices = new Int32Array(kept);
          for (let i = 0, j = 0; i < n; i++) if (selection[i]) indices[j++] = i;
          return { ...input, batch: takeRows(input.batch, indices), ...keptRowPositions(input.firstRowPosition, input.rowOffsets, indices) };
        }),
        filter((b): b is FileBatch => b !== undefined),
      );
  };
}
