/**
 * The iceberg-rx contender of the compare and large-file benches, run as its own process (under
 * `/usr/bin/time -v`, see time-v.ts): streams a whole table through the public API with default
 * options and prints one JSON line of figures.
 *
 * Plain JavaScript, so that `--from dist` runs on plain node, as an installed package does: the
 * built package (dist/, its decode workers started from .js), with no TypeScript loader in the
 * process (tsx costs ~50 MiB of RSS in the main thread and, from sources, boots in every decode
 * worker before its first job). `--from src` imports the TypeScript sources and needs
 * `node --import tsx`.
 *
 * Usage: node [--import tsx] bench/lib/scan-child.mjs --metadata PATH [--from dist|src]
 *          [--consumer observable|async-iterable] [--decode-workers N] [--read-ahead-bytes N] [--batch-size N]
 *          [--load-options JSON]
 *
 * `--load-options` is passed to `loadTable` as its options (e.g. `properties` and `locationMap`
 * for a table in S3). The scan's I/O stats (bytes, read calls, retries) are printed too.
 *
 * `observable` (default) subscribes to `table.scan().batches()`; `async-iterable` runs
 * `for await` over `table.scan().toAsyncIterable()`. Times run from just before `loadTable`
 * (imports excluded): `loadSeconds` is loadTable's own time, `firstBatchSeconds` includes it.
 * Scan options are passed only when given on the command line.
 */

/** @param {string} name @returns {string | undefined} */
function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** @param {number} value */
const round = (value) => Number(value.toFixed(3));

const metadata = arg('metadata');
if (metadata === undefined) throw new Error('usage: scan-child.mjs --metadata PATH [--from dist|src] [--consumer observable|async-iterable] [--decode-workers N]');
const from = arg('from') ?? 'dist';
const consumer = arg('consumer') ?? 'observable';
if (consumer !== 'observable' && consumer !== 'async-iterable') throw new Error(`unknown --consumer ${consumer}`);
/** @type {Record<string, number>} */
const options = {};
for (const [flag, option] of [['decode-workers', 'decodeWorkers'], ['read-ahead-bytes', 'readAheadBytes'], ['batch-size', 'batchSize']]) {
  const value = arg(flag);
  if (value !== undefined) options[option] = Number(value);
}

const { loadTable } = await import(from === 'dist' ? '../../dist/index.js' : from === 'src' ? '../../src/index.ts' : `unknown --from ${from}`);

const baselineRssBytes = process.memoryUsage.rss();
const started = performance.now();
const loadOptions = arg('load-options');
const table = await loadTable(metadata, loadOptions !== undefined ? JSON.parse(loadOptions) : undefined);
const loaded = performance.now();
/** @type {number | undefined} */
let firstBatch;
let rows = 0;
let batches = 0;
/** @param {{ numRows: number }} batch */
const onBatch = (batch) => {
  firstBatch ??= performance.now();
  rows += batch.numRows;
  batches += 1;
};
const scan = table.scan(options);
if (consumer === 'observable') {
  await new Promise((resolve, reject) => {
    scan.batches().subscribe({ next: onBatch, error: reject, complete: resolve });
  });
} else {
  for await (const batch of scan.toAsyncIterable()) onBatch(batch);
}
const ended = performance.now();
const seconds = (ended - started) / 1000;
console.log(JSON.stringify({
  reader: 'iceberg-rx',
  from,
  consumer,
  options,
  rows,
  batches,
  seconds: round(seconds),
  firstBatchSeconds: round(((firstBatch ?? ended) - started) / 1000),
  loadSeconds: round((loaded - started) / 1000),
  rowsPerSecond: Math.round(rows / seconds),
  // RSS after imports, just before loadTable.
  baselineRssBytes,
  io: { bytesRead: scan.stats.bytesRead, readCalls: scan.stats.readCalls, retries: scan.stats.retries },
}));
// The decode pool's idle workers do not keep the process alive; exit anyway once the figures are out.
process.exit(0);
