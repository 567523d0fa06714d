/**
 * `iceberg-rx count`: prints the exact number of rows of a table (after deletes and the filter),
 * from manifest record counts where they answer alone (see `TableScan.count`).
 */
import { commandScanOptions, loadCommandTable } from './command-table.ts';
import { describeError, exitCodeOf, EXIT_OK } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { createOutputSink } from './output-sink.ts';
import type { CountCommandOptions } from './parse-command-line.ts';
import { statsReport } from './scan-command.ts';

/** Runs `count`; resolves with the exit code. */
export async function runCount(options: CountCommandOptions, env: CliEnv): Promise<number> {
  const sink = createOutputSink(env.stdout);
  const started = performance.now();
  try {
    const table = await loadCommandTable(options);
    const scan = table.scan(commandScanOptions(options, sink.signal));
    const rows = await scan.count();
    await sink.write(`${rows}\n`);
    await sink.end();
    if (options.stats) env.stderr.write(`${JSON.stringify(statsReport(scan.stats, (performance.now() - started) / 1000))}\n`);
    return EXIT_OK;
  } catch (error) {
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}
