/**
 * Which columns the delete stage needs besides the selected ones: the equality delete field ids of a
 * task, or of a whole scan, for the projection to add as helper columns.
 */
import type { FileScanTask } from '../scan/file-scan-task.ts';

/**
 * The field ids the equality deletes of `task` compare, ascending and distinct. The projection
 * must put a column for each into every batch of the task (as a helper column when not selected),
 * also when the field was dropped from the table schema since (read it by id from the data file;
 * null when the file lacks it).
 *
 * @param task A planned task.
 * @returns Field ids; empty when the task has no equality deletes.
 */
export function deleteFieldIds(task: FileScanTask): number[] {
  const ids = new Set<number>();
  for (const d of task.deletes) if (d.content === 'equality_deletes') for (const id of d.equalityIds ?? []) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/**
 * The union of {@link deleteFieldIds} over `tasks`: the helper columns a scan's projection must
 * append (`createProjectionPlanner({ extraFieldIds })`) so every batch carries its equality columns.
 *
 * @param tasks All tasks of the scan (planning must be complete).
 * @returns Field ids, ascending and distinct.
 */
export function equalityFieldIds(tasks: Iterable<FileScanTask>): number[] {
  const ids = new Set<number>();
  for (const t of tasks) for (const id of deleteFieldIds(t)) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}
