/**
 * iceberg-rx against PyIceberg 0.12 and pyarrow on one PyIceberg-written table, in the same run.
 *
 * The table (written once by `conformance/pyiceberg/bench_table.py --rows`, cached in bench/.data/):
 * SqlCatalog (sqlite), zstd, long/int/double/string/timestamp/decimal(18,2) columns, files of 2 row
 * groups of 1M rows; `--size 1GB` (default) gives 18 files, 36M rows.
 *
 * Contenders, each in its own child process under `/usr/bin/time -v`, all run once per run, the
 * order rotating from run to run (the page cache is warmed first):
 * - iceberg-rx, default options: `loadTable(metadataPath)`, then `table.scan().batches()` (the
 *   Observable) counting rows (bench/lib/scan-child.mjs);
 * - PyIceberg: `StaticTable.from_metadata(path).scan().to_arrow_batch_reader()` (bench_read.py);
 * - pyarrow: `pq.ParquetFile(f).iter_batches()` over the data files in PyIceberg's plan order, one
 *   after another (bench_read_pyarrow.py), the native anchor.
 * Times start just before loadTable / from_metadata / opening the first file; `loadSeconds` is
 * that call alone. Max RSS is the whole process's, from `/usr/bin/time -v`.
 *
 * Usage: npm run bench:compare -- [--size 1GB] [--runs 3] [--from dist|src] [--decode-workers N]
 *          [--read-ahead-bytes N] [--batch-size N]
 * (needs conformance/pyiceberg/setup.sh). `--from dist` (default) runs the built package on plain
 * node, after `scripts/build.mjs --if-stale`; `--from src` runs the sources under tsx.
 *
 * The last line is one JSON object: the table, every run of every contender, per-contender
 * summaries, the ratios iceberg-rx rows/s ÷ PyIceberg's and ÷ pyarrow's (per run, from the same
 * run; best and median), and `bars` (each {bar, measured, pass}): rowsPerSecondVsPyIceberg >= 1.0
 * (median ratio), maxRssBytes <= 300 MiB (worst run), firstBatchSeconds <= 0.5 (median), plus load
 * average, CPU pressure and git commit.
 */
import { parseSize } from './lib/bench-table.ts';
import { argValue } from './lib/child-process.ts';
import {
  MiB, bestAndMedian, contenderSummary, ensureLayoutTable, gitState, layoutFilesFor, machineState, round,
  ensureDist, icebergRxOptionsFromArgs, runIcebergRx, runPyArrow, runPyIceberg, warmPageCache, type ContenderRun,
} from './lib/contenders.ts';

const RSS_BAR_BYTES = 300 * MiB;
const FIRST_BATCH_BAR_SECONDS = 0.5;

type Name = 'icebergRx' | 'pyiceberg' | 'pyarrow';

async function main(): Promise<void> {
  const size = argValue('size', '1GB')!;
  const runs = Number(argValue('runs', '3'));
  const icebergRx = icebergRxOptionsFromArgs((name) => argValue(name));
  const build = icebergRx.from === 'dist' ? ensureDist() : 'sources (tsx)';
  const machineBefore = machineState();
  const table = ensureLayoutTable(layoutFilesFor(parseSize(size)));
  console.log(
    `table: ${table.dataFiles} files (row groups per file ${table.rowGroupsPerFile.join('/')}), ` +
      `${round(table.dataBytes / MiB, 1)} MiB, ${table.rows} rows`,
  );
  const warmSeconds = warmPageCache(table.dataFilePaths);
  console.log(`page cache warmed in ${warmSeconds} s`);

  const contenders: Record<Name, () => Promise<ContenderRun>> = {
    icebergRx: () => runIcebergRx(table.metadataPath, icebergRx),
    pyiceberg: () => runPyIceberg(table.metadataPath),
    pyarrow: () => runPyArrow(table.dataFilePaths),
  };
  const names = Object.keys(contenders) as Name[];
  const results: Record<Name, ContenderRun[]> = { icebergRx: [], pyiceberg: [], pyarrow: [] };
  const orders: Name[][] = [];
  for (let run = 0; run < runs; run++) {
    const order = names.map((_, i) => names[(i + run) % names.length]!);
    orders.push(order);
    for (const name of order) {
      const r = await contenders[name]();
      if (r.rows !== table.rows) throw new Error(`${name} read ${r.rows} rows, the table has ${table.rows}`);
      results[name].push(r);
      console.log(
        `run ${run + 1}/${runs} ${name.padEnd(9)}: ${r.rowsPerSecond.toLocaleString('en')} rows/s, ${r.seconds} s, ` +
          `first batch ${r.firstBatchSeconds} s (load ${r.loadSeconds} s), max RSS ${r.maxRssMiB} MiB`,
      );
    }
  }

  const perRun = (other: Name) => results.icebergRx.map((r, i) => r.rowsPerSecond / results[other][i]!.rowsPerSecond);
  const vsPyIceberg = bestAndMedian(perRun('pyiceberg'), 2);
  const vsPyArrow = bestAndMedian(perRun('pyarrow'), 2);
  const ours = contenderSummary(results.icebergRx);
  const result = {
    bench: 'compare',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage },
    options: { size, runs, icebergRx: { ...icebergRx, build, consumer: 'observable (table.scan().batches())' } },
    table: {
      metadataPath: table.metadataPath,
      dataFiles: table.dataFiles,
      dataBytes: table.dataBytes,
      largestFileBytes: table.largestFileBytes,
      rows: table.rows,
      rowGroupsPerFile: table.rowGroupsPerFile,
      properties: table.properties,
    },
    pageCacheWarmSeconds: warmSeconds,
    orders,
    summary: { icebergRx: ours, pyiceberg: contenderSummary(results.pyiceberg), pyarrow: contenderSummary(results.pyarrow) },
    ratios: {
      rowsPerSecondVsPyIceberg: vsPyIceberg,
      rowsPerSecondVsPyArrow: vsPyArrow,
      maxRssVsPyIceberg: round(ours.maxRssBytes.median / contenderSummary(results.pyiceberg).maxRssBytes.median, 2),
    },
    bars: {
      rowsPerSecondVsPyIceberg: { bar: '>= 1.0 (aim 1.5), median of per-run ratios', measured: vsPyIceberg.median, pass: vsPyIceberg.median >= 1.0 },
      maxRssBytes: { bar: `<= ${RSS_BAR_BYTES} (300 MiB), worst run`, measured: ours.maxRssBytes.max, measuredMiB: ours.maxRssMiB.max, pass: ours.maxRssBytes.max <= RSS_BAR_BYTES },
      firstBatchSeconds: { bar: `<= ${FIRST_BATCH_BAR_SECONDS} after loadTable starts, median`, measured: ours.firstBatchSeconds.median, pass: ours.firstBatchSeconds.median <= FIRST_BATCH_BAR_SECONDS },
    },
    runs: results,
  };
  console.log(JSON.stringify(result));
}

await main();
