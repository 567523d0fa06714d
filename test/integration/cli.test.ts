import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTable } from '../builder/build-table.ts';
import { FIXTURES, runCli, spawnCli } from './cli-run.ts';

const SAMPLE = 'examples/sample-table';
let dir: string;
let allTypes: string;

const LIST = { type: 'list', elementId: 20, elementRequired: false, element: 'int' } as const;
const MAP = { type: 'map', keyId: 21, key: 'string', valueId: 22, valueRequired: false, value: 'long' } as const;
const STRUCT = { type: 'struct', fields: [{ id: 23, name: 'x', required: false, type: 'double' }, { id: 24, name: 'y', required: false, type: 'string' }] } as const;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iceberg-rx-cli-'));
  allTypes = join(dir, 'all_types');
  await buildTable(allTypes, {
    formatVersion: 2,
    schema: [
      { id: 1, name: 'id', type: 'int', required: true },
      { id: 2, name: 'big', type: 'long' },
      { id: 3, name: 'f', type: 'float' },
      { id: 4, name: 'd', type: 'double' },
      { id: 5, name: 'dec', type: 'decimal(10,2)' },
      { id: 6, name: 'day', type: 'date' },
      { id: 7, name: 't', type: 'time' },
      { id: 8, name: 'ts', type: 'timestamp' },
      { id: 9, name: 'tstz', type: 'timestamptz' },
      { id: 10, name: 's', type: 'string' },
      { id: 11, name: 'u', type: 'uuid' },
      { id: 12, name: 'bin', type: 'binary' },
      { id: 13, name: 'fx', type: 'fixed[3]' },
      { id: 14, name: 'b', type: 'boolean' },
      { id: 15, name: 'st', type: STRUCT },
      { id: 16, name: 'li', type: LIST },
      { id: 17, name: 'm', type: MAP },
    ],
    steps: [{
      append: [{
        name: 'rows',
        rows: [
          {
            id: 1, big: 9007199254740993n, f: 0.1, d: Number.NaN, dec: '14.20', day: '2017-11-16', t: '22:31:08.123456',
            ts: '2017-11-16T22:31:08.123456', tstz: '2017-11-16T22:31:08.123456Z', s: 'héllo "q",\nx',
            u: 'f79c3e09-8ed2-462d-9f26-b2f3a3a7b9d1', bin: Uint8Array.from([0, 1, 2, 255]), fx: Uint8Array.from([1, 2, 3]), b: true,
            st: { x: 1.5, y: 'a' }, li: [1, null, 3], m: [['k', 5n]],
          },
          { id: 2, big: -7n, f: -2.5, d: Number.POSITIVE_INFINITY, dec: '-0.05', day: '1969-12-31', t: '00:00:00', b: false, st: null, li: [], m: [] },
        ],
      }],
    }],
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iceberg-rx scan', () => {
  it('writes NDJSON by the value rules for every type', async () => {
    const r = await spawnCli(['scan', allTypes, '--format', 'ndjson']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({
      id: 1, big: '9007199254740993', f: 0.1, d: 'NaN', dec: '14.20', day: '2017-11-16', t: '22:31:08.123456',
      ts: '2017-11-16T22:31:08.123456', tstz: '2017-11-16T22:31:08.123456Z', s: 'héllo "q",\nx',
      u: 'f79c3e09-8ed2-462d-9f26-b2f3a3a7b9d1', bin: 'AAEC/w==', fx: 'AQID', b: true,
      st: { x: 1.5, y: 'a' }, li: [1, null, 3], m: [{ key: 'k', value: 5 }],
    });
    expect(rows[1]).toMatchObject({ id: 2, big: -7, f: -2.5, d: 'Infinity', dec: '-0.05', day: '1969-12-31', t: '00:00:00.000000', ts: null, u: null, st: null, li: [], m: [] });
  });

  it('writes CSV and honours --select, --limit and --stats', async () => {
    const r = await runCli(['scan', allTypes, '--format', 'csv', '--select', 's,id,dec', '--limit', '1', '--stats']);
    expect(r.code).toBe(0);
    expect(r.text).toBe('s,id,dec\r\n"héllo ""q"",\nx",1,14.20\r\n');
    const stats = JSON.parse(r.stderr.trim());
    expect(stats).toMatchObject({ rows: 1, files: 1 });
    for (const key of ['batches', 'rowGroupsRead', 'rowGroupsSkipped', 'bytesRead', 'seconds']) expect(stats).toHaveProperty(key);
    expect(stats.bytesRead).toBeGreaterThan(0);
  });

  it('writes an Arrow IPC stream that reads back with every row', async () => {
    const r = await spawnCli(['scan', SAMPLE, '--format', 'arrow', '--batch-size', '50000']);
    expect(r.code).toBe(0);
    const table = tableFromIPC(r.stdout);
    expect(table.numRows).toBe(299_226); // 300,000 rows minus 774 position-deleted
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'region', 'ordered_at', 'customer_id', 'product', 'quantity', 'unit_price', 'note']);
  });

  it('writes an aligned table with --format table', async () => {
    const r = await runCli(['scan', allTypes, '--format', 'table', '--select', 'id,s', '--limit', '2']);
    expect(r.code).toBe(0);
    const lines = r.text.split('\n');
    expect(lines[0]).toMatch(/^\s+id │ s\s*$/);
    expect(lines[2]).toMatch(/^\s+1 │ héllo "q", x\s*$/);
  });

  it('reads an older snapshot by tag (--ref) with the rows it had then', async () => {
    const r = await runCli(['scan', SAMPLE, '--ref', 'before-cancellations', '--select', 'id', '--stats']);
    expect(r.code).toBe(0);
    expect(r.text.trim().split('\n')).toHaveLength(300_000);
    expect(JSON.parse(r.stderr.trim()).rows).toBe(300_000);
  });

  it('stops quietly with exit 0 when the reader closes the pipe (| head)', async () => {
    const r = await spawnCli(['scan', SAMPLE], { closeStdoutAfter: 1 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 2 with a message on bad arguments', async () => {
    const unknown = await spawnCli(['scan', SAMPLE, '--no-such-option']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-option/);
    const format = await runCli(['scan', SAMPLE, '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format/);
  });

  it('exits 1 naming the error code and the file when the scan fails', async () => {
    const missing = await spawnCli(['scan', join(dir, 'does-not-exist')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[not_found\]/);
    const noSnapshot = await runCli(['scan', SAMPLE, '--snapshot', '12345']);
    expect(noSnapshot.code).toBe(1);
    expect(noSnapshot.stderr).toMatch(/error \[not_found\]/);
    const unknownColumn = await runCli(['scan', SAMPLE, '--select', 'nope']);
    expect(unknownColumn.code).toBe(1);
    expect(unknownColumn.stderr).toMatch(/error \[not_found\]/);
  });
});

describe('progress and the sample', () => {
  it('shows a progress line on a terminal stderr, erased at the end; defaults to table output on a terminal', async () => {
    const r = await runCli(['scan', SAMPLE, '--limit', '5', '--select', 'id'], { stdout: true, stderr: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\r\x1b\[2K. .*rows · /);
    expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(r.text.split('\n')[1]).toMatch(/^─+$/);
    const quiet = await runCli(['scan', SAMPLE, '--limit', '5', '--quiet'], { stdout: false, stderr: true });
    expect(quiet.stderr).toBe('');
  });

  it('npm start (examples/sample.ts) streams the sample table and prints the summary', async () => {
    const r = await spawnCli([], { nodeArgs: ['--import', 'tsx', 'examples/sample.ts'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/rows\s+299,226 \(774 removed by deletes\)/);
    expect(r.text).toMatch(/files\s+8 data files, 2 delete files/);
    for (const label of ['batches', 'bytes read', 'time', 'peak memory']) expect(r.text).toContain(label);
  });
});

describe('iceberg-rx --help', () => {
  it('prints help for the program and for every command', async () => {
    const spawned = await spawnCli(['--help']);
    expect(spawned.code).toBe(0);
    expect(spawned.text).toMatch(/Commands:/);
    for (const args of [['scan', '--help'], ['inspect', '--help'], ['plan', '-h']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.text).toMatch(new RegExp(`Usage: iceberg-rx ${args[0]}`));
    }
  });
});

describe('iceberg-rx inspect and plan', () => {
  it('inspects the sample table', async () => {
    const r = await runCli(['inspect', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/format version\s+2/);
    expect(r.text).toMatch(/1\s+id\s+long\s+required/);
    expect(r.text).toMatch(/region=identity\(2\) \[1000\]/);
    expect(r.text).toMatch(/before-cancellations\s+tag/);
    const json = JSON.parse((await runCli(['inspect', SAMPLE, '--json'])).text);
    expect(json.snapshots).toHaveLength(3);
    expect(json.schemas[0].fields.map((f: { name: string }) => f.name)).toContain('unit_price');
  });

  it('plans the sample table: 8 tasks, 2 with position deletes attached', async () => {
    const r = await runCli(['plan', SAMPLE, '--json']);
    expect(r.code).toBe(0);
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(lines).toHaveLength(8);
    expect(lines.filter((t) => t.deletes.length === 1)).toHaveLength(2);
    expect(summary.summary).toMatchObject({ tasks: 8, records: 300_000, deleteFiles: 2 });
  });

  it.skipIf(!existsSync(FIXTURES))('plans a real moved table written by Spark', async () => {
    const r = await spawnCli(['plan', join(FIXTURES, 'hyparam__icebird/spark_rename_column')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/tasks/);
  });
});
