/**
 * Table builder: every primitive type plus map/list/struct columns and non-identity partitions,
 * checked three ways — Parquet types and values through hyparquet, manifest partition values, and
 * `loadTable` + scan + NDJSON formatting against the builder's oracle.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdjsonFormatter } from '../../../src/format/ndjson.ts';
import { loadTable } from '../../../src/table/load-table.ts';
import { buildTable } from '../../builder/build-table.ts';
import type { BuiltTable } from '../../builder/table-description.ts';
import { parquetFooter, readAvro } from './read-back.ts';

const UUID = 'f79c3e09-677c-4bbd-a479-3f349cb785e7';
let root: string;
let t: BuiltTable;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'builder-types-'));
  t = await buildTable(root, {
    formatVersion: 3,
    schema: [
      { id: 1, name: 'b', type: 'boolean' },
      { id: 2, name: 'i', type: 'int' },
      { id: 3, name: 'l', type: 'long' },
      { id: 4, name: 'f', type: 'float' },
      { id: 5, name: 'd', type: 'double' },
      { id: 6, name: 'dec', type: 'decimal(9,2)' },
      { id: 7, name: 'dec38', type: 'decimal(38,10)' },
      { id: 8, name: 'dt', type: 'date' },
      { id: 9, name: 't', type: 'time' },
      { id: 10, name: 'ts', type: 'timestamp' },
      { id: 11, name: 'tz', type: 'timestamptz' },
      { id: 12, name: 'tsn', type: 'timestamp_ns' },
      { id: 13, name: 's', type: 'string' },
      { id: 14, name: 'u', type: 'uuid' },
      { id: 15, name: 'fx', type: 'fixed[3]' },
      { id: 16, name: 'bin', type: 'binary' },
      { id: 17, name: 'm', type: { type: 'map', keyId: 18, key: 'string', valueId: 19, valueRequired: false, value: 'int' } },
      { id: 20, name: 'lst', type: { type: 'list', elementId: 21, elementRequired: true, element: { type: 'struct', fields: [{ id: 22, name: 'a', type: 'long', required: false }] } } },
    ],
    partitionSpec: [
      { source: 'dec', transform: 'truncate[100]' },
      { source: 'u', transform: 'bucket[8]' },
      { source: 'tsn', transform: 'hour' },
    ],
    steps: [
      {
        append: [
          {
            name: 'all',
            rows: [
              {
                b: true,
                i: -5,
                l: 2n ** 60n,
                f: 1.1,
                d: -Infinity,
                dec: '-12.34',
                dec38: '-1234567890123456789012345678.0123456789',
                dt: '1969-12-31',
                t: '23:59:59.999999',
                ts: '2020-02-29T12:00:00.000001',
                tz: '2020-02-29T12:00:00+02:00',
                tsn: '2020-02-29T12:00:00.123456789',
                s: 'héllo😀',
                u: UUID,
                fx: Uint8Array.of(1, 2, 3),
                bin: Uint8Array.of(255),
                m: { k1: 1, k2: null },
                lst: [{ a: 1 }, { a: null }],
              },
              { i: 7, dec: '-12.99', u: UUID, tsn: '2020-02-29T12:59:00' },
            ],
          },
        ],
      },
    ],
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('all types', () => {
  it('writes Iceberg Parquet types and logical annotations', () => {
    const types = Object.fromEntries(parquetFooter(t.files.all!.localPath).schema.filter((s) => s.field_id !== undefined).map((s) => [s.name, [s.type, s.logical_type?.type ?? null]]));
    expect(types).toMatchObject({
      b: ['BOOLEAN', null],
      i: ['INT32', null],
      l: ['INT64', null],
      f: ['FLOAT', null],
      d: ['DOUBLE', null],
      dec: ['INT32', 'DECIMAL'],
      dec38: ['FIXED_LEN_BYTE_ARRAY', 'DECIMAL'],
      dt: ['INT32', 'DATE'],
      t: ['INT64', 'TIME'],
      ts: ['INT64', 'TIMESTAMP'],
      tsn: ['INT64', 'TIMESTAMP'],
      s: ['BYTE_ARRAY', 'STRING'],
      fx: ['FIXED_LEN_BYTE_ARRAY', null],
      bin: ['BYTE_ARRAY', null],
      m: [undefined, 'MAP'],
      lst: [undefined, 'LIST'],
    });
  });

  it('is readable by an independent Parquet reader (hyparquet)', async () => {
    const b = readFileSync(t.files.all!.localPath);
    const rows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, compressors });
    expect(rows[0]).toMatchObject({ b: true, i: -5, l: 2n ** 60n, s: 'héllo😀', dt: new Date(Date.UTC(1969, 11, 31)) });
    expect(rows[0]!.dec).toBeCloseTo(-12.34);
    expect(rows[1]).toMatchObject({ i: 7, b: null, s: null });
  });

  it('stores non-identity partition values with their result types', async () => {
    expect(t.files.all!.partition).toEqual({ 1000: '-13.00', 1001: 4, 1002: 439716 });
    const manifest = (await readAvro((await readAvro(t.snapshots[0]!.manifestList)).records[0]!.manifest_path as string)).records[0]!;
    const partition = (manifest.data_file as { partition: Record<string, unknown> }).partition;
    expect(partition).toEqual({ dec_trunc: Buffer.from([0xff, 0xff, 0xfa, 0xec]), u_bucket: 4, tsn_hour: 439716 });
  });

  it('scans back (loadTable + NDJSON) exactly as the oracle predicts', async () => {
    const table = await loadTable(root);
    const batches = await lastValueFrom(table.scan().batches().pipe(toArray()));
    const lines = batches.map((batch) => createNdjsonFormatter(batch.schema)(batch)).join('').trim().split('\n');
    const expected = t.expectedRows();
    expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
    expect(expected[0]).toMatchObject({ l: '1152921504606846976', f: 1.1, d: '-Infinity', tz: '2020-02-29T10:00:00.000000Z', fx: 'AQID', m: [{ key: 'k1', value: 1 }, { key: 'k2', value: null }] });
  });
});
