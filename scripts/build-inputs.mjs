/**
 * What the build scripts (build.mjs for dist/, build-browser.mjs for dist/browser/) share to tell
 * whether their output is stale: the files under a folder, and one hash of a tool version and the
 * contents of the input files (a missing input is left out).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every file under `dir`, sorted. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/**
 * sha256 of `tool` (e.g. `typescript 5.9.3`) and of each input's path (relative to `root`) and
 * contents; this module is always one of the inputs.
 */
export function inputHash(root, tool, inputs) {
  const h = createHash('sha256').update(`${tool}\n`);
  for (const file of [...inputs, fileURLToPath(import.meta.url)]) {
    if (existsSync(file)) h.update(`${relative(root, file)}\n`).update(readFileSync(file)).update('\n');
  }
  return h.digest('hex');
}
