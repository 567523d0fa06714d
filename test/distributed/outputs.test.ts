/**
 * The pieces of a distributed scan that need no Redis: deterministic job ids, Redis URLs, the
 * atomic local output file, and the Arrow IPC and Parquet outputs (the Parquet writer of the
 * decoder module, read back by hyparquet).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, tableFromIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isIcebergScanError } from '../../src/errors.ts';
import { outputFileName, scanJobId, taskJobId } from '../../src/distributed/job-ids.ts';
import { openLocalOutputFile } from '../../src/distributed/local-output-file.ts';
import { writeIpcStream } from '../../src/distributed/ipc-output.ts';
import { writeParquet } from '../../src/distributed/parquet-output.ts';
import { openParquetWriter } from '../../src/distributed/parquet-writer.ts';
import { redisConnectionOptions } from '../../src/distributed/redis-connection.ts';
import { dataTask } from '../helpers/scan-fixtures.ts';
import { filesIn } from './distributed-helpers.ts';

const withId = (f: Field, id: number): Field => new Field(f.name, f.type, f.nullable, new Map([['PARQUET:field_id', String(id)]]));
const SCHEMA = new Schema([withId(new Field('id', new Int64(), false), 1), withId(new Field('name', new Utf8(), true), 2), withId(new Field('v', new Float64(), true), 3)]);

function batch(from: number, rows: number): RecordBatch {
  const ids = vectorFromArray(Array.from({ length: rows }, (_, i) => BigInt(from + i)), new Int64());
  const names = vectorFromArray(Array.from({ length: rows }, (_, i) => ((from + i) % 3 === 0 ? null : `n${from + i}`)), new Utf8());
  const vs = vectorFromArray(Array.from({ length: rows }, (_, i) => (from + i) / 4), new Float64());
  const data = makeData({ type: new Struct(SCHEMA.fields), length: rows, nullCount: 0, children: [ids.data[0]!, names.data[0]!, vs.data[0]!] });
  return new RecordBatch(SCHEMA, data);
}

async function* each<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

const arrayBufferOf = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iceberg-rx-outputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('job ids', () => {
  const table = { location: '/t/metadata/v2.metadata.json' };
  const spec = { schemaId: 0, caseSensitive: true };
  const output = { format: 'arrow' as const, location: '/out' };

  test('are deterministic, change with what decides the output, and hold no ":"', () => {
    const id = scanJobId(table, spec, output);
    expect(id).toMatch(/^scan-[0-9a-f]{20}$/);
    expect(scanJobId({ ...table }, { caseSensitive: true, schemaId: 0 }, { ...output })).toBe(id);
    expect(scanJobId(table, { ...spec, filter: 'id > 1' }, output)).not.toBe(id);
    expect(scanJobId(table, spec, { ...output, location: '/other' })).not.toBe(id);
    expect(scanJobId({ location: '/t/metadata/v3.metadata.json' }, spec, output)).not.toBe(id);
    const a = dataTask('/t/data/a.parquet', 100, 10);
    const b = dataTask('/t/data/b.parquet', 100, 10);
    expect(taskJobId(id, a)).toBe(taskJobId(id, dataTask('/t/data/a.parquet', 100, 10)));
    expect(taskJobId(id, a)).not.toBe(taskJobId(id, b));
    expect(taskJobId(id, dataTask('/t/data/a.parquet', 100, 10, { start: 0, length: 50 }))).not.toBe(taskJobId(id, a));
    expect(taskJobId(id, a)).not.toContain(':');
    expect(outputFileName(7, a, 'arrows')).toMatch(/^part-00007-[0-9a-f]{16}\.arrows$/);
  });
});

describe('redis connection', () => {
  test('URLs become ioredis options that wait through restarts', () => {
    expect(redisConnectionOptions('redis://u:p%40ss@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, username: 'u', password: 'p@ss', db: 2, maxRetriesPerRequest: null });
    expect(redisConnectionOptions('rediss://h')).toMatchObject({ host: 'h', port: 6379, tls: {} });
    for (const bad of ['http://h:1', 'not a url', 'redis://h/x']) {
      let error: unknown;
      try {
        redisConnectionOptions(bad);
      } catch (e) {
        error = e;
      }
      expect(isIcebergScanError(error) && error.code).toBe('invalid_argument');
    }
  });
});

describe('local output file', () => {
  test('nothing is visible before commit; commit renames; abort leaves nothing; stale temporary files are removed', async () => {
    const out = join(dir, 'local');
    const f = await openLocalOutputFile(out, 'part-1.arrows');
    await f.write(Uint8Array.from([1, 2, 3]));
    expect(existsSync(join(out, 'part-1.arrows'))).toBe(false);
    expect(filesIn(out)).toHaveLength(1);
    expect(await f.commit()).toEqual({ location: join(out, 'part-1.arrows'), bytes: 3 });
    expect(filesIn(out)).toEqual(['part-1.arrows']);

    const g = await openLocalOutputFile(out, 'part-2.arrows');
    await g.write(Uint8Array.from([9]));
    await g.abort();
    expect(filesIn(out)).toEqual(['part-1.arrows']);

    // A killed attempt's leftover, and another task's, when part-1 is written again.
    writeFileSync(join(out, '.part-1.arrows.123-deadbeef.tmp'), 'partial');
    writeFileSync(join(out, '.part-3.arrows.123-deadbeef.tmp'), 'other task');
    const h = await openLocalOutputFile(out, 'part-1.arrows');
    expect(filesIn(out)).not.toContain('.part-1.arrows.123-deadbeef.tmp');
    expect(filesIn(out)).toContain('.part-3.arrows.123-deadbeef.tmp');
    await h.write(Uint8Array.from([4, 5]));
    await h.commit();
    expect([...readFileSync(join(out, 'part-1.arrows'))]).toEqual([4, 5]);
  });
});

describe('Arrow IPC output', () => {
  test('batches become one stream; no batch gives a schema-only stream', async () => {
    const f = await openLocalOutputFile(join(dir, 'ipc'), 'a.arrows');
    expect(await writeIpcStream(each([batch(0, 5), batch(5, 3)]), SCHEMA, f)).toBe(8);
    const t = tableFromIPC(readFileSync((await f.commit()).location));
    expect(t.numRows).toBe(8);
    expect(t.getChild('id')!.toArray()).toEqual(BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]));
    expect(t.schema.fields[0]!.metadata.get('PARQUET:field_id')).toBe('1');
    const e = await openLocalOutputFile(join(dir, 'ipc'), 'empty.arrows');
    expect(await writeIpcStream(each([]), SCHEMA, e)).toBe(0);
    const empty = tableFromIPC(readFileSync((await e.commit()).location));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((x) => x.name)).toEqual(['id', 'name', 'v']);
  });
});

describe('Parquet output (arrow-rs ArrowWriter in the decoder module)', () => {
  test('rows, nulls and field ids survive; row groups follow rowGroupRows; compression is recorded', async () => {
    const f = await openLocalOutputFile(join(dir, 'pq'), 'a.parquet');
    const batches = [batch(0, 700), batch(700, 700), batch(1400, 100)];
    expect(await writeParquet(each(batches), SCHEMA, f, { compression: 'snappy', rowGroupRows: 1000 })).toBe(1500);
    const bytes = readFileSync((await f.commit()).location);
    const meta = parquetMetadata(arrayBufferOf(bytes));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([1000, 500]);
    expect(meta.schema.slice(1).map((s) => [s.name, s.field_id])).toEqual([['id', 1], ['name', 2], ['v', 3]]);
    expect(meta.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('SNAPPY');
    const rows = await parquetReadObjects({ file: arrayBufferOf(bytes), compressors });
    expect(rows).toHaveLength(1500);
    expect(rows[3]).toEqual({ id: 3n, name: null, v: 0.75 });
    expect(rows[1499]).toEqual({ id: 1499n, name: 'n1499', v: 1499 / 4 });
  });

  test('a task without rows is a valid file with the schema; zstd by default', async () => {
    const f = await openLocalOutputFile(join(dir, 'pq'), 'empty.parquet');
    expect(await writeParquet(each([]), SCHEMA, f)).toBe(0);
    const bytes = readFileSync((await f.commit()).location);
    const meta = parquetMetadata(arrayBufferOf(bytes));
    expect(Number(meta.num_rows)).toBe(0);
    expect(meta.schema.slice(1).map((s) => s.name)).toEqual(['id', 'name', 'v']);
    const g = await openLocalOutputFile(join(dir, 'pq'), 'z.parquet');
    await writeParquet(each([batch(0, 10)]), SCHEMA, g);
    const z = parquetMetadata(arrayBufferOf(readFileSync((await g.commit()).location)));
    expect(z.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('ZSTD');
  });

  test('bytes that are no IPC stream are a data_invalid error', async () => {
    const w = await openParquetWriter();
    let error: unknown;
    try {
      w.write(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    } catch (e) {
      error = e;
    } finally {
      w.close();
    }
    expect(isIcebergScanError(error) && error.code).toBe('data_invalid');
    expect((error as Error).message).toMatch(/Arrow IPC/);
  });
});

describe('entry points', () => {
  test('the main entry never imports BullMQ or src/distributed (statically, transitively); the subpath does', () => {
    const reach = (entry: string): Set<string> => {
      const seen = new Set<string>();
      const visit = (file: string): void => {
        if (seen.has(file)) return;
        seen.add(file);
        // Static imports and re-exports only: dynamic import() (the CLI commands) is lazy by design.
        for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
          const spec = m[1]!;
          if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
          else seen.add(spec);
        }
      };
      visit(entry);
      return seen;
    };
    const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
    const main = [...reach(join(root, 'src/index.ts'))];
    expect(main.length).toBeGreaterThan(20);
    expect(main.filter((f) => f === 'bullmq' || f === 'ioredis' || f.includes('/src/distributed/'))).toEqual([]);
    expect(reach(join(root, 'src/distributed/index.ts')).has('bullmq')).toBe(true);
  });
});
