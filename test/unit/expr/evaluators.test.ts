import * as arrow from 'apache-arrow';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import * as pw from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { bindExpression, type BoundExpression } from '../../../src/expr/bind.ts';
import { evaluateRows } from '../../../src/expr/evaluate-rows.ts';
import { manifestMightMatch, type PartitionFieldSummary } from '../../../src/expr/manifest-evaluator.ts';
import { metricsMightMatch } from '../../../src/expr/metrics-evaluator.ts';
import { parseFilter } from '../../../src/expr/parse-filter.ts';
import { rowGroupMightMatch } from '../../../src/expr/row-group-evaluator.ts';
import type { ContentFile } from '../../../src/metadata/content-file.ts';
import { SCHEMA } from './schema-fixture.ts';

const bind = (text: string): BoundExpression => bindExpression(parseFilter(text), SCHEMA);
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const int32 = (v: number): string => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b64(b); };
const int64 = (v: bigint): string => { const b = Buffer.alloc(8); b.writeBigInt64LE(v); return b64(b); };
const f32 = (v: number): string => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b64(b); };
const f64 = (v: number): string => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b64(b); };
const str = (s: string): string => b64(new TextEncoder().encode(s));

function dataFile(m: Partial<ContentFile>): ContentFile {
  return { content: 'data', path: 'f.parquet', format: 'parquet', recordCount: 10, fileSizeInBytes: 1, specId: 0, partition: {}, ...m } as ContentFile;
}

describe('metrics evaluator', () => {
  const ints = dataFile({
    valueCounts: { 18: 10, 2: 10, 6: 10 },
    nullValueCounts: { 18: 2, 2: 10, 6: 0 },
    nanValueCounts: { 6: 10 },
    lowerBounds: { 18: int32(10) },
    upperBounds: { 18: int32(20) },
  });
  const might = (f: string, file = ints): boolean => metricsMightMatch(bind(f), file);

  it('prunes ranges by bounds', () => {
    expect(might('i < 10')).toBe(false);
    expect(might('i <= 10')).toBe(true);
    expect(might('i > 20')).toBe(false);
    expect(might('i >= 20')).toBe(true);
    expect(might('i = 21')).toBe(false);
    expect(might('i = 15')).toBe(true);
    expect(might('i in (1, 30)')).toBe(false);
    expect(might('i in (1, 10)')).toBe(true);
    expect(might('i != 15')).toBe(true);
    expect(might('i is null')).toBe(true);
    expect(might('i is not null')).toBe(true);
  });

  it('uses null and NaN counts', () => {
    expect(might("name = 'a'")).toBe(false);
    expect(might("name != 'a'")).toBe(false);
    expect(might('name is null')).toBe(true);
    expect(might('name is not null')).toBe(false);
    expect(might('f is nan')).toBe(true);
    expect(might('f is not nan')).toBe(false);
    expect(might('f < 1')).toBe(false);
    expect(might('f != 1')).toBe(true);
    expect(might('f is null')).toBe(false);
  });

  it('treats missing metrics as unknown, never as all-null', () => {
    expect(might('id = 5')).toBe(true);
    expect(might("d = '2020-01-01'")).toBe(true);
    expect(might('i = 5', dataFile({}))).toBe(true);
    expect(might('i is not null', dataFile({}))).toBe(true);
  });

  it('decodes bounds written before a type promotion by their length', () => {
    const promoted = dataFile({ lowerBounds: { 1: int32(10), 6: f32(1.5), 4: int32(18000) }, upperBounds: { 1: int32(20), 6: f32(2.5), 4: int32(18001) } });
    expect(might('id = 25', promoted)).toBe(false);
    expect(might('id = 15', promoted)).toBe(true);
    expect(might('f > 2.5', promoted)).toBe(false);
    expect(might('f >= 2.5', promoted)).toBe(true);
    expect(might("ts < '2019-04-14'", promoted)).toBe(false);
    expect(might("ts < '2019-04-15 00:00:01'", promoted)).toBe(true);
    const longs = dataFile({ lowerBounds: { 1: int64(-5n) }, upperBounds: { 1: int64(9007199254740993n) } });
    expect(might('id > 9007199254740993', longs)).toBe(false);
    expect(might('id >= 9007199254740993', longs)).toBe(true);
    expect(might('f = 2', dataFile({ lowerBounds: { 6: f64(2) }, upperBounds: { 6: f64(2) } }))).toBe(true);
  });

  it('handles string prefixes with truncated bounds', () => {
    const s = dataFile({ lowerBounds: { 2: str('abc') }, upperBounds: { 2: str('abd') }, nullValueCounts: { 2: 0 }, valueCounts: { 2: 10 } });
    expect(might("name like 'abcz%'", s)).toBe(true);
    expect(might("name like 'abe%'", s)).toBe(false);
    expect(might("name like 'aa%'", s)).toBe(false);
    expect(might("name not like 'ab%'", s)).toBe(false);
    expect(might("name not like 'abc%'", s)).toBe(true);
  });

  it('uses only the equality columns of an equality delete file', () => {
    const del = dataFile({ content: 'equality_deletes', equalityIds: [18], lowerBounds: { 18: int32(7), 2: str('y') }, upperBounds: { 18: int32(7), 2: str('y') } });
    expect(might("name = 'x'", del)).toBe(true);
    expect(might('i = 5', del)).toBe(false);
    expect(might('i = 7', del)).toBe(true);
  });

  it('ignores NaN bounds and inverted bounds', () => {
    const bad = dataFile({ lowerBounds: { 6: f64(NaN), 18: int32(5) }, upperBounds: { 6: f64(1), 18: int32(1) } });
    expect(might('f < -100', bad)).toBe(true);
    expect(might('i = 3', bad)).toBe(true);
  });
});

describe('manifest evaluator', () => {
  const spec = { specId: 0, fields: [{ sourceId: 18, fieldId: 1000, name: 'i', transform: 'identity' }, { sourceId: 6, fieldId: 1001, name: 'f', transform: 'identity' }] };
  const m = (i: PartitionFieldSummary, f: PartitionFieldSummary = { containsNull: true }) => ({ partitions: [i, f] });
  const might = (filter: string, summaries: { partitions?: PartitionFieldSummary[] }): boolean => manifestMightMatch(bind(filter), spec, summaries);

  it('prunes by bounds, null and NaN summaries', () => {
    const summary = m({ containsNull: false, lowerBound: int32(1), upperBound: int32(3) });
    expect(might('i = 5', summary)).toBe(false);
    expect(might('i = 2', summary)).toBe(true);
    expect(might('i is null', summary)).toBe(false);
    expect(might('i > 3', summary)).toBe(false);
    const allNull = m({ containsNull: true });
    expect(might('i < 3', allNull)).toBe(false);
    expect(might('i != 3', allNull)).toBe(false);
    expect(might('i is null', allNull)).toBe(true);
    expect(might('f is nan', m({ containsNull: true }, { containsNull: false, containsNan: false, lowerBound: f64(1), upperBound: f64(2) }))).toBe(false);
    expect(might('f is nan', m({ containsNull: true }, { containsNull: false, lowerBound: f64(1), upperBound: f64(2) }))).toBe(true);
    expect(might('f != 5', m({ containsNull: true }, { containsNull: false, containsNan: true }))).toBe(true);
    expect(might('f > 5', m({ containsNull: true }, { containsNull: false, containsNan: true }))).toBe(false);
  });

  it('never prunes without summaries or with a summary count that does not fit the spec', () => {
    expect(might('i = 5', {})).toBe(true);
    expect(might('i = 5', { partitions: [{ containsNull: false, lowerBound: int32(1), upperBound: int32(1) }] })).toBe(true);
    expect(might('i = 5', m({ containsNull: false }))).toBe(true);
  });

  it('accepts byte arrays as well as base64', () => {
    expect(might('i = 5', m({ containsNull: false, lowerBound: Buffer.from(int32(1), 'base64'), upperBound: Buffer.from(int32(3), 'base64') }))).toBe(false);
  });
});

describe('row-group evaluator over real Parquet statistics', () => {
  const withId = (name: string, type: arrow.DataType, id: number): arrow.Field =>
    new arrow.Field(name, type, true, new Map([['PARQUET:field_id', String(id)]]));
  function footerOf(table: arrow.Table, rowGroupSize: number): FileMetaData {
    const props = new pw.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupSize).build();
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
    return parquetMetadata(bytes.slice().buffer);
  }
  const n = 40;
  /** Row k's timestamp: 1.5 ms apart, so hyparquet's ms-precision Date statistics are truncated. */
  const tsMicros = (k: number): bigint => 1_600_000_000_000_000n + BigInt(k) * 1500n;
  const schema = new arrow.Schema([
    withId('id', new arrow.Int64(), 1),
    withId('name', new arrow.Utf8(), 2),
    withId('ts', new arrow.TimestampMicrosecond('UTC'), 4),
    withId('i', new arrow.Int32(), 18),
  ]);
  const table = new arrow.Table(schema, {
    id: arrow.vectorFromArray(Array.from({ length: n }, (_, k) => BigInt(k)), new arrow.Int64()),
    name: arrow.vectorFromArray(Array.from({ length: n }, (_, k) => `n${String(k).padStart(2, '0')}`), new arrow.Utf8()),
    ts: arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: BigInt64Array.from({ length: n }, (_, k) => tsMicros(k)) })),
    i: arrow.vectorFromArray(Array.from({ length: n }, (_, k) => (k < 10 ? null : k)), new arrow.Int32()),
  });
  const footer = footerOf(table, 10);
  const groups = (filter: string): number[] =>
    footer.row_groups.map((_, k) => k).filter((k) => rowGroupMightMatch(bind(filter), footer, k));

  it('keeps exactly the row groups whose statistics can match', () => {
    expect(footer.row_groups.length).toBe(4);
    expect(groups('id >= 25')).toEqual([2, 3]);
    expect(groups('id < 10')).toEqual([0]);
    expect(groups("name = 'n15'")).toEqual([1]);
    expect(groups("name like 'n3%'")).toEqual([3]);
    expect(groups('i is null')).toEqual([0]);
    expect(groups('i is not null')).toEqual([1, 2, 3]);
    expect(groups('i = 5')).toEqual([]);
    expect(groups('d = 5')).toEqual([0, 1, 2, 3]);
  });

  it('widens millisecond-truncated timestamp statistics instead of pruning wrongly', () => {
    const tsOf = (k: number): string => {
      const us = tsMicros(k);
      return `${new Date(Number(us / 1000n)).toISOString().slice(0, 23)}${String(us % 1000n).padStart(3, '0')}`;
    };
    for (let k = 0; k < n; k++) expect(groups(`ts = '${tsOf(k)}'`)).toContain(Math.floor(k / 10));
    expect(groups(`ts >= '${tsOf(25)}'`)).toEqual([2, 3]);
    expect(groups(`ts < '${tsOf(9)}'`)).toEqual([0]);
    expect(groups(`ts > '${tsOf(39)}'`)).toEqual([3]); // within the widening slack: kept, never wrongly pruned
  });
});

describe('row evaluator', () => {
  const batch = arrow.tableFromArrays({ x: Int32Array.from([1, 2, 3, 4]) }).batches[0]!;
  const fields = [
    new arrow.Field('i', new arrow.Int32(), true, new Map([['PARQUET:field_id', '18']])),
    new arrow.Field('f', new arrow.Float64(), true, new Map([['PARQUET:field_id', '6']])),
    new arrow.Field('name', new arrow.Utf8(), true, new Map([['PARQUET:field_id', '2']])),
    new arrow.Field('s', new arrow.Struct([new arrow.Field('inner', new arrow.Int32(), true, new Map([['PARQUET:field_id', '9']]))]), true, new Map([['PARQUET:field_id', '8']])),
    new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), true, new Map([['PARQUET:field_id', '4']])),
    new arrow.Field('Amount', new arrow.Decimal(3, 9, 128), true, new Map([['PARQUET:field_id', '3']])),
  ];
  const rows = [
    { i: 1, f: 1.5, name: 'apple', s: { inner: 1 }, ts: 1, Amount: new Uint32Array([2718, 0, 0, 0]) },
    { i: null, f: NaN, name: null, s: null, ts: null, Amount: null },
    { i: 3, f: -1, name: 'banana', s: { inner: null }, ts: 3, Amount: new Uint32Array([0xfffffc18, 0xffffffff, 0xffffffff, 0xffffffff]) },
    { i: 4, f: 10, name: 'apricot', s: { inner: 4 }, ts: 4, Amount: new Uint32Array([5, 0, 0, 0]) },
  ];
  // The builder takes timestamps as epoch milliseconds (stored as µs).
  const struct = new arrow.Struct(fields);
  const builder = arrow.makeBuilder({ type: struct, nullValues: [null, undefined] });
  for (const r of rows) builder.append(r as never);
  const data = builder.finish().flush();
  const rb = new arrow.RecordBatch(new arrow.Schema(fields), data);
  const sel = (f: string): number[] => Array.from(evaluateRows(bind(f), rb));

  it('applies the null and NaN semantics', () => {
    expect(sel('i = 1')).toEqual([1, 0, 0, 0]);
    expect(sel('i != 1')).toEqual([0, 0, 1, 1]);
    expect(sel('not (i = 1)')).toEqual([0, 0, 1, 1]);
    expect(sel('i is null')).toEqual([0, 1, 0, 0]);
    expect(sel('i in (1, 4)')).toEqual([1, 0, 0, 1]);
    expect(sel('i not in (1, 4)')).toEqual([0, 0, 1, 0]);
    expect(sel('f > 0')).toEqual([1, 0, 0, 1]);
    expect(sel('f != 10')).toEqual([1, 1, 1, 0]);
    expect(sel('f is nan')).toEqual([0, 1, 0, 0]);
    expect(sel('f is not nan')).toEqual([1, 0, 1, 1]);
    expect(sel("name like 'ap%'")).toEqual([1, 0, 0, 1]);
    expect(sel("name not like 'ap%'")).toEqual([0, 0, 1, 0]);
    expect(sel('i = 1 or f is nan')).toEqual([1, 1, 0, 0]);
  });

  it('reads nested struct fields (a null parent is a null child), timestamps and decimals', () => {
    expect(sel('s.inner > 0')).toEqual([1, 0, 0, 1]);
    expect(sel('s.inner is null')).toEqual([0, 1, 1, 0]);
    expect(sel("ts >= '1970-01-01T00:00:00.003'")).toEqual([0, 0, 1, 1]);
    expect(sel('Amount < 0')).toEqual([0, 0, 1, 0]);
    expect(sel('Amount = 2.718')).toEqual([1, 0, 0, 0]);
  });

  it('errors with invalid_argument when a filter column is not in the batch', () => {
    expect(() => evaluateRows(bind('id = 1'), batch)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('undecodable string bounds', () => {
  it('treat a bound that is not valid UTF-8 as unknown', () => {
    const cut = Buffer.from([0x61, 0xe2, 0x82]).toString('base64'); // 'a' + the first two bytes of '€'
    const file = dataFile({ lowerBounds: { 2: cut }, upperBounds: { 2: cut } });
    expect(metricsMightMatch(bind("name = 'a€'"), file)).toBe(true);
    expect(metricsMightMatch(bind("name = 'b'"), file)).toBe(true);
  });
});

describe('metadata columns in statistics', () => {
  it('are never pruned on (a file _row_id column holds nulls for inherited ids)', () => {
    const id = '2147483540';
    const file = dataFile({ valueCounts: { [id]: 10 }, nullValueCounts: { [id]: 10 }, lowerBounds: {}, upperBounds: {} });
    expect(metricsMightMatch(bind('_row_id = 5'), file)).toBe(true);
  });
});
