/**
 * What travels through Redis: the zod schemas of a scan task job (the table to load, how to read
 * it, the file scan task, where its output goes) and of the result a worker returns. Plain JSON,
 * validated on both ends, so a worker of another version refuses a job it cannot read instead of
 * reading it wrongly.
 */
import { z } from 'zod';
import { FileScanTask } from '../task/file-scan-task.ts';

/** BullMQ job name of a scan's parent job (it completes when every task job has). */
export const SCAN_JOB_NAME = 'iceberg-rx.scan';
/** BullMQ job name of one file scan task. */
export const TASK_JOB_NAME = 'iceberg-rx.task';
/** Version of the job data layout; a worker refuses other versions. */
export const JOB_DATA_VERSION = 1;

/**
 * How a worker finds the table: the metadata file the scan was planned from (never the table folder,
 * so a commit after planning cannot change what a task reads) and the non-secret location options.
 * Credentials stay with the workers (their FileIO properties), never in Redis.
 */
export const TableReference = z.object({
  /** The metadata file (`…/metadata/v3.metadata.json`, `s3://…`). */
  location: z.string().min(1),
  locationMap: z.record(z.string(), z.string()).optional(),
  allowedLocations: z.union([z.array(z.string()), z.literal('*')]).optional(),
});
/** How a worker finds a scan's table (see the schema above). */
export type TableReference = z.infer<typeof TableReference>;

/** How every task of the scan is read: the same projection, filter and batch size as a local scan. */
export const ScanSpec = z.object({
  /** The Iceberg schema the scan reads with (the snapshot's schema, or the current one). */
  schemaId: z.number().int(),
  /** Column names; absent: every column. */
  select: z.array(z.string()).optional(),
  /** The scan's filter (filter text or expression JSON); prunes row groups and drops rows. */
  filter: z.unknown().optional(),
  caseSensitive: z.boolean().default(true),
  batchSize: z.number().int().positive().optional(),
});
/** How every task of a scan is read. */
export type ScanSpec = z.infer<typeof ScanSpec>;

/** Built-in output formats: Arrow IPC stream files (`.arrows`) or Parquet files. */
export const OutputFormat = z.enum(['arrow', 'parquet']);
/** A built-in output format. */
export type OutputFormat = z.infer<typeof OutputFormat>;

/** Where and how a task's rows are written by the built-in outputs. */
export const OutputSpec = z.object({
  format: OutputFormat,
  /** A local folder or an `s3://bucket/prefix`; one file per task is written under it. */
  location: z.string().min(1),
  /** Parquet compression (default zstd). */
  compression: z.enum(['zstd', 'snappy', 'none']).optional(),
});
/** Where and how the built-in outputs write a task's rows. */
export type OutputSpec = z.infer<typeof OutputSpec>;

/** The data of one task job. */
export const TaskJobData = z.object({
  version: z.literal(JOB_DATA_VERSION),
  scanId: z.string().min(1),
  /** Position of the task in the plan (0-based) and the number of tasks. */
  taskIndex: z.number().int().nonnegative(),
  taskCount: z.number().int().positive(),
  table: TableReference,
  scan: ScanSpec,
  task: FileScanTask,
  output: OutputSpec.optional(),
});
/** The data of one task job. */
export type TaskJobData = z.infer<typeof TaskJobData>;
export type TaskJobDataInput = z.input<typeof TaskJobData>;

/** The data of a scan's parent job. */
export const ScanJobData = z.object({
  version: z.literal(JOB_DATA_VERSION),
  scanId: z.string().min(1),
  taskCount: z.number().int().nonnegative(),
  table: TableReference,
});
/** The data of a scan's parent job. */
export type ScanJobData = z.infer<typeof ScanJobData>;

/** What a worker returns for a task (the job's return value). */
export const TaskJobResult = z.object({
  rows: z.number().int().nonnegative(),
  /** Bytes written (built-in outputs) or reported by a custom handler (default 0). */
  bytes: z.number().int().nonnegative(),
  /** Where the output went (a file path or `s3://` URL), when there is one. */
  location: z.string().optional(),
  /** The attempt that produced it (1 = first). */
  attempt: z.number().int().positive(),
  /** Which worker ran it (`host:pid`). */
  worker: z.string(),
});
/** What a worker returns for a task: rows, bytes, location, attempt, worker. */
export type TaskJobResult = z.infer<typeof TaskJobResult>;

/** What a worker records in a job when an attempt fails, so the dispatcher can report code and file. */
export const TaskFailure = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  attempt: z.number().int().positive(),
});
/** A failed attempt as recorded in its job: error code, message, file, attempt. */
export type TaskFailure = z.infer<typeof TaskFailure>;
