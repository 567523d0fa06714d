/**
 * `iceberg-rx worker`: runs the file scan tasks of `iceberg-rx dispatch` (or `dispatchScan`) from
 * a BullMQ queue until SIGTERM/SIGINT, which closes it gracefully: running tasks may finish for
 * `--grace` seconds, then they are aborted and their jobs handed back to the queue. One line per
 * finished task on stderr unless `--quiet`. BullMQ is loaded only when this command runs.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { describeError, exitCodeOf, EXIT_OK, UsageError } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { HELP, parseProperties, positiveInt, wrap } from './command-args.ts';

/** Help of `worker`. */
export const WORKER_HELP = `Usage: iceberg-rx worker --redis <url> [options]

Runs scan tasks queued by "iceberg-rx dispatch" until stopped. SIGTERM (or Ctrl-C) stops taking
jobs, lets running ones finish for --grace seconds, then hands them back to the queue. A worker
killed outright loses its jobs to no one: another worker retries them once their lock expires.

Options:
  --redis <url>           redis://host:port[/db] (required)
  --queue <name>          BullMQ queue (default iceberg-rx)
  --concurrency <n>       tasks run at once (default 1)
  --decode-workers <n>    Parquet decode threads (default: one per core; 0 decodes on the main thread)
  --grace <seconds>       on SIGTERM, wait this long for running tasks (default 30)
  --lock-duration <ms>    job lock; a killed worker's job is retried after it (default 30000)
  --handler <module>      a module whose default export is a task handler (batches, context) => result,
                          instead of the built-in output named by the dispatcher
  --prop <key>=<value>    FileIO property (repeatable): s3.endpoint, s3.region, s3.access-key-id, ...
  -q, --quiet             no line per task
`;

/** Parsed `worker` options. */
export interface WorkerCommandOptions {
  readonly command: 'worker';
  readonly redis: string;
  readonly queue: string;
  readonly concurrency: number;
  readonly decodeWorkers?: number;
  readonly graceSeconds: number;
  readonly lockDuration?: number;
  readonly handler?: string;
  readonly properties: Record<string, string>;
  readonly quiet: boolean;
}

/** Parses the arguments after `worker`. */
export function parseWorkerCommand(args: string[]): WorkerCommandOptions | { readonly command: 'help'; readonly topic: 'worker' } {
  const { values } = wrap('worker', () => parseArgs({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      ...HELP, redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' },
      'decode-workers': { type: 'string' }, grace: { type: 'string' }, 'lock-duration': { type: 'string' }, handler: { type: 'string' },
      prop: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' },
    },
  }));
  if (values.help) return { command: 'help', topic: 'worker' };
  if (values.redis === undefined) throw new UsageError('worker: --redis <url> is required', 'worker');
  const decodeWorkers = positiveInt('decode-workers', values['decode-workers'], 'worker', true);
  const lockDuration = positiveInt('lock-duration', values['lock-duration'], 'worker');
  return {
    command: 'worker',
    redis: values.redis,
    queue: values.queue ?? 'iceberg-rx',
    concurrency: positiveInt('concurrency', values.concurrency, 'worker') ?? 1,
    ...(decodeWorkers !== undefined ? { decodeWorkers } : {}),
    graceSeconds: positiveInt('grace', values.grace, 'worker', true) ?? 30,
    ...(lockDuration !== undefined ? { lockDuration } : {}),
    ...(values.handler !== undefined ? { handler: values.handler } : {}),
    properties: parseProperties(values.prop, 'worker'),
    quiet: values.quiet === true,
  };
}

/** Where a worker waits for its stop signal (injectable for tests). */
export interface StopSignals {
  once(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/** Runs `worker` until SIGTERM/SIGINT; resolves with the exit code once closed. */
export async function runWorker(options: WorkerCommandOptions, env: CliEnv, signals: StopSignals = process): Promise<number> {
  try {
    const { runScanWorker } = await import('../distributed/index.ts');
    let handler;
    if (options.handler !== undefined) {
      const mod = (await import(pathToFileURL(resolve(options.handler)).href)) as { default?: unknown };
      if (typeof mod.default !== 'function') throw new UsageError(`worker: --handler ${options.handler} has no default export function`, 'worker');
      handler = mod.default as Parameters<typeof runScanWorker>[0]['handler'];
    }
    const worker = runScanWorker({
      connection: options.redis,
      queue: options.queue,
      concurrency: options.concurrency,
      properties: options.properties,
      ...(handler !== undefined ? { handler } : {}),
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.decodeWorkers !== undefined ? { read: { decodeWorkers: options.decodeWorkers } } : {}),
      onTask: (e) => {
        if (options.quiet) return;
        if (e.type === 'completed') env.stderr.write(`task ${e.jobId} done: ${e.result.rows} rows${e.result.location !== undefined ? ` → ${e.result.location}` : ''} (attempt ${e.result.attempt})\n`);
        else if (e.type === 'failed') env.stderr.write(`task ${e.jobId} failed (attempt ${e.failure.attempt}): [${e.failure.code}] ${e.failure.message}${e.failure.path !== undefined ? ` (file: ${e.failure.path})` : ''}\n`);
        else env.stderr.write(`task ${e.jobId} handed back to the queue\n`);
      },
      onError: (error) => {
        if (!options.quiet) env.stderr.write(`worker: ${error.message} (reconnecting)\n`);
      },
    });
    await worker.worker.waitUntilReady();
    if (!options.quiet) env.stderr.write(`worker: waiting for tasks on queue ${options.queue} (${options.concurrency} at a time)\n`);
    await new Promise<void>((done) => {
      const stop = (): void => {
        signals.off('SIGTERM', stop);
        signals.off('SIGINT', stop);
        if (!options.quiet) env.stderr.write(`worker: stopping (${worker.running} running task(s), grace ${options.graceSeconds} s)\n`);
        void worker.close({ handBackAfterMs: options.graceSeconds * 1000 }).then(done, done);
      };
      signals.once('SIGTERM', stop);
      signals.once('SIGINT', stop);
    });
    return EXIT_OK;
  } catch (error) {
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}
