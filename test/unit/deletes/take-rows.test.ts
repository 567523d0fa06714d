import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { takeRows } from '../../../src/deletes/take-rows.ts';

function batchOf(columns: Record<string, arrow.Vector>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, v]) => new arrow.Field(name, v.type, true, new Map([['k', name]])));
  const schema = new arrow.Schema(fields);
  const length = Object.values(columns)[0]!.length;
  const data = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: Object.values(columns).map((v) => v.data[0]!) });
  return new arrow.RecordBatch(schema, data);
}

const rowsOf = (b: arrow.RecordBatch): unknown[] => b.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v))));

function sample(): arrow.RecordBatch {
  const n = 10;
  const idx = Array.from({ length: n }, (_, i) => i);
  return batchOf({
    i32: arrow.vectorFromArray(idx.map((i) => (i % 4 === 1 ? null : i)), new arrow.Int32()),
    i64: arrow.vectorFromArray(idx.map((i) => BigInt(i) * 10n), new arrow.Int64()),
    f64: arrow.vectorFromArray(idx.map((i) => i / 2), new arrow.Float64()),
    bool: arrow.vectorFromArray(idx.map((i) => (i % 3 === 0 ? null : i % 2 === 0)), new arrow.Bool()),
    str: arrow.vectorFromArray(idx.map((i) => (i === 4 ? null : `s${'x'.repeat(i * 3)}`)), new arrow.Utf8()),
    bin: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i, i + 1)), new arrow.Binary()),
    fsb: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i, 0, i)), new arrow.FixedSizeBinary(3)),
    dec: arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: n, data: Uint32Array.from({ length: n * 4 }, (_, k) => (k % 4 === 0 ? k : 0)) })),
    date: arrow.vectorFromArray(idx.map((i) => new Date(i * 86_400_000)), new arrow.DateDay()),
    ts: arrow.makeVector(arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND), length: n, data: BigInt64Array.from(idx, (i) => BigInt(i) * 1_000_000n) })),
    list: arrow.vectorFromArray(idx.map((i) => (i === 2 ? null : Array.from({ length: i % 3 }, (_, k) => i * 10 + k))), new arrow.List(new arrow.Field('element', new arrow.Int32(), true))),
    st: arrow.vectorFromArray(idx.map((i) => (i === 5 ? null : { a: i, b: `b${i}` })), new arrow.Struct([new arrow.Field('a', new arrow.Int32(), true), new arrow.Field('b', new arrow.Utf8(), true)])),
    dict: arrow.vectorFromArray(idx.map((i) => (i % 2 ? 'odd' : 'even'))),
  });
}

describe('takeRows', () => {
  it('keeps the selected rows of every column type, nulls included', () => {
    const b = sample();
    const keep = Int32Array.of(0, 2, 3, 5, 9);
    const out = takeRows(b, keep);
    const shape = (x: arrow.RecordBatch) => x.schema.fields.map((f) => [f.name, String(f.type), [...f.metadata]]);
    expect(shape(out)).toEqual(shape(b));
    expect(out.numRows).toBe(5);
    const all = rowsOf(b);
    expect(rowsOf(out)).toEqual(Array.from(keep, (i) => all[i]));
    expect(out.getChild('i32')!.nullCount).toBe(2); // rows 5 and 9
    expect(out.getChild('st')!.nullCount).toBe(1);
  });

  it('works on a sliced batch (non-zero offsets)', () => {
    const b = sample().slice(3, 9);
    const out = takeRows(b, Int32Array.of(0, 1, 4));
    const all = rowsOf(b);
    expect(rowsOf(out)).toEqual([all[0], all[1], all[4]]);
  });

  it('returns the batch itself when all rows are kept and a zero-copy slice for one contiguous run', () => {
    const b = sample();
    expect(takeRows(b, Int32Array.from({ length: 10 }, (_, i) => i))).toBe(b);
    const run = takeRows(b, Int32Array.of(3, 4, 5));
    expect(run.getChild('i64')!.data[0]!.values.buffer).toBe(b.getChild('i64')!.data[0]!.values.buffer);
    expect(rowsOf(run)).toEqual(rowsOf(b).slice(3, 6));
  });

  it('equals a row-by-row selection for any subset (property)', () => {
    const b = sample();
    const all = rowsOf(b);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }), (picked) => {
        const keep = Int32Array.from(picked.sort((x, y) => x - y));
        expect(rowsOf(takeRows(b, keep))).toEqual(Array.from(keep, (i) => all[i]));
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('equals a row-by-row selection on a wide batch, whatever the runs: single rows, short and long runs (property)', () => {
    // 600 rows: long runs take the block-copy paths (>= 48 words, >= 256 bytes), scattered rows the gather paths.
    const n = 600;
    const idx = Array.from({ length: n }, (_, i) => i);
    const b = batchOf({
      i8: arrow.vectorFromArray(idx.map((i) => (i % 7) - 3), new arrow.Int8()),
      i32: arrow.vectorFromArray(idx.map((i) => (i % 11 === 0 ? null : i * 3)), new arrow.Int32()),
      i64: arrow.vectorFromArray(idx.map((i) => BigInt(i) * 1_000_003n), new arrow.Int64()),
      f64: arrow.vectorFromArray(idx.map((i) => i / 8), new arrow.Float64()),
      str: arrow.vectorFromArray(idx.map((i) => (i % 13 === 0 ? null : `${i}:${'y'.repeat(i % 40)}`)), new arrow.Utf8()),
      large: arrow.vectorFromArray(idx.map((i) => `L${i}`), new arrow.LargeUtf8()),
      fsb: arrow.vectorFromArray(idx.map((i) => Uint8Array.of(i & 255, i >> 8, 7)), new arrow.FixedSizeBinary(3)),
      dec: arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(2, 30, 128), length: n, data: Uint32Array.from({ length: n * 4 }, (_, k) => k * 7) })),
    }).slice(5, 595);
    const all = rowsOf(b);
    // a subset as alternating kept and dropped runs of random lengths
    const runs = fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(runs, (spec) => {
        const keep: number[] = [];
        let at = 0;
        for (const [kept, dropped] of spec) {
          for (let k = 0; k < kept && at < b.numRows; k++) keep.push(at++);
          at += dropped;
        }
        const indices = Int32Array.from(keep);
        expect(rowsOf(takeRows(b, indices))).toEqual(keep.map((i) => all[i]));
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
