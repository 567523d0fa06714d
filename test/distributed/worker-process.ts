/**
 * A scan worker process for the distributed tests: `node --import tsx worker-process.ts <redis url>
 * <queue>`, with the short stalled-job timings of the tests. It prints one line per event on
 * stdout (`ready`, `active <job id>`, `completed <job id>`), and SIGTERM closes it gracefully.
 * `SLOW_READS_MS`: each file read waits that long first (so a test can kill it while it holds a job).
 */
import { LocalFileIO } from '../../src/io/local-file-io.ts';
import { slowIO } from './slow-io.ts';
import { loadTable } from '../../src/table/load-table.ts';
import { runScanWorker } from '../../src/distributed/index.ts';

const [url, queue] = process.argv.slice(2);
const slowMs = Number(process.env.SLOW_READS_MS ?? 0);

const worker = runScanWorker({
  connection: url!,
  queue: queue!,
  concurrency: 1,
  lockDuration: 2000,
  stalledInterval: 1000,
  maxStalledCount: 3,
  read: { decodeWorkers: 0 },
  ...(slowMs > 0 ? {
    loadTable: (ref) => loadTable(ref.location, {
      io: slowIO(new LocalFileIO(), slowMs),
      ...(ref.locationMap !== undefined ? { locationMap: ref.locationMap } : {}),
    }),
  } : {}),
  onTask: (e) => process.stdout.write(`${e.type} ${e.jobId}\n`),
});
worker.worker.on('active', (job) => process.stdout.write(`active ${job.id}\n`));
await worker.worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.close({ handBackAfterMs: 5000 }).then(() => process.exit(0));
});
