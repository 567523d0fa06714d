/**
 * iceberg-rx reading the 1 GB compare table from S3 (moto) through the fault proxy with 10 ms added
 * to every request, against the same scan from local disk, in the same run.
 *
 * The table is bench:compare's PyIceberg-written one (bench/.data/, 18 files x 2 row groups of 1M
 * rows). Its folder is uploaded as it is into a moto server started for the run; its metadata names
 * absolute local paths, so the S3 contender loads `s3://bench/table/metadata/<file>.metadata.json`
 * with `locationMap` mapping the table's local location onto `s3://bench/table`: every metadata,
 * manifest and data byte then comes from S3 through the proxy. Both contenders are the same child
 * (bench/lib/scan-child.mjs, default scan options) under `/usr/bin/time -v`, alternating order.
 *
 * moto is a Python server, so it may be the bottleneck rather than the scanner: the bench first
 * measures the wire ceiling, whole data files read through S3FileIO (parallel ranged parts, the
 * default request bound) with no decoding, from moto directly and through the proxy, and for every
 * S3 scan the CPU seconds moto (from /proc) and the proxy (this process) spent, since on a small
 * machine server, proxy and scanner share the cores.
 *
 * Usage: npm run bench:s3 -- [--runs 3] [--delay-ms 10] [--from dist|src] [--decode-workers N]
 * (needs conformance/pyiceberg/setup.sh for the table and test/s3/setup-moto.sh for moto).
 *
 * The last line is one JSON object with `bars` (each {bar, measured, pass}):
 * rowsPerSecondVsLocal >= 0.7 (median of per-run ratios) and firstBatchSeconds <= 0.5 (median, S3),
 * the requests and bytes the proxy saw and the scan's own I/O stats, plus CPU pressure.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { S3FileIO } from '../src/io/s3-file-io.ts';
import { argValue } from './lib/child-process.ts';
import {
  MiB, bestAndMedian, contenderSummary, ensureDist, ensureLayoutTable, gitState, icebergRxOptionsFromArgs, layoutFilesFor,
  machineState, round, runIcebergRx, warmPageCache, type ContenderRun,
} from './lib/contenders.ts';
import { parseSize } from './lib/bench-table.ts';
import { startFaultProxy, type FaultProxy } from '../test/s3/fault-proxy.ts';
import { TEST_CREDENTIALS, motoUnavailable, startMoto, uploadFolder } from '../test/s3/moto-server.ts';

const RATIO_BAR = 0.7;
const FIRST_BATCH_BAR_SECONDS = 0.5;
const BUCKET = 'bench';
const PREFIX = 'table';

/** User + system CPU seconds of a process so far, from /proc/PID/stat. */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of this process (the proxy runs in it). */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface WireCeiling {
  endpoint: 'moto directly' | 'through the proxy';
  seconds: number;
  bytes: number;
  mibPerSecond: number;
  motoCpuSeconds: number;
}

/**
 * Whole data files through S3FileIO (parallel ranged parts, default request bound), two files at a
 * time as the scan reads them, no decoding: what the server and wire give.
 */
async function wireCeiling(endpoint: string, label: WireCeiling['endpoint'], motoPid: number, keys: readonly string[]): Promise<WireCeiling> {
  const io = new S3FileIO({ properties: { ...TEST_CREDENTIALS, 's3.endpoint': endpoint } });
  const cpu = processCpuSeconds(motoPid);
  const started = performance.now();
  let bytes = 0;
  let next = 0;
  // Two files at a time, as the scan's default file concurrency reads them.
  const worker = async () => {
    while (next < keys.length) {
      const file = io.newInputFile(`s3://${BUCKET}/${keys[next++]!}`);
      const read = await file.read(0, await file.length());
      bytes += read.byteLength;
    }
  };
  await Promise.all([worker(), worker()]);
  const seconds = (performance.now() - started) / 1000;
  io.destroy();
  return { endpoint: label, seconds: round(seconds), bytes, mibPerSecond: round(bytes / MiB / seconds, 1), motoCpuSeconds: round(processCpuSeconds(motoPid) - cpu, 2) };
}

async function main(): Promise<void> {
  const unavailable = motoUnavailable();
  if (unavailable !== undefined) throw new Error(unavailable);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runs = Number(argValue('runs', '3'));
  const delayMs = Number(argValue('delay-ms', '10'));
  const icebergRx = icebergRxOptionsFromArgs((name) => argValue(name));
  const build = icebergRx.from === 'dist' ? ensureDist() : 'sources (tsx)';
  const machineBefore = machineState();
  const table = ensureLayoutTable(layoutFilesFor(parseSize('1GB')));
  const tableRoot = table.metadataPath.replace(/\/metadata\/[^/]+$/, '');
  console.log(`table: ${table.dataFiles} files, ${round(table.dataBytes / MiB, 1)} MiB, ${table.rows} rows`);
  const warmSeconds = warmPageCache(table.dataFilePaths);

  const moto = await startMoto();
  let proxy: FaultProxy | undefined;
  try {
    const t = performance.now();
    const uploaded = await uploadFolder(moto.client, tableRoot, BUCKET, PREFIX);
    const uploadSeconds = round((performance.now() - t) / 1000);
    console.log(`uploaded ${uploaded} files into moto in ${uploadSeconds} s`);
    proxy = await startFaultProxy(moto.endpoint, { delayMs });

    const keys = table.dataFilePaths.map((p) => `${PREFIX}/${relative(tableRoot, p)}`);
    const wire = [await wireCeiling(moto.endpoint, 'moto directly', moto.pid, keys), await wireCeiling(proxy.url, 'through the proxy', moto.pid, keys)];
    for (const w of wire) console.log(`wire ceiling, ${w.endpoint} (S3FileIO, no decoding): ${w.mibPerSecond} MiB/s, ${w.seconds} s, moto used ${w.motoCpuSeconds} CPU s`);

    const s3Metadata = `s3://${BUCKET}/${PREFIX}/${relative(tableRoot, table.metadataPath)}`;
    const loadOptions = JSON.stringify({
      properties: { ...TEST_CREDENTIALS, 's3.endpoint': proxy.url },
      locationMap: { [`file://${tableRoot}`]: `s3://${BUCKET}/${PREFIX}` },
    });
    const results: { local: ContenderRun[]; s3: ContenderRun[] } = { local: [], s3: [] };
    const proxySeen: Array<{ requests: number; bytes: number; peakOpen: number; motoCpuSeconds: number; proxyCpuSeconds: number }> = [];
    for (let run = 0; run < runs; run++) {
      const order: Array<'local' | 's3'> = run % 2 === 0 ? ['local', 's3'] : ['s3', 'local'];
      for (const name of order) {
        proxy.reset();
        const cpu = { moto: processCpuSeconds(moto.pid), proxy: ownCpuSeconds() };
        const r = name === 'local' ? await runIcebergRx(table.metadataPath, icebergRx) : await runIcebergRx(s3Metadata, { ...icebergRx, loadOptions });
        if (r.rows !== table.rows) throw new Error(`${name} read ${r.rows} rows, the table has ${table.rows}`);
        results[name].push(r);
        const seen = {
          requests: proxy.counts.requests,
          bytes: proxy.counts.bytes,
          peakOpen: proxy.counts.peakOpen,
          motoCpuSeconds: round(processCpuSeconds(moto.pid) - cpu.moto, 2),
          proxyCpuSeconds: round(ownCpuSeconds() - cpu.proxy, 2),
        };
        if (name === 's3') proxySeen.push(seen);
        console.log(
          `run ${run + 1}/${runs} ${name.padEnd(5)}: ${r.rowsPerSecond.toLocaleString('en')} rows/s, ${r.seconds} s, first batch ${r.firstBatchSeconds} s, ` +
            `max RSS ${r.maxRssMiB} MiB, scan io ${JSON.stringify(r.io)}` +
            `, CPU ${round(r.userSeconds + r.systemSeconds, 2)} s` +
            (name === 's3' ? `; proxy saw ${seen.requests} requests, ${round(seen.bytes / MiB, 1)} MiB, at most ${seen.peakOpen} open; CPU s moto ${seen.motoCpuSeconds}, proxy ${seen.proxyCpuSeconds}` : ''),
        );
      }
    }

    const ratios = bestAndMedian(results.s3.map((r, i) => r.rowsPerSecond / results.local[i]!.rowsPerSecond), 2);
    const s3 = contenderSummary(results.s3);
    const scanMiBPerSecond = results.s3.map((r) => round((r.io?.bytesRead ?? 0) / MiB / r.seconds, 1));
    console.log(
      JSON.stringify({
        bench: 's3',
        git: gitState(),
        machine: { ...machineBefore, loadAverageAtEnd: machineState().loadAverage, cpuPressureAtEnd: machineState().cpuPressureSome },
        options: { runs, delayMs, icebergRx: { ...icebergRx, loadOptions: undefined, build }, server: 'moto_server (test/s3/.venv) behind test/s3/fault-proxy.ts' },
        table: { metadataPath: table.metadataPath, s3Metadata, dataFiles: table.dataFiles, dataBytes: table.dataBytes, rows: table.rows },
        pageCacheWarmSeconds: warmSeconds,
        uploadSeconds,
        wireCeiling: wire,
        scanMiBPerSecondFromS3: scanMiBPerSecond,
        proxy: proxySeen,
        summary: { local: contenderSummary(results.local), s3 },
        ratios: { rowsPerSecondS3VsLocal: ratios },
        bars: {
          rowsPerSecondVsLocal: { bar: `>= ${RATIO_BAR}, median of per-run ratios`, measured: ratios.median, pass: ratios.median >= RATIO_BAR },
          firstBatchSeconds: { bar: `<= ${FIRST_BATCH_BAR_SECONDS} from S3 after loadTable starts, median`, measured: s3.firstBatchSeconds.median, pass: s3.firstBatchSeconds.median <= FIRST_BATCH_BAR_SECONDS },
        },
        runs: results,
      }),
    );
  } finally {
    await proxy?.close();
    await moto.stop();
  }
}

await main();
