/**
 * `iceberg-rx inspect`: loads a table's metadata and prints its report (text or `--json`).
 */
import { loadCommandTable } from './command-table.ts';
import { describeError, exitCodeOf, EXIT_OK } from './cli-error.ts';
import type { CliEnv } from './cli-env.ts';
import { renderInspect } from './inspect-text.ts';
import { createOutputSink } from './output-sink.ts';
import type { InspectCommandOptions } from './parse-command-line.ts';
import { tableReport } from './table-report.ts';

/** Runs `inspect`; resolves with the exit code. */
export async function runInspect(options: InspectCommandOptions, env: CliEnv): Promise<number> {
  const sink = createOutputSink(env.stdout);
  try {
    const table = await loadCommandTable(options);
    const report = await tableReport(table);
    await sink.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderInspect(report));
    await sink.end();
    return EXIT_OK;
  } catch (error) {
    env.stderr.write(describeError(error));
    return exitCodeOf(error);
  }
}
