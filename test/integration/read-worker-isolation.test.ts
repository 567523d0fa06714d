import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs under plain `node --import tsx` (not vitest): decodes a file that panics parquet-wasm, then
 * a good one, through the shared pool, and prints the outcome. The process must survive the panic
 * and exit on its own (idle workers are unref'd).
 */
const script = `
import { decodeRowGroupIsolated } from './src/read/worker/decode-isolated.ts';
import { sequenceTable, toParquetBytes } from './test/helpers/parquet-files.ts';
const good = toParquetBytes(sequenceTable(20_000), 20_000);
const bad = good.slice();
const mid = Math.floor(bad.length * 0.5);
for (let i = mid; i < mid + 64; i++) bad[i] ^= 0xff;
const req = (bytes, path) => ({ path, fileSize: bytes.length, tail: { start: 0, bytes }, regions: [], rowGroup: 0, columns: ['id', 'name', 'x'], batchSize: 8192 });
const out = {};
try {
  for await (const b of decodeRowGroupIsolated(req(bad, 'file:///data/bad.parquet'))) void b;
  out.bad = 'no error';
} catch (e) {
  out.bad = { name: e.name, code: e.code, path: e.path };
}
let rows = 0;
for await (const b of decodeRowGroupIsolated(req(good, 'good.parquet'))) rows += b.numRows;
out.goodRows = rows;
console.log(JSON.stringify(out));
`;

describe('isolated decoding in a plain Node process', () => {
  it('survives a parquet-wasm panic with a typed error, keeps decoding, and exits by itself', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.error).toBeUndefined(); // no timeout: idle workers did not keep the process alive
    expect(r.stderr).not.toMatch(/RuntimeError|unreachable/);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({
      bad: { name: 'IcebergScanError', code: 'data_invalid', path: 'file:///data/bad.parquet' },
      goodRows: 20_000,
    });
  });
});
