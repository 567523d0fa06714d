/**
 * Test helper: makes sure dist/ is built from the current sources (`scripts/build.mjs --if-stale`:
 * instant when it already is), for tests that run the package as its users get it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-paths.ts';

/** Builds dist/ when src/ changed since the last build; throws with tsc's output when the build fails. */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/ failed:\n${r.stdout}${r.stderr}`);
}
