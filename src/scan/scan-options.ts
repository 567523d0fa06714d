/**
 * Options of `scanTasks`: zod-validated tunables with documented defaults, plus the seams
 * (FileIO, projection, stages) that the pipeline plugs together.
 */
import { z } from 'zod';
import type { Observable } from 'rxjs';
import { IcebergScanError } from '../errors.ts';
import type { FileIO } from '../io/input-file.ts';
import type { ProjectionPlanner } from '../task/file-projection.ts';
import type { FileBatch } from '../task/file-batch.ts';
import { DEFAULT_READ_AHEAD_BYTES } from '../read/read-ahead.ts';
import { defaultDecodeWorkers } from '../read/decoder/start-worker.ts';
import type { ReadDataFileContext } from '../read/read-context.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import type { FileStage, PageFilter, RowGroupFilter } from '../task/file-stage.ts';
import type { ScanStats } from '../task/scan-stats.ts';

/** Rows per batch: 131072 (128 Ki rows), PyArrow's `Scanner` default batch size. */
export const DEFAULT_BATCH_SIZE = 131_072;

/**
 * Files read at once: 4. Their footers and first row groups are fetched while earlier files
 * decode, overlapping I/O latency (object stores answer a ranged GET in ~20–100 ms) with decoding;
 * how many row groups are held is bounded by `readAheadBytes`, not by this.
 */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Read-ahead of `scanTasksIterable`, in batches: 2. A double buffer is enough to keep the decoder
 * busy while the consumer works on the previous batch (the credit window measured in
 * dependencies.md §6b); more only costs memory.
 */
export const DEFAULT_HIGH_WATER_MARK = 2;

/** Reads one file; `readDataFile` by default, injectable for marble tests. */
export type ReadFile = (task: FileScanTask, context: ReadDataFileContext) => Observable<FileBatch>;

/** Options of `scanTasks` and `scanTasksIterable`. */
export interface ScanTasksOptions {
  /** Where bytes come from (wrapped in a `CountingFileIO` for the stats). */
  readonly io: FileIO;
  /** Which columns to read and how to shape each batch. */
  readonly projection: ProjectionPlanner;
  /** Rows per batch (default {@link DEFAULT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Files read at once (default {@link DEFAULT_CONCURRENCY}). */
  readonly concurrency?: number;
  /** Maximum rows emitted in total (default: all). */
  readonly limit?: number;
  /** `task` (default): task order, deterministic; `arrival`: as batches are decoded. */
  readonly order?: 'task' | 'arrival';
  /**
   * Decode worker threads: default one per available core, in a process-wide pool; each row
   * group's columns are split among them and decoded side by side. `0` decodes on the calling
   * thread (no worker; the event loop is busy for one batch at a time).
   */
  readonly decodeWorkers?: number;
  /**
   * Compressed bytes of fetched row groups not yet decoded that the scan holds at most (default
   * `DEFAULT_READ_AHEAD_BYTES`); the row group the consumer waits for is read even beyond it.
   */
  readonly readAheadBytes?: number;
  /** `scanTasksIterable` read-ahead in batches (default {@link DEFAULT_HIGH_WATER_MARK}). */
  readonly highWaterMark?: number;
  /** Aborts the scan; it then errors with code `aborted`. */
  readonly signal?: AbortSignal;
  /** Filled while the scan runs (default: a fresh object per subscription). */
  readonly stats?: ScanStats;
  /** Delete stage (identity when absent). */
  readonly deletes?: FileStage;
  /** Residual filter stage (identity when absent). */
  readonly filter?: FileStage;
  /** Row-group pruning from footer statistics. */
  readonly rowGroupFilter?: RowGroupFilter;
  /** Page pruning from the Parquet page indexes (rows outside its ranges are never decoded). */
  readonly pageFilter?: PageFilter;
  /** Per-file reader (default `readDataFile`); tests inject fakes. */
  readonly readFile?: ReadFile;
}

const positiveInt = (name: string) =>
  z.number({ error: `${name} must be a number` }).int(`${name} must be an integer`).positive(`${name} must be > 0`);

/** The zod schema of the validated tunables (the seams are checked by shape). */
export const ScanTasksOptionsSchema = z.object({
  io: z.custom<FileIO>((v) => typeof (v as FileIO | undefined)?.newInputFile === 'function', 'io must be a FileIO'),
  projection: z.custom<ProjectionPlanner>(
    (v) => typeof (v as ProjectionPlanner | undefined)?.forFile === 'function',
    'projection must be a ProjectionPlanner',
  ),
  batchSize: positiveInt('batchSize').max(2 ** 31 - 1).default(DEFAULT_BATCH_SIZE),
  concurrency: positiveInt('concurrency').max(1024).default(DEFAULT_CONCURRENCY),
  decodeWorkers: z.number({ error: 'decodeWorkers must be a number' }).int('decodeWorkers must be an integer')
    .nonnegative('decodeWorkers must be >= 0').max(256).optional().transform((n) => n ?? defaultDecodeWorkers()),
  readAheadBytes: positiveInt('readAheadBytes').default(DEFAULT_READ_AHEAD_BYTES),
  limit: z.number().int('limit must be an integer').nonnegative('limit must be >= 0').max(Number.MAX_SAFE_INTEGER).optional(),
  order: z.enum(['task', 'arrival'], { error: "order must be 'task' or 'arrival'" }).default('task'),
  highWaterMark: positiveInt('highWaterMark').default(DEFAULT_HIGH_WATER_MARK),
  signal: z.custom<AbortSignal>((v) => v === undefined || v instanceof AbortSignal, 'signal must be an AbortSignal').optional(),
  stats: z.custom<ScanStats>((v) => v === undefined || typeof v === 'object').optional(),
  deletes: z.custom<FileStage>((v) => v === undefined || typeof v === 'function', 'deletes must be a function').optional(),
  filter: z.custom<FileStage>((v) => v === undefined || typeof v === 'function', 'filter must be a function').optional(),
  rowGroupFilter: z.custom<RowGroupFilter>((v) => v === undefined || typeof v === 'function', 'rowGroupFilter must be a function').optional(),
  pageFilter: z.custom<PageFilter>((v) => v === undefined || typeof v === 'function', 'pageFilter must be a function').optional(),
  readFile: z.custom<ReadFile>((v) => v === undefined || typeof v === 'function', 'readFile must be a function').optional(),
});

/** Options after validation, defaults filled in. */
export type ResolvedScanTasksOptions = z.output<typeof ScanTasksOptionsSchema>;

/**
 * Validates options and fills defaults.
 *
 * @throws IcebergScanError `invalid_argument` whose message names the bad option.
 */
export function resolveScanTasksOptions(options: ScanTasksOptions): ResolvedScanTasksOptions {
  const parsed = ScanTasksOptionsSchema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = issue.path.join('.') || 'options';
  throw new IcebergScanError('invalid_argument', `scan option ${name}: ${issue.message}`, {
    expected: 'valid scan options',
    context: { option: name },
    cause: parsed.error,
  });
}
