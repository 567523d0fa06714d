/**
 * The process surroundings a command runs in (streams and whether they are terminals), injectable
 * so that commands can be run in-process by tests.
 */
import type { Writable } from 'node:stream';

/** Where a command writes and what it knows about its terminal. */
export interface CliEnv {
  readonly stdout: Writable;
  readonly stderr: Writable & { columns?: number };
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

/** The real process environment. */
export function processEnv(): CliEnv {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
