/**
 * Mutation robustness: one file of a generated table (data, delete, manifest, manifest list or
 * metadata JSON) is corrupted — truncated, bit-flipped, cut, extended with junk or given a wrong
 * length field — and the whole table is scanned, on the calling thread and in the default decode
 * pool. A scan must end: either with rows (a bit flip can go unnoticed, Parquet pages carry no CRC
 * here; any other corruption that goes unnoticed must leave the rows as they were) or with an
 * `IcebergScanError` of a stable code that, for data and delete files, names the corrupted file. Never a hang, a crash, an unhandled rejection or a bare Error/TypeError/RangeError/
 * RuntimeError. Cases are seeded: case N is always the same corruption of the same bytes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.ts';
import { readManifestList } from '../../src/metadata/manifest-list.ts';
import { startModuleWorker } from '../../src/runtime/module-url.ts';
import { buildTable } from '../builder/build-table.ts';
import type { BuiltTable, TableDescription } from '../builder/table-description.ts';
import { parquetMetadata } from 'hyparquet';
import { withDictionaryEncodingClaimed } from '../unit/read/decoder/decoder-files.ts';
import { mulberry32, mutate, type FileFormat, type MutationKind } from './mutations.ts';
import type { CaseReply, CaseRequest, CaseResult } from './scan-case-worker.ts';

/** Cases (each scanned twice: decodeWorkers 0 and the default pool). */
const CASES = 100;
const SEED = 0x1ceb3;
/** A scan that has not ended after this long is a hang. */
const HANG_MS = 15_000;

/** Every code of `ErrorCode` (src/errors.ts): the stable codes a failure may carry. */
const STABLE_CODES = Object.keys({
  invalid_argument: true, data_invalid: true, not_found: true, io_failed: true, aborted: true, feature_unsupported: true,
  path_refused: true, type_mismatch: true, unauthorized: true, forbidden: true, unavailable: true, non_append_snapshot: true,
} satisfies Record<ErrorCode, true>) as ErrorCode[];

type TargetKind = 'data' | 'delete' | 'manifest' | 'manifest-list' | 'metadata';
/** How often each kind of file is hit (out of the sum). */
const TARGET_WEIGHTS: ReadonlyArray<readonly [TargetKind, number]> = [['data', 30], ['delete', 25], ['manifest', 20], ['manifest-list', 15], ['metadata', 10]];
const MUTATIONS: readonly MutationKind[] = ['truncate', 'bit-flips', 'cut-slice', 'append-junk', 'overwrite-length'];
const MODES: ReadonlyArray<number | undefined> = [0, undefined];
const modeName = (m: number | undefined): string => (m === undefined ? 'pool' : 'local');

/** A file of the table the current snapshot reads, relative to the table folder. */
interface Target {
  readonly kind: TargetKind;
  readonly rel: string;
  readonly format: FileFormat;
}

interface Fixture {
  readonly table: BuiltTable;
  readonly expectedRows: number;
  readonly targets: Readonly<Record<TargetKind, readonly Target[]>>;
}

const ROWS = 1200;
const columns = (first: number) => ({
  id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(first + i)),
  name: Array.from({ length: ROWS }, (_, i) => `n-${first + i}-${'y'.repeat(i % 7)}`),
  x: Float64Array.from({ length: ROWS }, (_, i) => (first + i) / 3),
});

/**
 * Two data files of 3 row groups of 400 rows in pages of 50, a position delete file (v2), an
 * equality delete file, then (after an upgrade to v3) a deletion vector; zstd data files and
 * deflated manifests, or snappy and uncompressed ones. The location recorded is
 * fixed, so the bytes (and so each case's corruption) do not depend on the temp folder.
 */
function description(compression: 'zstd' | 'snappy'): TableDescription {
  return {
    formatVersion: 2, compression, seed: 7, location: `/warehouse/robustness/${compression}`,
    // Uncompressed manifests on one table: corruption reaches the Avro records themselves
    // (paths, counts, sizes) instead of failing the deflate stream first.
    manifestCodec: compression === 'zstd' ? 'deflate' : 'null',
    schema: [{ id: 1, name: 'id', type: 'long', required: true }, { id: 2, name: 'name', type: 'string' }, { id: 3, name: 'x', type: 'double' }],
    steps: [
      { append: [{ name: 'a', columns: columns(0), rowGroupSize: 400, pageRows: 50 }, { name: 'b', columns: columns(10_000), rowGroupSize: 400, pageRows: 50 }] },
      { positionDeletes: [{ name: 'pos', positions: { a: [0, 1, 399, 400, 401, 1199] } }] },
      { equalityDeletes: [{ name: 'eq', equalityIds: ['id'], rows: [{ id: 5 }, { id: 10_005 }, { id: 700 }] }] },
      { upgradeFormatVersion: 3 },
      { deletionVectors: [{ name: 'dv', dataFile: 'b', positions: [2, 3, 800, 801] }] },
    ],
  };
}

function targetsOf(table: BuiltTable): Fixture['targets'] {
  const snapshot = table.snapshots.at(-1)!;
  const live = snapshot.live.map((n) => table.files[n]!);
  const fileTarget = (kind: TargetKind) => (f: (typeof live)[number]): Target => ({ kind, rel: relative(table.dir, f.localPath), format: f.format });
  // Manifest list and manifests are recorded under the table's (fixed) location.
  const manifestList = relative(table.location, snapshot.manifestList);
  const manifests = readManifestList(readFileSync(join(table.dir, manifestList)), snapshot.manifestList)
    .map((m): Target => ({ kind: 'manifest', rel: relative(table.location, m.manifestPath), format: 'avro' }));
  return {
    data: live.filter((f) => f.content === 'data').map(fileTarget('data')),
    delete: live.filter((f) => f.content !== 'data').map(fileTarget('delete')),
    manifest: manifests,
    'manifest-list': [{ kind: 'manifest-list', rel: manifestList, format: 'avro' }],
    metadata: [{ kind: 'metadata', rel: relative(table.dir, table.metadataPath), format: 'json' }],
  };
}

/** A case as decided at collection time: which table and kind of file, which mutation, its PRNG. */
interface Case {
  readonly n: number;
  readonly name: string;
  readonly table: 'zstd' | 'snappy';
  readonly kind: TargetKind;
  readonly mutation: MutationKind;
  readonly rng: () => number;
}

const cases: Case[] = Array.from({ length: CASES }, (_, n) => {
  const rng = mulberry32(SEED + n);
  let pick = rng() * TARGET_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const kind = TARGET_WEIGHTS.find(([, w]) => (pick -= w) < 0)![0];
  const mutations = kind === 'metadata' ? MUTATIONS.filter((m) => m !== 'overwrite-length') : MUTATIONS;
  const table = n % 2 === 0 ? 'zstd' : 'snappy';
  const mutation = mutations[Math.floor(rng() * mutations.length)]!;
  return { n, name: `case ${n}: ${table} table, ${kind} file, ${mutation}`, table, kind, mutation, rng };
});

/** Runs scans in a worker thread that is terminated (and later replaced) when a scan hangs or the thread dies. */
class ScanHarness {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: CaseReply | { kind: 'died'; error: string }) => void>();

  private start(): Worker {
    const worker = startModuleWorker(new URL('./scan-case-worker.ts', import.meta.url));
    worker.on('message', (reply: CaseReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    const died = (error: string): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const resolve of this.waiting.values()) resolve({ kind: 'died', error });
      this.waiting.clear();
    };
    worker.on('error', (error) => died(`error: ${error?.stack ?? error}`));
    worker.on('exit', (code) => died(`exit ${code}`));
    this.worker = worker;
    return worker;
  }

  /** Sends `request` (without its id) and waits at most `timeoutMs` for the reply. */
  async send(request: Omit<Extract<CaseRequest, { kind: 'scan' }>, 'id'> | { kind: 'close' }, timeoutMs: number) {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const reply = await new Promise<CaseReply | { kind: 'died'; error: string } | { kind: 'hang' }>((resolve) => {
      this.waiting.set(id, resolve);
      timer = setTimeout(() => resolve({ kind: 'hang' }), timeoutMs);
      worker.postMessage({ ...request, id });
    });
    clearTimeout(timer);
    this.waiting.delete(id);
    if (reply.kind === 'hang') await this.stop();
    return reply;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** How a scan ended, as the summary counts it. */
type Outcome = 'ok' | 'ok (other rows)' | `error ${string}` | 'hang' | 'crash' | 'not an IcebergScanError';
interface Record_ {
  readonly c: Case;
  readonly target: Target;
  readonly detail: string;
  readonly mode: string;
  readonly outcome: Outcome;
  readonly result?: CaseResult;
}

let root: string;
const fixtures = new Map<Case['table'], Fixture>();
const harness = new ScanHarness();
const records: Record_[] = [];
let closing: { crashedDecodeWorkers: number; unhandled: readonly string[] } | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'iceberg-rx-mutated-'));
  for (const compression of ['zstd', 'snappy'] as const) {
    const table = await buildTable(join(root, `table-${compression}`), description(compression));
    fixtures.set(compression, { table, expectedRows: table.expectedRows().length, targets: targetsOf(table) });
  }
  // Warm-up (the harness thread, its modules and the decode pool start outside any case's
  // timeout), and the intact tables scan to the builder's oracle row count.
  for (const { table, expectedRows } of fixtures.values()) {
    for (const mode of MODES) {
      const reply = await harness.send({ kind: 'scan', dir: table.dir, decodeWorkers: mode }, 60_000);
      expect(reply.kind === 'result' && reply.result.outcome === 'ok' && reply.result.rows).toBe(expectedRows);
    }
  }
}, 120_000);

afterAll(async () => {
  if (closing === undefined) {
    const reply = await harness.send({ kind: 'close' }, 30_000);
    if (reply.kind === 'closed') closing = reply;
  }
  await harness.stop();
  rmSync(root, { recursive: true, force: true });
  printSummary();
}, 60_000);

describe('scanning a table with one corrupted file', () => {
  it('the generated tables have the deletes described, and each kind of file has a target', () => {
    for (const f of fixtures.values()) {
      expect(f.expectedRows).toBe(2 * ROWS - 6 - 4 - 3);
      for (const targets of Object.values(f.targets)) expect(targets.length).toBeGreaterThan(0);
      expect(f.targets.delete.map((t) => t.format).sort()).toEqual(['parquet', 'parquet', 'puffin']);
      expect(f.targets.manifest.length).toBeGreaterThanOrEqual(3);
    }
  });

  for (const c of cases) it(c.name, async () => {
    const fixture = fixtures.get(c.table)!;
    const choices = fixture.targets[c.kind];
    const target = choices[Math.floor(c.rng() * choices.length)]!;
    const dir = join(root, `case-${c.n}`);
    cpSync(fixture.table.dir, dir, { recursive: true });
    try {
      const original = readFileSync(join(dir, target.rel));
      const { bytes, detail } = mutate(new Uint8Array(original), target.format, c.mutation, c.rng);
      writeFileSync(join(dir, target.rel), bytes);
      const problems: string[] = [];
      for (const mode of MODES) {
        const reply = await harness.send({ kind: 'scan', dir, decodeWorkers: mode }, HANG_MS);
        const where = `case ${c.n} (${modeName(mode)}): ${target.rel} ${detail}`;
        if (reply.kind === 'hang' || reply.kind === 'died') {
          records.push({ c, target, detail, mode: modeName(mode), outcome: reply.kind === 'hang' ? 'hang' : 'crash' });
          problems.push(`${where}: ${reply.kind === 'hang' ? `no end after ${HANG_MS} ms` : `the scanning thread died: ${reply.error}`}`);
          continue;
        }
        if (reply.kind !== 'result') throw new Error(`unexpected reply ${reply.kind}`);
        const r = reply.result;
        for (const u of reply.unhandled) problems.push(`${where}: ${u}`);
        let outcome: Outcome;
        if (r.outcome === 'ok') {
          outcome = r.rows === fixture.expectedRows ? 'ok' : 'ok (other rows)';
          // A flipped bit may change values unnoticed; a structural corruption is either detected
          // or hit bytes the scan does not need (page indexes, a Puffin footer, bytes past the
          // recorded file size): then the rows are the same.
          if (outcome !== 'ok' && c.mutation !== 'bit-flips') {
            problems.push(`${where}: succeeded with ${r.rows} rows instead of ${fixture.expectedRows}: the corruption went unnoticed`);
          }
        } else if (!r.scanError) {
          outcome = 'not an IcebergScanError';
          problems.push(`${where}: threw ${r.name}: ${r.message}`);
        } else {
          outcome = `error ${r.code}`;
          if (!STABLE_CODES.includes(r.code as ErrorCode)) problems.push(`${where}: unknown code ${r.code}: ${r.message}`);
          if ((c.kind === 'data' || c.kind === 'delete') && !(r.path ?? '').endsWith(`/${target.rel}`)) {
            problems.push(`${where}: error names ${r.path ?? 'no file'}, not the corrupted file: ${r.code}: ${r.message}`);
          }
        }
        records.push({ c, target, detail, mode: modeName(mode), outcome, result: r });
      }
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 2 * HANG_MS + 10_000);

  it.each(['zstd', 'snappy'] as const)('a data page arrow-rs panics on (the decoder traps) fails the %s scan as data_invalid naming the file', async (compression) => {
    const fixture = fixtures.get(compression)!;
    const target = fixture.targets.data[0]!;
    const dir = join(root, `trap-${compression}`);
    cpSync(fixture.table.dir, dir, { recursive: true });
    try {
      const bytes = new Uint8Array(readFileSync(join(dir, target.rel)));
      const file = { path: target.rel, bytes, metadata: parquetMetadata(bytes.slice().buffer) };
      writeFileSync(join(dir, target.rel), withDictionaryEncodingClaimed(file, 1, 0));
      for (const mode of MODES) {
        const reply = await harness.send({ kind: 'scan', dir, decodeWorkers: mode }, HANG_MS);
        expect(reply.kind, modeName(mode)).toBe('result');
        if (reply.kind !== 'result') continue;
        expect(reply.unhandled).toEqual([]);
        expect(reply.result).toMatchObject({ outcome: 'error', scanError: true, code: 'data_invalid', path: expect.stringMatching(new RegExp(`/${target.rel}$`)) });
        expect(reply.result.outcome === 'error' && reply.result.message).toMatch(/the Parquet decoder trapped in row group 1/);
      }
      // The instance was replaced: the intact table scans again, in both modes.
      for (const mode of MODES) {
        const reply = await harness.send({ kind: 'scan', dir: fixture.table.dir, decodeWorkers: mode }, HANG_MS);
        expect(reply.kind === 'result' && reply.result.outcome === 'ok' && reply.result.rows).toBe(fixture.expectedRows);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 4 * HANG_MS);

  it('no decode worker crashed and nothing was left unhandled while the pool closed', async () => {
    // Runs last in this file: closes the harness's decode pool to read its crash count.
    const reply = await harness.send({ kind: 'close' }, 30_000);
    expect(reply.kind).toBe('closed');
    if (reply.kind !== 'closed') return;
    closing = reply;
    expect(reply.crashedDecodeWorkers).toBe(0);
    expect(reply.unhandled).toEqual([]);
  });
});

function printSummary(): void {
  const count = (rows: readonly Record_[], key: (r: Record_) => string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return new Map([...m].sort(([a], [b]) => a.localeCompare(b)));
  };
  const line = (m: Map<string, number>): string => [...m].map(([k, v]) => `${k}: ${v}`).join(', ');
  const out: string[] = [`mutation robustness: ${records.length} scans of ${CASES} corrupted tables (seed ${SEED})`];
  for (const mode of ['local', 'pool']) out.push(`  ${mode}: ${line(count(records.filter((r) => r.mode === mode), (r) => r.outcome))}`);
  out.push('  by file kind:');
  for (const [kind] of TARGET_WEIGHTS) out.push(`    ${kind}: ${line(count(records.filter((r) => r.c.kind === kind), (r) => r.outcome))}`);
  out.push('  by mutation:');
  for (const m of MUTATIONS) out.push(`    ${m}: ${line(count(records.filter((r) => r.c.mutation === m), (r) => r.outcome))}`);
  const quiet = records.filter((r) => r.outcome.startsWith('ok'));
  if (quiet.length > 0) {
    out.push('  scans that succeeded despite the corruption:');
    for (const r of quiet) {
      const rows = r.result?.outcome === 'ok' ? r.result.rows : '?';
      out.push(`    case ${r.c.n} ${r.mode}: ${r.target.rel} ${r.detail} → ${rows} rows (${r.outcome})`);
    }
  }
  if (closing !== undefined) out.push(`  decode workers crashed: ${closing.crashedDecodeWorkers}`);
  console.log(out.join('\n'));
}
