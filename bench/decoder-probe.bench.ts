/**
 * Decoder probe: how fast could a streaming reader decode if it were not limited to parquet-wasm's
 * `stream()`? Times arrow-rs's synchronous reader compiled to wasm32 (`bench/decoder-probe/`, one
 * batch at a time, nothing kept) against parquet-wasm's `readParquet` and its `stream()` per row
 * group, on the same bench file in the same process, alternating, after a warm-up round. For
 * deletes it also times the probe skipping the bench's spread deletes (10 of every 26 rows) with a
 * `RowSelection` inside the decoder, the way a reader could drop deleted rows without copying.
 * Build the probe first (Rust with the wasm32-unknown-unknown target):
 * `cargo build --release --target wasm32-unknown-unknown --manifest-path bench/decoder-probe/Cargo.toml`
 * Usage: `node --import tsx bench/decoder-probe.bench.ts [--size 256MB] [--rounds 4]`.
 * Decoding only, except the `...WithArrow` pair: the probe handing each batch out through the Arrow C
 * data interface to arrow-js-ffi (copied into apache-arrow), against `readParquet` plus the same
 * conversion. The last printed line is one JSON object.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as pw from 'parquet-wasm';
import { parseRecordBatch } from 'arrow-js-ffi';
import { DEFAULT_BATCH_SIZE } from '../src/scan/scan-options.ts';
import { ensureBenchFile, parseSize } from './lib/bench-table.ts';
import { argValue } from './lib/child-process.ts';
import { parquetWasmStreamRows, readParquetRows, toArrowBatch } from './lib/parquet-wasm-baselines.ts';

const PROBE = new URL('./decoder-probe/target/wasm32-unknown-unknown/release/decoder_probe.wasm', import.meta.url);

interface ProbeExports {
  memory: WebAssembly.Memory;
  buf_alloc(len: number): number;
  decode(ptr: number, len: number, rowGroup: number, batch: number): number;
  decode_skipping(ptr: number, len: number, batch: number, deleted: number, total: number): number;
  reader_open(ptr: number, len: number, batch: number): number;
  reader_next(reader: number): number;
  reader_array(reader: number): number;
  reader_schema(reader: number): number;
  reader_close(reader: number): void;
}

async function main(): Promise<void> {
  const sizeArg = argValue('size', '256MB')!;
  const rounds = Number(argValue('rounds', '4'));
  const path = await ensureBenchFile(parseSize(sizeArg), (s) => console.log(s));
  const bytes = new Uint8Array(await readFile(path));
  const wasm = await readFile(PROBE).catch(() => {
    throw new Error(`build the probe first: cargo build --release --target wasm32-unknown-unknown --manifest-path bench/decoder-probe/Cargo.toml`);
  });
  const probe = (await WebAssembly.instantiate(wasm, {})).instance.exports as unknown as ProbeExports;

  const inProbe = (): number => {
    const ptr = probe.buf_alloc(bytes.length);
    new Uint8Array(probe.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  const methods: Record<string, () => Promise<number>> = {
    arrowRsSyncReader: async () => probe.decode(inProbe(), bytes.length, -1, DEFAULT_BATCH_SIZE),
    arrowRsSkippingDeletes: async () => probe.decode_skipping(inProbe(), bytes.length, DEFAULT_BATCH_SIZE, 10, 26),
    arrowRsWithArrow: async () => {
      const reader = probe.reader_open(inProbe(), bytes.length, DEFAULT_BATCH_SIZE);
      let rows = 0;
      try {
        while (probe.reader_next(reader) === 1) {
          rows += parseRecordBatch(probe.memory.buffer, probe.reader_array(reader), probe.reader_schema(reader), true).numRows;
        }
      } finally {
        probe.reader_close(reader);
      }
      return rows;
    },
    readParquetWithArrow: async () => readParquetRows(bytes, true),
    readParquet: async () => readParquetRows(bytes, false),
    parquetWasmStream: () => parquetWasmStreamRows(bytes),
  };
  // The probe's batches must equal parquet-wasm's (first batch, every column, every 97th row).
  {
    const reader = probe.reader_open(inProbe(), bytes.length, DEFAULT_BATCH_SIZE);
    const table = pw.readParquet(bytes, { batchSize: DEFAULT_BATCH_SIZE });
    try {
      probe.reader_next(reader);
      const ours = parseRecordBatch(probe.memory.buffer, probe.reader_array(reader), probe.reader_schema(reader), true);
      const theirs = toArrowBatch(table.recordBatches()[0]!);
      if (ours.numRows !== theirs.numRows || ours.numCols !== theirs.numCols) throw new Error('probe batch shape differs');
      for (let c = 0; c < ours.numCols; c++) {
        for (let r = 0; r < ours.numRows; r += 97) {
          const a = String(ours.getChildAt(c)!.get(r));
          const b = String(theirs.getChildAt(c)!.get(r));
          if (a !== b) throw new Error(`probe differs at column ${c}, row ${r}: ${a} vs ${b}`);
        }
      }
    } finally {
      probe.reader_close(reader);
      table.free();
    }
  }
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(methods).map((k) => [k, []]));
  let rows = 0;
  let kept = 0;
  for (let round = 0; round <= rounds; round++) {
    const line: string[] = [];
    for (const [name, run] of Object.entries(methods)) {
      const t = performance.now();
      const n = await run();
      const ms = performance.now() - t;
      if (name !== 'arrowRsSkippingDeletes') {
        if (rows !== 0 && n !== rows) throw new Error(`${name} decoded ${n} rows, expected ${rows}`);
        rows = n;
      } else kept = n;
      if (round > 0) times[name]!.push(ms); // round 0 warms wasm tiers up
      line.push(`${name} ${ms.toFixed(0)} ms`);
    }
    console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ${line.join(', ')}`);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (k: string): number => median(times[k]!);
  console.log(JSON.stringify({
    bench: 'decoder-probe',
    size: sizeArg,
    fileSize: bytes.length,
    rows,
    rounds,
    rowsKeptSkippingDeletes: kept,
    medianMs: {
      arrowRsSyncReader: m('arrowRsSyncReader'),
      arrowRsSkippingDeletes: m('arrowRsSkippingDeletes'),
      readParquet: m('readParquet'),
      parquetWasmStream: m('parquetWasmStream'),
      arrowRsWithArrow: m('arrowRsWithArrow'),
      readParquetWithArrow: m('readParquetWithArrow'),
    },
    arrowRsWithArrowVsReadParquetWithArrow: m('readParquetWithArrow') / m('arrowRsWithArrow'),
    arrowRsWithArrowVsReadParquet: m('readParquet') / m('arrowRsWithArrow'),
    arrowRsSyncReaderVsReadParquet: m('readParquet') / m('arrowRsSyncReader'),
    skippingDeletesSlowdown: m('arrowRsSkippingDeletes') / m('arrowRsSyncReader'),
    parquetWasmStreamVsReadParquet: m('readParquet') / m('parquetWasmStream'),
    loadAverage: loadavg()[0],
  }));
}

await main();
