/**
 * Locates the pinned PyIceberg virtualenv (conformance/pyiceberg/.venv) and runs its Python scripts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupStep } from '../setup/setup-status.ts';

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Folder of the Python side of the cross-check. */
export const CONFORMANCE_DIR = join(REPO_ROOT, 'conformance/pyiceberg');
/** The virtualenv's Python interpreter. */
export const VENV_PYTHON = join(CONFORMANCE_DIR, '.venv/bin/python');

/** Environment of the Python children: no `__pycache__` folders in the working tree. */
export const PYTHON_ENV: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

/** Whether the cross-check can run, and why not when it cannot. */
export interface PyIcebergAvailability {
  readonly available: boolean;
  /** Set when unavailable: the text after "PyIceberg cross-check not run: ". */
  readonly reason?: string;
}

/**
 * The cross-check runs when the virtualenv exists (`npm test`'s pretest makes it with
 * `conformance/pyiceberg/setup.sh`). When it is missing, the reason names the tool pretest could
 * not install. `ICEBERG_RX_PYICEBERG=1` (set by CI) makes a missing virtualenv an error instead of a skip.
 */
export function pyicebergAvailability(): PyIcebergAvailability {
  const required = process.env.ICEBERG_RX_PYICEBERG === '1';
  if (existsSync(VENV_PYTHON)) return { available: true };
  const step = setupStep('pyiceberg');
  const reason =
    step && !step.ok
      ? `${step.tool} could not be set up: ${step.reason}`
      : `no virtualenv at ${VENV_PYTHON} (\`npm test\` sets it up; or run conformance/pyiceberg/setup.sh)`;
  if (required) throw new Error(`ICEBERG_RX_PYICEBERG=1 but ${reason}`);
  return { available: false, reason };
}

/**
 * Runs `script` (a file of conformance/pyiceberg/) with the virtualenv's Python and returns its
 * stdout; a non-zero exit throws with stderr.
 */
export function runPython(script: string, args: readonly string[] = [], input?: string): string {
  const result = spawnSync(VENV_PYTHON, [join(CONFORMANCE_DIR, script), ...args], {
    cwd: CONFORMANCE_DIR,
    input,
    encoding: 'utf8',
    env: PYTHON_ENV,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${script} exited with ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}
