/**
 * The package as its users get it: `npm pack` the repository, install the tarball into an empty
 * project outside it with `--omit=dev`, and there
 * - import it from plain JavaScript on plain `node` and scan tables (a shared fixture and the sample table),
 * - type-check a TypeScript consumer and every ```ts example of README.md with
 *   `moduleResolution: "nodenext"` and `strict` (and the library's own `.d.ts` checked too),
 * - run `npx iceberg-rx scan` and `inspect`.
 * The tarball must hold dist/ (JavaScript, `.d.ts`, maps), the bin, the decoder's `.wasm`, README and
 * licence, and no TypeScript sources, tests, benches or fixtures.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/ensure-built.ts';
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES, REPO_ROOT } from '../helpers/fixture-paths.ts';
import { codeBlocks } from '../readme/readme-blocks.ts';

const FIXTURE_TABLE = join(ICEBERG_FIXTURES, 'apache__impala/iceberg_v2_delete_positional'); // 2 rows after position deletes
const SAMPLE_TABLE = join(REPO_ROOT, 'examples/sample-table'); // 299,226 rows after position deletes
const WASM = 'decoder/iceberg-rx-decoder.wasm';
const WRITER_WASM = 'decoder/iceberg-rx-writer.wasm';

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}

let work: string;
let project: string;
let packed: PackResult;

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const kib = (path: string): number => Number(ok(run('du', ['-sk', path], work), 'du').split('\t')[0]);

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'iceberg-rx-pack-'));
  // prepack rebuilds dist/ only when stale: ensureBuilt just did.
  const out = ok(run('npm', ['pack', '--json', '--pack-destination', work], REPO_ROOT), 'npm pack');
  packed = (JSON.parse(out) as PackResult[])[0]!;
  // An empty project in the system temp folder: nothing of the repository's node_modules is reachable.
  project = join(work, 'consumer');
  ok(run('mkdir', ['-p', project], work), 'mkdir');
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
  ok(
    run('npm', ['install', join(work, packed.filename), '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], project),
    'npm install of the tarball',
  );
  console.info(
    `npm pack: ${packed.filename} ${(packed.size / 1024).toFixed(0)} KiB (${packed.files.length} files, ` +
      `${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked); installed: node_modules ${kib(join(project, 'node_modules'))} KiB, ` +
      `node_modules/iceberg-rx ${kib(join(project, 'node_modules/iceberg-rx'))} KiB`,
  );
}, 240_000);

afterAll(() => {
  if (work !== undefined && process.env.ICEBERG_RX_KEEP_PACK !== '1') rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds dist/ (JavaScript, .d.ts and maps), the bin, README and licence', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/iceberg-rx.mjs', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/cli/main.js']));
    // The decoder's wasm ships whenever the repository has it.
    expect(paths.includes(WASM)).toBe(existsSync(join(REPO_ROOT, WASM)));
    expect(paths.includes(WRITER_WASM)).toBe(existsSync(join(REPO_ROOT, WRITER_WASM)));
  });

  it('holds no TypeScript sources, tests, benches, examples or fixtures', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => /\.[cm]?ts$/.test(p) && !/\.d\.[cm]?ts$/.test(p))).toEqual([]);
    expect(paths.filter((p) => !/^(dist\/|bin\/iceberg-rx\.mjs$|decoder\/iceberg-rx-(decoder|writer)\.wasm$|README\.md$|LICENSE$|package\.json$)/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|tests|bench|examples|conformance|fixtures|marbles)\//.test(p))).toEqual([]);
  });
});

describe('installed with --omit=dev into an empty project', () => {
  it('brings no dev dependency', () => {
    for (const dev of ['tsx', 'typescript', 'vitest', 'fast-check', 'typedoc', 'esbuild']) {
      expect(existsSync(join(project, 'node_modules', dev)), dev).toBe(false);
    }
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/iceberg-rx/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
  });

  it('exports iceberg-rx/distributed, whose Parquet writer finds its module in the installed package', () => {
    const writer = join(project, 'node_modules/iceberg-rx/dist/distributed/parquet-writer.js');
    writeFileSync(
      join(project, 'distributed.mjs'),
      [
        "import { dispatchScan, runScanWorker } from 'iceberg-rx/distributed';",
        "import { tableFromArrays, tableToIPC } from 'apache-arrow';",
        `const { openParquetWriter } = await import(${JSON.stringify(pathToFileURL(writer).href)});`,
        'const w = await openParquetWriter();',
        "const parts = [w.write(tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3]) }), 'stream')), w.finish()];",
        'w.close();',
        'const file = Buffer.concat(parts);',
        "console.log(JSON.stringify({ dispatch: typeof dispatchScan, worker: typeof runScanWorker, head: file.subarray(0, 4).toString(), tail: file.subarray(-4).toString(), bytes: file.length }));",
        '',
      ].join('\n'),
    );
    const out = JSON.parse(ok(run(process.execPath, ['distributed.mjs'], project), 'node distributed.mjs').trim()) as Record<string, unknown>;
    expect(out).toMatchObject({ dispatch: 'function', worker: 'function', head: 'PAR1', tail: 'PAR1' });
    expect(out.bytes).toBeGreaterThan(8);
  });

  it('is imported by plain JavaScript on plain node, which scans tables', () => {
    writeFileSync(
      join(project, 'scan.mjs'),
      [
        "import { loadTable, isIcebergScanError } from 'iceberg-rx';",
        'for (const path of process.argv.slice(2)) {',
        '  const table = await loadTable(path);',
        '  const scan = table.scan();',
        '  let rows = 0;',
        '  for await (const batch of scan.toAsyncIterable()) rows += batch.numRows;',
        "  const count = await table.scan({ select: ['id'] }).count();",
        '  console.log(JSON.stringify({ path, rows, count, files: scan.stats.files, isError: isIcebergScanError(new Error()) }));',
        '}',
        '',
      ].join('\n'),
    );
    const tables = [SAMPLE_TABLE, ...(HAVE_ICEBERG_FIXTURES ? [FIXTURE_TABLE] : [])];
    if (!HAVE_ICEBERG_FIXTURES) console.warn(`shared fixtures not found at ${ICEBERG_FIXTURES}: the installed package scans the sample table only`);
    const lines = ok(run(process.execPath, ['scan.mjs', ...tables], project), 'node scan.mjs').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ path: SAMPLE_TABLE, rows: 299_226, count: 299_226, isError: false });
    if (HAVE_ICEBERG_FIXTURES) expect(lines[1]).toMatchObject({ path: FIXTURE_TABLE, rows: 2, count: 2 });
  });

  it('type-checks a TypeScript consumer and the README examples (nodenext, strict, its .d.ts included)', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import type { RecordBatch } from 'apache-arrow';",
        "import { and, gt, isIcebergScanError, loadTable, type FileScanTask, type ScanStats, type Schema, type TableScanOptions } from 'iceberg-rx';",
        '',
        "const options: TableScanOptions = { select: ['id'], filter: and(gt('id', 0)), limit: 10 };",
        'const table = await loadTable(process.argv[2] ?? \'.\');',
        'const schema: Schema = table.schema();',
        'const scan = table.scan(options);',
        'const batches: RecordBatch[] = [];',
        'try {',
        '  for await (const batch of scan.toAsyncIterable()) batches.push(batch);',
        '} catch (err) {',
        '  if (isIcebergScanError(err)) console.error(err.code, err.path);',
        '}',
        'const tasks: FileScanTask[] = [];',
        'scan.planFiles().subscribe((task) => tasks.push(task));',
        'const stats: ScanStats = scan.stats;',
        'console.log(schema.fields.length, batches.length, stats.rows, tasks.length);',
        '',
      ].join('\n'),
    );
    const readmeTs = codeBlocks(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).filter((b) => b.lang === 'ts');
    expect(readmeTs.length).toBeGreaterThanOrEqual(5);
    readmeTs.forEach((b, i) => writeFileSync(join(project, `readme-${i}-line-${b.line}.ts`), b.code));
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false }, include: ['*.ts'] }, null, 2)}\n`,
    );
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const r = run(process.execPath, [tsc, '-p', project], project);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs `npx iceberg-rx scan` and `inspect`', () => {
    const table = HAVE_ICEBERG_FIXTURES ? FIXTURE_TABLE : SAMPLE_TABLE;
    const scan = ok(run('npx', ['--no-install', 'iceberg-rx', 'scan', table, '--format', 'ndjson', '--limit', '2'], project), 'npx iceberg-rx scan');
    const rows = scan.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    if (HAVE_ICEBERG_FIXTURES) expect(rows).toEqual([{ id: 1, data: 'a' }, { id: 3, data: 'c' }]);
    const inspect = ok(run('npx', ['--no-install', 'iceberg-rx', 'inspect', table, '--json'], project), 'npx iceberg-rx inspect');
    expect(JSON.parse(inspect)).toMatchObject({ formatVersion: 2 });
  });
});
