/**
 * `npm start`: streams the sample Iceberg table committed under examples/sample-table (made by
 * examples/make-sample-table.ts), shows progress while it scans and ends with a short summary.
 *
 * The scan is an RxJS Observable of Apache Arrow record batches; nothing but the batch in flight
 * is held in memory.
 */
import { fileURLToPath } from 'node:url';
import { formatBytes, formatCount, startProgress } from '../src/cli/progress-display.ts';
import { loadTable } from '../src/table/load-table.ts';

const tablePath = fileURLToPath(new URL('./sample-table', import.meta.url));

const table = await loadTable(tablePath);
const snapshot = table.currentSnapshot();
console.log(`iceberg-rx sample: ${tablePath}`);
console.log(
  `  format v${table.metadata.formatVersion}, ${table.snapshots().length} snapshots, ` +
    `partitioned by ${table.specs().at(-1)?.fields.map((f) => `${f.transform}(${f.name})`).join(', ') || 'nothing'}, ` +
    `current snapshot ${snapshot?.snapshotId ?? '(none)'} (${snapshot?.summary.operation ?? '-'})`,
);

const scan = table.scan({ batchSize: 16_384 });
const started = performance.now();
const tty = process.stderr.isTTY === true;
const progress = tty
  ? startProgress(process.stderr, () => ({ rows: scan.stats.rows, bytes: scan.stats.bytesRead, filesDone: scan.stats.files }))
  : undefined;

let nextReport = 100_000;
const columns = new Set<string>();
await new Promise<void>((resolve, reject) => {
  scan.batches().subscribe({
    next(batch) {
      for (const f of batch.schema.fields) columns.add(f.name);
      if (!tty && scan.stats.rows >= nextReport) {
        console.log(`  ... ${formatCount(scan.stats.rows)} rows`);
        nextReport += 100_000;
      }
    },
    error: reject,
    complete: resolve,
  });
}).finally(() => progress?.stop());

const seconds = (performance.now() - started) / 1000;
const s = scan.stats;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log('summary');
console.log(`  rows        ${formatCount(s.rows)} (${formatCount(s.rowsDeleted.position + s.rowsDeleted.deletionVector + s.rowsDeleted.equality)} removed by deletes)`);
console.log(`  columns     ${[...columns].join(', ')}`);
console.log(`  batches     ${formatCount(s.batches)}`);
console.log(`  files       ${s.files} data files, ${s.deleteFilesRead} delete files, ${s.rowGroupsRead} row groups`);
console.log(`  bytes read  ${formatBytes(s.bytesRead)}`);
console.log(`  time        ${seconds.toFixed(2)} s (${formatCount(s.rows / Math.max(seconds, 1e-9))} rows/s)`);
console.log(`  peak memory ${peakMb.toFixed(0)} MB RSS`);
