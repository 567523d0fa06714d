/**
 * Test helper: locates the shared real-table fixtures (`../shared/fixtures/iceberg` from the repo
 * root) and lists files in them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The shared Iceberg fixtures folder. */
export const ICEBERG_FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'iceberg');
/** Whether the fixtures are present (tests skip with a message otherwise). */
export const HAVE_ICEBERG_FIXTURES = existsSync(ICEBERG_FIXTURES);

/** Every file under `dir` whose name ends with `suffix`, sorted. */
export function findFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
