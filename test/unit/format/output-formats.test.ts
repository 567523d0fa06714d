import { Field, Float64, Int64, Struct, TimestampMicrosecond, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createCsvFormatter, csvField } from '../../../src/format/csv.ts';
import { createNdjsonFormatter } from '../../../src/format/ndjson.ts';
import { createTableFormatter } from '../../../src/format/table-text.ts';
import { batchOf, field, primitive } from './format-helpers.ts';

function sample() {
  const id = primitive(new Int64(), new BigInt64Array([1n, 2n, 9007199254740993n]), [true, true, true]);
  const name = vectorFromArray(['plain', 'with, comma "q"\nline', null], new Utf8()).data[0];
  const score = primitive(new Float64(), new Float64Array([1.5, NaN, 0]), [true, true, false]);
  const ts = primitive(new TimestampMicrosecond('UTC'), new BigInt64Array([0n, 1_000_000n, -1n]));
  const pointType = new Struct([field('x', new Float64())]);
  const point = makeData({ type: pointType, length: 3, nullCount: 0, children: [primitive(new Float64(), new Float64Array([1, 2, 3]))] });
  return batchOf([
    { field: field('id', new Int64()), data: id },
    { field: field('name', new Utf8()), data: name },
    { field: field('score', new Float64()), data: score },
    { field: field('ts', new TimestampMicrosecond('UTC')), data: ts },
    { field: new Field('point', pointType, true), data: point },
  ]);
}

describe('createNdjsonFormatter', () => {
  it('writes one parseable JSON object per row, keys in schema order', () => {
    const batch = sample();
    const text = createNdjsonFormatter(batch.schema)(batch);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe('{"id":1,"name":"plain","score":1.5,"ts":"1970-01-01T00:00:00.000000Z","point":{"x":1}}');
    expect(JSON.parse(lines[1])).toEqual({ id: 2, name: 'with, comma "q"\nline', score: 'NaN', ts: '1970-01-01T00:00:01.000000Z', point: { x: 2 } });
    expect(JSON.parse(lines[2])).toEqual({ id: '9007199254740993', name: null, score: null, ts: '1969-12-31T23:59:59.999999Z', point: { x: 3 } });
  });

  it('formats batches larger than one internal row range in order', () => {
    const n = 3000;
    const ids = primitive(new Int64(), BigInt64Array.from({ length: n }, (_, i) => BigInt(i)));
    const names = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `n${i}`)), new Utf8()).data[0];
    const batch = batchOf([{ field: field('id', new Int64()), data: ids }, { field: field('name', new Utf8()), data: names }]);
    const lines = createNdjsonFormatter(batch.schema)(batch).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(n);
    expect(lines[1024]).toEqual({ id: 1024, name: 'n1024' });
    expect(lines[2996]).toEqual({ id: 2996, name: null });
    expect(lines[n - 1]).toEqual({ id: n - 1, name: `n${n - 1}` });
  });

  it('formats a sliced batch from its own offset', () => {
    const batch = sample().slice(1, 3);
    const lines = createNdjsonFormatter(batch.schema)(batch).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([2, '9007199254740993']);
  });
});

describe('createCsvFormatter', () => {
  it('writes RFC 4180 records: quoted when needed, CRLF, null empty, nested as JSON', () => {
    const batch = sample();
    const csv = createCsvFormatter(batch.schema);
    expect(csv.header()).toBe('id,name,score,ts,point\r\n');
    expect(csv.format(batch)).toBe(
      '1,plain,1.5,1970-01-01T00:00:00.000000Z,"{""x"":1}"\r\n' +
        '2,"with, comma ""q""\nline",NaN,1970-01-01T00:00:01.000000Z,"{""x"":2}"\r\n' +
        '9007199254740993,,,1969-12-31T23:59:59.999999Z,"{""x"":3}"\r\n',
    );
  });

  it('keeps an empty string distinct from null', () => {
    expect(csvField('')).toBe('""');
    expect(csvField(null)).toBe('');
    expect(csvField('a\rb')).toBe('"a\rb"');
  });
});

describe('createTableFormatter', () => {
  it('aligns columns, right-aligns numbers, cuts long cells and prints nulls', () => {
    const batch = sample();
    const table = createTableFormatter(batch.schema, { maxColumnWidth: 12 });
    const lines = table.format(batch).split('\n');
    expect(lines[0]).toBe('              id │ name         │ score │ ts           │ point  ');
    expect(lines[1]).toMatch(/^─+┼─+┼─+┼─+┼─+$/);
    expect(lines[2]).toBe('               1 │ plain        │   1.5 │ 1970-01-01T… │ {"x":1}');
    expect(lines[3]).toContain('with, comma…');
    expect(lines[4]).toContain('9007199254740993 │ null         │  null');
    // Later batches keep the widths of the first one and print no header.
    const again = table.format(batch).split('\n');
    expect(again[0]).toBe(lines[2]);
  });
});
