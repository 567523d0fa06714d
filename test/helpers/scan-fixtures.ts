/**
 * Test helper: file scan tasks for local files and small batch utilities shared by scan tests.
 */
import type { RecordBatch } from 'apache-arrow';
import type { FileScanTask, FileScanTaskInput } from '../../src/task/file-scan-task.ts';
import { createScanStats } from '../../src/task/scan-stats.ts';
import type { ReadDataFileContext } from '../../src/read/read-context.ts';
import type { FileIO } from '../../src/io/input-file.ts';
import type { ProjectionPlanner } from '../../src/task/file-projection.ts';

/** A data-file task for a local Parquet file (optionally a byte split). */
export function dataTask(path: string, size: number, rows: number, split?: { start: number; length: number }): FileScanTask {
  const input: FileScanTaskInput = {
    dataFile: { content: 'data', path, format: 'parquet', recordCount: rows, fileSizeInBytes: size, specId: 0 },
    ...split,
  };
  return { deletes: [], ...input, dataFile: { partition: {}, ...input.dataFile } } as FileScanTask;
}

/** A read context with fresh stats and a never-aborting signal. */
export function readContext(io: FileIO, projection: ProjectionPlanner, batchSize: number, signal = new AbortController().signal): ReadDataFileContext {
  return { io, projection, batchSize, signal, stats: createScanStats() };
}

/** Values of column `name` across batches, as plain JS values (bigints become numbers). */
export function columnValues(batches: readonly RecordBatch[], name: string): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    const v = b.getChild(name);
    if (v === null) throw new Error(`no column ${name}`);
    for (const x of Array.from(v.toArray() as ArrayLike<unknown>)) out.push(typeof x === 'bigint' ? Number(x) : x);
  }
  return out;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
