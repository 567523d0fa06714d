/**
 * The `iceberg-rx` program: parses the command line and runs `scan`, `inspect`, `plan`, `count`, `list`, `tail`, `dispatch` or `worker`.
 */
import { describeError, exitCodeOf, UsageError } from './cli-error.ts';
import { processEnv, type CliEnv } from './cli-env.ts';
import { COUNT_HELP, INSPECT_HELP, LIST_HELP, MAIN_HELP, PLAN_HELP, SCAN_HELP, TAIL_HELP } from './help-text.ts';
import { runTail } from './tail-command.ts';
import { DISPATCH_HELP, runDispatch } from './dispatch-command.ts';
import { runWorker, WORKER_HELP } from './worker-command.ts';
import { runList } from './list-command.ts';
import { runCount } from './count-command.ts';
import { runInspect } from './inspect-command.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { runPlan } from './plan-command.ts';
import { runScan } from './scan-command.ts';

const HELP = { scan: SCAN_HELP, inspect: INSPECT_HELP, plan: PLAN_HELP, count: COUNT_HELP, list: LIST_HELP, tail: TAIL_HELP, dispatch: DISPATCH_HELP, worker: WORKER_HELP } as const;

/**
 * Runs one `iceberg-rx` command line and resolves with its exit code (0 done, 1 failed, 2 bad
 * arguments). Never rejects: every failure is reported on `env.stderr`.
 *
 * @param argv The arguments after the program name.
 * @param env Streams to use (default: the process's).
 */
export async function main(argv: readonly string[], env: CliEnv = processEnv()): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    switch (line.command) {
      case 'help':
        env.stdout.write(line.topic !== undefined ? HELP[line.topic] : MAIN_HELP);
        return 0;
      case 'scan': return await runScan(line, env);
      case 'inspect': return await runInspect(line, env);
      case 'plan': return await runPlan(line, env);
      case 'count': return await runCount(line, env);
      case 'list': return await runList(line, env);
      case 'tail': return await runTail(line, env);
      case 'dispatch': return await runDispatch(line, env);
      case 'worker': return await runWorker(line, env);
    }
  } catch (error) {
    env.stderr.write(describeError(error));
    if (error instanceof UsageError) {
      env.stderr.write(`Run "iceberg-rx ${error.command !== undefined ? `${error.command} ` : ''}--help" for usage.\n`);
    }
    return exitCodeOf(error);
  }
}

/** Runs the process's command line and exits with its code. */
export async function runCli(): Promise<void> {
  process.stdout.on('error', () => undefined); // EPIPE is handled by the output sink
  // The AWS SDK warns on stderr that its releases after January 2027 need node 22: nothing a CLI
  // user can act on, and it would be mixed into the scan's own messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Flush stdout, then exit even if a stray handle (timer, wasm worker) is still open.
  if (process.stdout.writableLength > 0 && !process.stdout.destroyed) {
    process.stdout.once('drain', () => process.exit(code));
    process.stdout.once('error', () => process.exit(code));
  } else {
    process.exit(code);
  }
}
