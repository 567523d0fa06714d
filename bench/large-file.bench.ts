/**
 * One large Parquet file: ~3.8 GiB, 144M rows in 144 row groups of 1M rows (~27 MB each), zstd,
 * written by pyarrow without field ids (conformance/pyiceberg/bench_large_file.py, streamed one
 * row group at a time, cached in bench/.data/) and registered with PyIceberg's `add_files` in a
 * SqlCatalog table. The file is written into the table's own data folder (<table>/data/), so the
 * scan needs no location map; iceberg-rx resolves its columns through the name mapping add_files
 * sets (schema.name-mapping.default).
 *
 * Contenders, each in its own child process under `/usr/bin/time -v`, in the same run (order
 * rotating per run, page cache warmed first):
 * - iceberg-rx, default options (`loadTable` + `table.scan().batches()`), every row read: the
 *   bench fails unless it counts 144M rows;
 * - pyarrow `pq.ParquetFile(f).iter_batches()` over the file;
 * - PyIceberg `StaticTable.from_metadata(p).scan().to_arrow_batch_reader()`, only with
 *   `--with-pyiceberg` (it holds the whole file's table: ~14 GB).
 *
 * Usage: npm run bench:large-file -- [--with-pyiceberg] [--runs 1] [--row-groups 144] [--from dist|src]
 *          [--decode-workers N] [--read-ahead-bytes N] [--batch-size N]
 * (needs conformance/pyiceberg/setup.sh; `--from` as in compare.bench.ts).
 *
 * The last line is one JSON object: the file, every run, per-contender summaries, the ratios
 * iceberg-rx rows/s ÷ pyarrow's (and ÷ PyIceberg's when run), and `bars`: iceberg-rx
 * maxRssBytes <= 400 MiB (worst run), firstBatchSeconds <= 0.5 (median), rows read = file rows;
 * plus load average and git commit.
 */
import { argValue } from './lib/child-process.ts';
import {
  MiB, bestAndMedian, contenderSummary, ensureLargeFileTable, gitState, machineState, round,
  ensureDist, icebergRxOptionsFromArgs, runIcebergRx, runPyArrow, runPyIceberg, warmPageCache, type ContenderRun,
} from './lib/contenders.ts';

const RSS_BAR_BYTES = 400 * MiB;
const FIRST_BATCH_BAR_SECONDS = 0.5;

type Name = 'icebergRx' | 'pyarrow' | 'pyiceberg';

async function main(): Promise<void> {
  const withPyIceberg = process.argv.includes('--with-pyiceberg');
  const runs = Number(argValue('runs', '1'));
  const rowGroups = Number(argValue('row-groups', '144'));
  const icebergRx = icebergRxOptionsFromArgs((name) => argValue(name));
  const build = icebergRx.from === 'dist' ? ensureDist() : 'sources (tsx)';
  const machineBefore = machineState();
  const generateStarted = performance.now();
  const table = ensureLargeFileTable(rowGroups);
  const prepareSeconds = round((performance.now() - generateStarted) / 1000, 1);
  console.log(`file: ${table.dataFile}, ${round(table.fileBytes / MiB, 1)} MiB, ${table.rows} rows in ${table.rowGroups} row groups, field ids: ${table.fieldIds}`);
  const warmSeconds = warmPageCache([table.dataFile]);
  console.log(`page cache warmed in ${warmSeconds} s`);

  const contenders: Partial<Record<Name, () => Promise<ContenderRun>>> = {
    icebergRx: () => runIcebergRx(table.metadataPath, icebergRx),
    pyarrow: () => runPyArrow([table.dataFile]),
    ...(withPyIceberg ? { pyiceberg: () => runPyIceberg(table.metadataPath) } : {}),
  };
  const names = Object.keys(contenders) as Name[];
  const results: Partial<Record<Name, ContenderRun[]>> = Object.fromEntries(names.map((n) => [n, []]));
  const orders: Name[][] = [];
  for (let run = 0; run < runs; run++) {
    const order = names.map((_, i) => names[(i + run) % names.length]!);
    orders.push(order);
    for (const name of order) {
      const r = await contenders[name]!();
      if (r.rows !== table.rows) throw new Error(`${name} read ${r.rows} rows, the file has ${table.rows}`);
      results[name]!.push(r);
      console.log(
        `run ${run + 1}/${runs} ${name.padEnd(9)}: ${r.rowsPerSecond.toLocaleString('en')} rows/s, ${r.seconds} s, ` +
          `first batch ${r.firstBatchSeconds} s (load ${r.loadSeconds} s), max RSS ${r.maxRssMiB} MiB`,
      );
    }
  }

  const ours = results.icebergRx!;
  const perRun = (other: Name) => ours.map((r, i) => r.rowsPerSecond / results[other]![i]!.rowsPerSecond);
  const summary = Object.fromEntries(names.map((n) => [n, contenderSummary(results[n]!)]));
  const oursSummary = contenderSummary(ours);
  const result = {
    bench: 'large-file',
    git: gitState(),
    machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage },
    options: { runs, rowGroups, withPyIceberg, icebergRx: { ...icebergRx, build, consumer: 'observable (table.scan().batches())' } },
    file: {
      path: table.dataFile,
      metadataPath: table.metadataPath,
      bytes: table.fileBytes,
      rows: table.rows,
      rowGroups: table.rowGroups,
      fieldIds: table.fieldIds,
      placedUnderTableLocation: true,
      generateSecondsWhenWritten: table.generateSeconds,
      prepareSecondsThisRun: prepareSeconds,
    },
    pageCacheWarmSeconds: warmSeconds,
    orders,
    summary,
    ratios: {
      rowsPerSecondVsPyArrow: bestAndMedian(perRun('pyarrow'), 2),
      ...(withPyIceberg
        ? {
            rowsPerSecondVsPyIceberg: bestAndMedian(perRun('pyiceberg'), 2),
            maxRssVsPyIceberg: round(oursSummary.maxRssBytes.median / summary.pyiceberg!.maxRssBytes.median, 3),
          }
        : {}),
    },
    bars: {
      allRowsRead: { bar: `every run reads all ${table.rows} rows`, measured: ours.map((r) => r.rows), pass: ours.every((r) => r.rows === table.rows) },
      maxRssBytes: { bar: `<= ${RSS_BAR_BYTES} (400 MiB), worst run`, measured: oursSummary.maxRssBytes.max, measuredMiB: oursSummary.maxRssMiB.max, pass: oursSummary.maxRssBytes.max <= RSS_BAR_BYTES },
      firstBatchSeconds: { bar: `<= ${FIRST_BATCH_BAR_SECONDS} after loadTable starts, median`, measured: oursSummary.firstBatchSeconds.median, pass: oursSummary.firstBatchSeconds.median <= FIRST_BATCH_BAR_SECONDS },
    },
    runs: results,
  };
  console.log(JSON.stringify(result));
}

await main();
