/**
 * Deterministic BullMQ job ids: a scan's id hashes what decides its output (table metadata file,
 * schema, columns, filter, output), a task's id adds what decides the task (file, byte range,
 * delete files). Dispatching the same scan again therefore adds no job: BullMQ ignores a job whose
 * id exists. Ids contain no `:` (BullMQ's key separator) and are not integers.
 */
import { createHash } from 'node:crypto';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { OutputSpec, ScanSpec, TableReference } from './task-job.ts';

/** JSON with sorted object keys and bigints as strings, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

const hash = (text: string, chars: number): string => createHash('sha256').update(text).digest('hex').slice(0, chars);

/** The id of a scan's parent job: `scan-<20 hex>`. */
export function scanJobId(table: TableReference, scan: ScanSpec, output: OutputSpec | undefined): string {
  return `scan-${hash(canonicalJson({ table, scan, output: output ?? null }), 20)}`;
}

/** The key of a task within its scan: 16 hex digits of its file, range and delete files. */
export function taskKey(task: FileScanTask): string {
  return hash(canonicalJson({ path: task.dataFile.path, start: task.start ?? null, length: task.length ?? null, deletes: task.deletes.map((d) => d.path).sort() }), 16);
}

/** The id of a task job: `<scan id>-<task key>`. */
export function taskJobId(scanId: string, task: FileScanTask): string {
  return `${scanId}-${taskKey(task)}`;
}

/** The output file name of task `index`: `part-00007-<task key>.<ext>`, the same on every attempt. */
export function outputFileName(index: number, task: FileScanTask, extension: string): string {
  return `part-${String(index).padStart(5, '0')}-${taskKey(task)}.${extension}`;
}
