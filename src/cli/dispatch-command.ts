/**
 * `iceberg-rx dispatch`: plans a scan here and runs its file tasks on `iceberg-rx worker`
 * processes through BullMQ on Redis, each task's rows written to one Arrow IPC or Parquet file
 * under `--out`. A progress bar over tasks and rows on a terminal's stderr; one JSON summary line
 * on stdout at the end. BullMQ is loaded only when this command runs.
 */
import { parseArgs } from 'node:util';
import { parseCatalogChoice, type CatalogChoice } from './catalog-options.ts';
import { describeError, exitCodeOf, EXIT_OK, UsageError } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { commandScanOptions, loadCommandTable } from './command-table.ts';
import { HELP, MAP, oneTable, parseAllowedLocations, parseLocationMap, parseProperties, parseSelect, parseSnapshot, positiveInt, wrap } from './command-args.ts';
import { formatBytes, formatCount } from './progress-display.ts';

/** Help of `dispatch`. */
export const DISPATCH_HELP = `Usage: iceberg-rx dispatch <table> --redis <url> --out <dir|s3://bucket/prefix> [options]

Plans a scan and runs its file tasks on "iceberg-rx worker" processes through BullMQ on Redis:
one output file per task (written under a temporary name, made visible whole), every row once
even when a worker dies. Dispatching the same scan again adds no job.

Options:
  --redis <url>         redis://host:port[/db] (required)
  --out <location>      a folder the workers share, or s3://bucket/prefix (required)
  --format <f>          arrow (Arrow IPC stream files, .arrows; default) | parquet
  --compression <c>     Parquet compression: zstd (default) | snappy | none
  --queue <name>        BullMQ queue (default iceberg-rx)
  --attempts <n>        attempts per task before the scan fails (default 3)
  --select <a,b,...>    columns to read
  --filter "<expr>"     row filter
  --snapshot <id> | --ref <name> | --as-of <time>   the snapshot to read
  --batch-size <n>      rows per batch
  --map <from>=<to>, --allow-location <p>   location options (passed to the workers)
  --prop <key>=<value>  FileIO property for loading the table here (workers take their own)
  -c, --catalog <name>, --uri <uri>   <table> is ns.table in a catalog
  --case-insensitive    match --select and --filter names case-insensitively
  -q, --quiet           no progress bar
`;

/** Parsed `dispatch` options. */
export interface DispatchCommandOptions extends CatalogChoice {
  readonly command: 'dispatch';
  readonly table: string;
  readonly redis: string;
  readonly out: string;
  readonly format: 'arrow' | 'parquet';
  readonly compression?: 'zstd' | 'snappy' | 'none';
  readonly queue: string;
  readonly attempts: number;
  readonly select?: string[];
  readonly filter?: string;
  readonly snapshotId?: string;
  readonly ref?: string;
  readonly asOf?: number;
  readonly batchSize?: number;
  readonly caseSensitive: boolean;
  readonly quiet: boolean;
  readonly locationMap: Record<string, string>;
  readonly properties: Record<string, string>;
  readonly allowedLocations?: readonly string[] | '*';
}

/** Parses the arguments after `dispatch`. */
export function parseDispatchCommand(args: string[]): DispatchCommandOptions | { readonly command: 'help'; readonly topic: 'dispatch' } {
  const { values, positionals } = wrap('dispatch', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...HELP, ...MAP,
      redis: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' },
      compression: { type: 'string' }, queue: { type: 'string' }, attempts: { type: 'string' }, select: { type: 'string' },
      filter: { type: 'string' }, snapshot: { type: 'string' }, ref: { type: 'string' }, 'as-of': { type: 'string' },
      'batch-size': { type: 'string' }, 'case-insensitive': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    },
  }));
  if (values.help) return { command: 'help', topic: 'dispatch' };
  const table = oneTable(positionals, 'dispatch');
  if (values.redis === undefined) throw new UsageError('dispatch: --redis <url> is required', 'dispatch');
  if (values.out === undefined || values.out.trim() === '') throw new UsageError('dispatch: --out <dir|s3://bucket/prefix> is required', 'dispatch');
  const format = values.format ?? 'arrow';
  if (format !== 'arrow' && format !== 'parquet') throw new UsageError(`--format expects arrow or parquet, got ${JSON.stringify(format)}`, 'dispatch');
  const compression = values.compression;
  if (compression !== undefined && !['zstd', 'snappy', 'none'].includes(compression)) throw new UsageError(`--compression expects zstd, snappy or none, got ${JSON.stringify(compression)}`, 'dispatch');
  const select = parseSelect(values.select, 'dispatch');
  const batchSize = positiveInt('batch-size', values['batch-size'], 'dispatch');
  return {
    command: 'dispatch',
    table,
    ...parseCatalogChoice(values, 'dispatch'),
    redis: values.redis,
    out: values.out,
    format,
    ...(compression !== undefined ? { compression: compression as 'zstd' | 'snappy' | 'none' } : {}),
    queue: values.queue ?? 'iceberg-rx',
    attempts: positiveInt('attempts', values.attempts, 'dispatch') ?? 3,
    ...(select !== undefined ? { select } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...parseSnapshot(values, 'dispatch'),
    ...(batchSize !== undefined ? { batchSize } : {}),
    caseSensitive: !values['case-insensitive'],
    quiet: values.quiet === true,
    locationMap: parseLocationMap(values.map, 'dispatch'),
    properties: parseProperties(values.prop, 'dispatch'),
    ...parseAllowedLocations(values['allow-location'], 'dispatch'),
  };
}

/** The progress line of a dispatch: a bar over tasks, rows and bytes written. */
export function dispatchProgressLine(done: number, total: number, rows: number, bytes: number, width = 80): string {
  const cells = 20;
  const filled = total > 0 ? Math.min(cells, Math.round((done / total) * cells)) : 0;
  const line = `[${'█'.repeat(filled)}${'░'.repeat(cells - filled)}] ${done}/${total} tasks · ${formatCount(rows)} rows · ${formatBytes(bytes)} written`;
  return line.length > width - 1 ? line.slice(0, width - 1) : line;
}

/** Runs `dispatch`; resolves with the exit code. SIGINT/SIGTERM stop following (the jobs stay queued). */
export async function runDispatch(options: DispatchCommandOptions, env: CliEnv): Promise<number> {
  const { dispatchScan } = await import('../distributed/index.ts');
  const started = performance.now();
  const controller = new AbortController();
  let done = 0;
  let total = 0;
  let rows = 0;
  let bytes = 0;
  let scanId = '';
  const showProgress = env.stderrIsTTY && !options.quiet;
  const draw = (): void => {
    if (showProgress) env.stderr.write(`\r\x1b[2K${dispatchProgressLine(done, total, rows, bytes, env.stderr.columns ?? 80)}`);
  };
  const timer = showProgress ? setInterval(draw, 200) : undefined;
  try {
    const table = await loadCommandTable(options);
    const scan = table.scan({
      ...(options.select !== undefined ? { select: options.select } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...commandScanOptions(options, controller.signal),
    });
    await new Promise<void>((resolve, reject) => {
      const subscription = dispatchScan(scan, {
        connection: options.redis,
        queue: options.queue,
        output: { format: options.format, location: options.out, ...(options.compression !== undefined ? { compression: options.compression } : {}) },
        attempts: options.attempts,
        table: {
          ...(Object.keys(options.locationMap).length > 0 ? { locationMap: options.locationMap } : {}),
          ...(options.allowedLocations !== undefined ? { allowedLocations: options.allowedLocations } : {}),
        },
        onDispatched: (info) => {
          scanId = info.scanId;
          total = info.tasks;
          draw();
        },
      }).subscribe({
        next: (r) => {
          done += 1;
          rows += r.rows;
          bytes += r.bytes;
        },
        error: reject,
        complete: resolve,
      });
      const stop = (): void => {
        subscription.unsubscribe();
        reject(new Error('dispatch interrupted: the queued tasks keep running on the workers (dispatch again to follow them)'));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      subscription.add(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      });
    });
    if (timer !== undefined) clearInterval(timer);
    if (showProgress) env.stderr.write('\r\x1b[2K');
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    env.stdout.write(`${JSON.stringify({ scanId, tasks: done, rows, bytes, out: options.out, format: options.format, seconds })}\n`);
    return EXIT_OK;
  } catch (error) {
    if (timer !== undefined) clearInterval(timer);
    if (showProgress) env.stderr.write('\r\x1b[2K');
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  } finally {
    controller.abort();
  }
}
