/**
 * `iceberg-rx tail`: follows a table (`table.watch`) and prints the rows of each new append
 * snapshot as it lands (NDJSON or CSV, stdout backpressure reaching the reader), with one progress
 * line per commit on stderr. SIGINT / SIGTERM stop it with exit code 0 once the batch in hand is
 * written.
 */
import { parseArgs } from 'node:util';
import { concatMap, from, type Subscription } from 'rxjs';
import { isIcebergScanError } from '../errors.ts';
import type { TableCommit, WatchOptions } from '../watch/watch-table.ts';
import { parseCatalogChoice, type CatalogChoice } from './catalog-options.ts';
import { describeError, exitCodeOf, EXIT_OK, UsageError } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { loadCommandTable } from './command-table.ts';
import { createOutputSink } from './output-sink.ts';
import { HELP, MAP, oneTable, parseAllowedLocations, parseLocationMap, parseProperties, parseSelect, positiveInt, wrap } from './command-args.ts';
import { createBatchWriter } from './scan-output.ts';

/** Parsed `tail` options. */
export interface TailCommandOptions extends CatalogChoice {
  readonly command: 'tail';
  readonly table: string;
  /** `--from ID`: start after this snapshot (default: the current one). */
  readonly fromSnapshotId?: string;
  /** `--interval`: milliseconds between polls. */
  readonly interval: number;
  readonly format: 'ndjson' | 'csv';
  readonly select?: string[];
  readonly filter?: string;
  readonly batchSize?: number;
  readonly skipNonAppends: boolean;
  readonly caseSensitive: boolean;
  readonly quiet: boolean;
  readonly locationMap: Record<string, string>;
  readonly properties: Record<string, string>;
  readonly allowedLocations?: readonly string[] | '*';
}

/** `--interval` text → milliseconds: `250ms`, `1s`, `1.5s`, `2m`, or a bare number of seconds. */
export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--interval expects a duration such as 500ms, 1s or 2m, got ${JSON.stringify(text)}`, 'tail');
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000);
  if (!(ms >= 10) || !Number.isFinite(ms)) throw new UsageError(`--interval must be at least 10ms, got ${JSON.stringify(text)}`, 'tail');
  return Math.round(ms);
}

/**
 * Parses the arguments after `tail`.
 *
 * @returns The options, or `help` when `--help` was given.
 */
export function parseTailCommand(args: string[]): TailCommandOptions | { readonly command: 'help'; readonly topic: 'tail' } {
  const { values, positionals } = wrap('tail', () => parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...HELP, ...MAP,
      from: { type: 'string' }, interval: { type: 'string' }, format: { type: 'string' },
      select: { type: 'string' }, filter: { type: 'string' }, 'batch-size': { type: 'string' }, 'skip-non-appends': { type: 'boolean' },
      'case-insensitive': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    },
  }));
  if (values.help) return { command: 'help', topic: 'tail' };
  const table = oneTable(positionals, 'tail');
  const format = values.format ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format expects ndjson or csv, got ${JSON.stringify(format)}`, 'tail');
  if (values.from !== undefined && !/^-?\d+$/.test(values.from.trim())) throw new UsageError(`--from expects a snapshot id (digits), got ${JSON.stringify(values.from)}`, 'tail');
  const select = parseSelect(values.select, 'tail');
  const batchSize = positiveInt('batch-size', values['batch-size'], 'tail');
  return {
    command: 'tail',
    table,
    ...parseCatalogChoice(values, 'tail'),
    ...(values.from !== undefined ? { fromSnapshotId: values.from.trim() } : {}),
    interval: values.interval !== undefined ? parseInterval(values.interval) : 1_000,
    format,
    ...(select !== undefined ? { select } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    skipNonAppends: values['skip-non-appends'] === true,
    caseSensitive: !values['case-insensitive'],
    quiet: values.quiet === true,
    locationMap: parseLocationMap(values.map, 'tail'),
    properties: parseProperties(values.prop, 'tail'),
    ...parseAllowedLocations(values['allow-location'], 'tail'),
  };
}

/** Where `tail` hears SIGINT / SIGTERM (the process, or a test's emitter). */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * Runs `tail` until SIGINT / SIGTERM (exit 0 after the batch in hand), the reader closing stdout
 * (exit 0), or an error (its exit code).
 */
export async function runTail(options: TailCommandOptions, env: CliEnv, signals: SignalSource = process): Promise<number> {
  const sink = createOutputSink(env.stdout);
  const writer = createBatchWriter(options.format, sink);
  let subscription: Subscription | undefined;
  let writing = false;
  let stopRequested = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const stop = (): void => {
    stopRequested = true;
    if (!writing) finish(EXIT_OK);
  };
  signals.once('SIGINT', stop);
  signals.once('SIGTERM', stop);
  const progress = (line: string) => {
    if (!options.quiet) env.stderr.write(`${line}\n`);
  };
  try {
    const table = await loadCommandTable(options);
    if (stopRequested) return EXIT_OK;
    const watchOptions: WatchOptions = {
      pollInterval: options.interval,
      skipNonAppends: options.skipNonAppends,
      caseSensitive: options.caseSensitive,
      signal: sink.signal,
      ...(options.fromSnapshotId !== undefined ? { fromSnapshotId: options.fromSnapshotId } : {}),
      ...(options.select !== undefined ? { select: options.select } : {}),
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    };
    const after = options.fromSnapshotId ?? table.currentSnapshot()?.snapshotId;
    progress(`iceberg-rx tail: watching ${options.table} for appends after ${after === undefined ? 'the start' : `snapshot ${after}`} (every ${options.interval} ms)`);
    const writeCommit = async (commit: TableCommit): Promise<void> => {
      let rows = 0;
      for await (const batch of commit.toAsyncIterable()) {
        if (stopRequested || sink.closed) break;
        writing = true;
        try {
          await writer.write(batch);
        } finally {
          writing = false;
        }
        rows += batch.numRows;
        if (stopRequested || sink.closed) break;
      }
      progress(`snapshot ${commit.snapshotId} committed ${new Date(commit.timestampMs).toISOString()}: ${rows} row${rows === 1 ? '' : 's'}${stopRequested ? ' (stopped)' : ''}`);
      if (stopRequested || sink.closed) finish(EXIT_OK);
    };
    subscription = table
      .watch(watchOptions)
      .pipe(concatMap((commit) => from(writeCommit(commit))))
      .subscribe({
        error: (error: unknown) => {
          if (sink.closed && (!isIcebergScanError(error) || error.code === 'aborted')) return finish(EXIT_OK);
          env.stderr.write(describeError(error));
          finish(exitCodeOf(error));
        },
      });
    const code = await finished;
    subscription.unsubscribe();
    await writer.close(undefined);
    return code;
  } catch (error) {
    subscription?.unsubscribe();
    if (sink.closed && (!isIcebergScanError(error) || error.code === 'aborted')) return EXIT_OK;
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  } finally {
    signals.off('SIGINT', stop);
    signals.off('SIGTERM', stop);
  }
}
