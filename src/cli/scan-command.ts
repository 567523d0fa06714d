/**
 * `iceberg-rx scan`: streams a table's rows to stdout in the chosen format, pulling batches one at
 * a time (stdout backpressure reaches the reader), with a progress line on a terminal's stderr
 * and `--stats` as one JSON object on stderr at the end.
 */
import { lastValueFrom, reduce } from 'rxjs';
import { isIcebergScanError } from '../errors.ts';
import type { ScanStats } from '../task/scan-stats.ts';
import { commandScanOptions, loadCommandTable } from './command-table.ts';
import { TableScan } from '../table/table-scan.ts';
import { describeError, exitCodeOf, EXIT_OK } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { createOutputSink } from './output-sink.ts';
import type { ScanCommandOptions } from './parse-command-line.ts';
import { startProgress, type ProgressDisplay } from './progress-display.ts';
import { createBatchWriter } from './scan-output.ts';

/** The `--stats` object: what the scan read, skipped and removed. */
export interface ScanStatsReport {
  readonly rows: number;
  readonly batches: number;
  readonly files: number;
  readonly rowGroupsRead: number;
  readonly rowGroupsSkipped: number;
  readonly bytesRead: number;
  readonly readCalls: number;
  readonly retries: number;
  readonly deleteFilesRead: number;
  readonly rowsDeleted: ScanStats['rowsDeleted'];
  readonly rowsFiltered: number;
  readonly rowsSkipped: number;
  readonly pagesSkipped: number;
  readonly filesCountedFromMetadata: number;
  readonly pruned: ScanStats['pruned'];
  readonly seconds: number;
}

/** The `--stats` report of a scan's stats (`seconds` measured by the caller when the scan stopped early). */
export function statsReport(stats: ScanStats, seconds: number): ScanStatsReport {
  return {
    rows: stats.rows,
    batches: stats.batches,
    files: stats.files,
    rowGroupsRead: stats.rowGroupsRead,
    rowGroupsSkipped: stats.rowGroupsSkipped,
    bytesRead: stats.bytesRead,
    readCalls: stats.readCalls,
    retries: stats.retries,
    deleteFilesRead: stats.deleteFilesRead,
    rowsDeleted: { ...stats.rowsDeleted },
    rowsFiltered: stats.rowsFiltered,
    rowsSkipped: stats.rowsSkipped,
    pagesSkipped: stats.pagesSkipped,
    filesCountedFromMetadata: stats.filesCountedFromMetadata,
    pruned: { ...stats.pruned },
    seconds: Number((stats.seconds > 0 ? stats.seconds : seconds).toFixed(3)),
  };
}

/** Counts the planned tasks in the background so the progress line can show a total. */
function countTasks(scan: TableScan, onTotal: (n: number) => void, signal: AbortSignal): void {
  const planning = new TableScan(scan.table, { ...scan.options, signal });
  lastValueFrom(planning.planFiles().pipe(reduce((n) => n + 1, 0)), { defaultValue: 0 }).then(onTotal, () => undefined);
}

/** Runs `scan`; resolves with the exit code. */
export async function runScan(options: ScanCommandOptions, env: CliEnv): Promise<number> {
  const sink = createOutputSink(env.stdout);
  const started = performance.now();
  const format = options.format ?? (env.stdoutIsTTY ? 'table' : 'ndjson');
  let progress: ProgressDisplay | undefined;
  let scan: TableScan | undefined;
  const background = new AbortController();
  try {
    const table = await loadCommandTable(options);
    scan = table.scan({
      ...(options.select !== undefined ? { select: options.select } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.decodeWorkers !== undefined ? { decodeWorkers: options.decodeWorkers } : {}),
      ...commandScanOptions(options, sink.signal),
    });
    const columns = (env.stdout as { columns?: number }).columns;
    const writer = createBatchWriter(format, sink, columns !== undefined && columns > 0 ? Math.max(32, Math.floor(columns / 3)) : 40);
    if (env.stderrIsTTY && !options.quiet) {
      let total: number | undefined;
      const running = scan;
      countTasks(running, (n) => (total = n), background.signal);
      progress = startProgress(env.stderr, () => ({
        rows: running.stats.rows,
        bytes: running.stats.bytesRead,
        filesDone: running.stats.files,
        ...(total !== undefined ? { filesTotal: total } : {}),
      }));
    }
    // On one terminal, erase the progress line before rows are printed over it.
    const shared = env.stdoutIsTTY && env.stderrIsTTY;
    for await (const batch of scan.toAsyncIterable()) {
      if (shared) progress?.clear();
      await writer.write(batch);
      if (sink.closed) break;
    }
    await writer.close(scan.arrowSchema);
    progress?.stop();
    progress = undefined;
    if (options.stats) env.stderr.write(`${JSON.stringify(statsReport(scan.stats, (performance.now() - started) / 1000))}\n`);
    return EXIT_OK;
  } catch (error) {
    progress?.stop();
    progress = undefined;
    if (sink.closed && (!isIcebergScanError(error) || error.code === 'aborted')) return EXIT_OK;
    env.stderr.write(describeError(error));
    if (options.stats && scan !== undefined) {
      env.stderr.write(`${JSON.stringify(statsReport(scan.stats, (performance.now() - started) / 1000))}\n`);
    }
    return exitCodeOf(error);
  } finally {
    progress?.stop();
    background.abort();
  }
}
