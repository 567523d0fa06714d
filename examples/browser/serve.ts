/**
 * `npm run demo`: builds the browser bundle when stale, serves the demo page, dist/browser/ and
 * the sample table (examples/sample-table) on a local range-capable HTTP server, and prints the
 * page's URL with the sample table filled in. `--port N` (default 8080, else any free port);
 * `--large` also builds and serves the ~100 MB table of the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTable } from '../../src/index.ts';
import { startPageServer, type Mount } from '../../test/browser/page-server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const build = spawnSync(process.execPath, [`${root}/scripts/build-browser.mjs`, '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const mounts: Mount[] = [
  { prefix: '/demo/', dir: `${root}examples/browser` },
  { prefix: '/dist/browser/', dir: `${root}dist/browser` },
  { prefix: '/tables/sample-table/', dir: `${root}examples/sample-table` },
];
const tables: Array<[string, string]> = [];
const sample = await loadTable(`${root}examples/sample-table`);
tables.push(['sample table (300,000 orders, position deletes)', `/tables/sample-table/${relative(`${root}examples/sample-table`, sample.metadataLocation)}`]);
if (process.argv.includes('--large')) {
  const { ensureLargeTable } = await import('../../test/browser/large-table.ts');
  const large = await ensureLargeTable();
  mounts.push({ prefix: '/tables/large/', dir: large.dir });
  tables.push([`generated table (${large.rows.toLocaleString('en')} rows, ${(large.dataBytes / 2 ** 20).toFixed(0)} MiB)`, `/tables/large/${large.metadataFile}`]);
}

let server;
try {
  server = await startPageServer(mounts, { port: Number(arg('--port') ?? 8080) });
} catch {
  server = await startPageServer(mounts);
}
console.log(`iceberg-rx demo: ${server.url}/demo/?table=${encodeURIComponent(server.url + tables[0]![1])}`);
for (const [what, path] of tables) console.log(`  ${what}: ${server.url}${path}`);
console.log('Ctrl-C stops the server.');
