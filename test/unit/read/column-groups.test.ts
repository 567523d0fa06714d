/**
 * `columnGroups` splits a row group's projected leaves by top-level column into balanced groups
 * (a property over synthetic footers), and `zipColumnGroups` puts the parts' batches back together
 * (on a real file: decoding the groups separately and zipping equals decoding all at once).
 */
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import type { FileMetaData } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { SPLIT_MIN_BYTES, columnGroups, rootColumnOrder, zipColumnGroups } from '../../../src/read/column-groups.ts';
import { decoderModule } from '../../../src/read/decoder/decoder-module.ts';
import { WasmDecoder } from '../../../src/read/decoder/wasm-decoder.ts';
import { chunkRange, selectsLeaf, wantedPaths } from '../../../src/read/row-group-plan.ts';
import { makeTable } from '../../helpers/parquet-files.ts';
import { everyTypeTable, parquetFixture, requestOf, rowsOf, type ParquetFixture } from './decoder/decoder-files.ts';

/** A synthetic footer of one row group: `roots[i]` leaves of the given sizes under root `c<i>`. */
function footerOf(roots: readonly (readonly number[])[]): FileMetaData {
  let offset = 4;
  const columns = roots.flatMap((leaves, r) =>
    leaves.map((size, l) => {
      const start = offset;
      offset += size;
      const dictionary = l % 2 === 1 ? { dictionary_page_offset: BigInt(start) } : {};
      return {
        file_offset: 0n,
        meta_data: {
          path_in_schema: leaves.length === 1 ? [`c${r}`] : [`c${r}`, `f${l}`],
          data_page_offset: BigInt(start + (l % 2 === 1 ? Math.min(10, size - 1) : 0)),
          total_compressed_size: BigInt(size),
          ...dictionary,
        },
      };
    }),
  );
  return { row_groups: [{ columns, num_rows: 1n }] } as unknown as FileMetaData;
}

const footers = fc.array(fc.array(fc.integer({ min: 1, max: 900_000 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 9 });

describe('columnGroups', () => {
  it('covers exactly the projected leaves, a top-level column never split, groups balanced and at most `parts`', () => {
    fc.assert(
      fc.property(footers, fc.integer({ min: 1, max: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (roots, parts, picks) => {
        const footer = footerOf(roots);
        const chunks = footer.row_groups[0]!.columns;
        // projected: whole top-level columns and some dotted leaf paths
        const columns = [...new Set(picks.map((p) => {
          const leaf = chunks[p % chunks.length]!.meta_data!.path_in_schema;
          return p % 3 === 0 ? leaf.join('.') : leaf[0]!;
        }))];
        const groups = columnGroups(footer, 0, columns, parts);
        const wanted = wantedPaths(columns);
        const projected = chunks.flatMap((c, leaf) => (selectsLeaf(wanted, c.meta_data!.path_in_schema) ? [leaf] : []));
        expect(groups.flatMap((g) => [...g.leaves]).sort((a, b) => a - b)).toEqual(projected);
        const rootOf = (leaf: number) => chunks[leaf]!.meta_data!.path_in_schema[0]!;
        const rootsProjected = new Set(projected.map(rootOf));
        for (const g of groups) {
          expect([...g.leaves]).toEqual([...g.leaves].sort((a, b) => a - b));
          expect(g.ranges).toEqual([...g.leaves].map((leaf) => chunkRange(chunks[leaf]!.meta_data)));
          expect(g.bytes).toBe(g.ranges.reduce((n, r) => n + r.end - r.start, 0));
        }
        for (const root of rootsProjected) expect(groups.filter((g) => [...g.leaves].some((l) => rootOf(l) === root))).toHaveLength(1);
        const total = groups.reduce((n, g) => n + g.bytes, 0);
        if (projected.length === 0) {
          expect(groups).toEqual([]);
          return;
        }
        const n = total < SPLIT_MIN_BYTES ? 1 : Math.min(parts, rootsProjected.size);
        expect(groups).toHaveLength(n);
        // greedy onto the lightest group: none exceeds the mean by more than the largest column
        const rootBytes = [...rootsProjected].map((root) => projected.filter((l) => rootOf(l) === root).reduce((s, l) => s + Number(chunks[l]!.meta_data!.total_compressed_size), 0));
        for (const g of groups) expect(g.bytes).toBeLessThanOrEqual(total / n + Math.max(...rootBytes));
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('one group below SPLIT_MIN_BYTES, whatever `parts` says', () => {
    const footer = footerOf([[100], [200], [300]]);
    expect(columnGroups(footer, 0, ['c0', 'c1', 'c2'], 8)).toHaveLength(1);
    const big = footerOf([[SPLIT_MIN_BYTES], [10], [SPLIT_MIN_BYTES / 2], [SPLIT_MIN_BYTES / 2]]);
    const groups = columnGroups(big, 0, ['c0', 'c1', 'c2', 'c3'], 2);
    expect(groups.map((g) => g.bytes).sort((a, b) => a - b)).toEqual([SPLIT_MIN_BYTES, SPLIT_MIN_BYTES + 10]);
  });
});

/** A file over SPLIT_MIN_BYTES (uncompressed): four top-level columns, one nested. */
function bigFile(): ParquetFixture {
  const n = 60_000;
  const idx = Array.from({ length: n }, (_, i) => i);
  const table = makeTable([
    { name: 'id', fieldId: 1, vector: arrow.makeVector(BigInt64Array.from(idx, (i) => BigInt(i))), nullable: false },
    { name: 'x', fieldId: 2, vector: arrow.makeVector(Float64Array.from(idx, (i) => i / 7)) },
    { name: 's', fieldId: 3, vector: arrow.vectorFromArray(idx.map((i) => `value-${i}`), new arrow.Utf8()) },
    {
      name: 'st', fieldId: 4,
      vector: arrow.vectorFromArray(idx.map((i) => ({ a: i, b: i % 3 === 0 ? null : i * 2 })), new arrow.Struct([
        new arrow.Field('a', new arrow.Int32(), true, new Map([['PARQUET:field_id', '5']])),
        new arrow.Field('b', new arrow.Int32(), true, new Map([['PARQUET:field_id', '6']])),
      ])),
    },
  ]);
  return parquetFixture('big.parquet', table, n);
}

describe('zipColumnGroups', () => {
  it('decoding the groups of a real row group separately and zipping them equals decoding it whole', async () => {
    const file = bigFile();
    const decoder = new WasmDecoder(await decoderModule());
    const handle = decoder.openFile(file.bytes, 0, file.bytes.length);
    const decodeAll = (leaves: readonly number[]) => {
      const reader = decoder.openRowGroup(handle, requestOf(file, 0, { leaves, batchSize: 7_000 }));
      const out: arrow.RecordBatch[] = [];
      for (let b = reader.next(); b !== undefined; b = reader.next()) out.push(b);
      return out;
    };
    const columns = ['st', 'id', 's', 'x'];
    const groups = columnGroups(file.metadata, 0, columns, 3);
    expect(groups).toHaveLength(3);
    const whole = decodeAll(groups.flatMap((g) => [...g.leaves]).sort((a, b) => a - b));
    const parts = groups.map((g) => decodeAll([...g.leaves]));
    const order = rootColumnOrder(file.metadata);
    const zipped = whole.map((_, i) => zipColumnGroups(parts.map((p) => p[i]!), order));
    expect(zipped.map((b) => b.schema.fields.map((f) => f.name))).toEqual(whole.map(() => ['id', 'x', 's', 'st']));
    expect(rowsOf(zipped)).toEqual(rowsOf(whole));
    handle.close();
  });

  it('a single part is returned as it is; parts disagreeing on rows throw', () => {
    const a = arrow.tableFromArrays({ a: Int32Array.of(1, 2) }).batches[0]!;
    const b = arrow.tableFromArrays({ b: Int32Array.of(1, 2, 3) }).batches[0]!;
    expect(zipColumnGroups([a], new Map())).toBe(a);
    expect(() => zipColumnGroups([a, b], new Map([['a', 0], ['b', 1]]))).toThrow(/decoded 3 and 2 rows/);
  });

  it('orders the columns by the file schema and keeps the first part\'s schema metadata', () => {
    const meta = new Map([['k', 'v']]);
    const p1 = arrow.tableFromArrays({ z: Int32Array.of(1), b: Int32Array.of(2) }).batches[0]!;
    const first = new arrow.RecordBatch(new arrow.Schema(p1.schema.fields, meta), p1.data);
    const second = arrow.tableFromArrays({ a: Float64Array.of(0.5) }).batches[0]!;
    const zipped = zipColumnGroups([first, second], new Map([['a', 0], ['b', 1], ['z', 2]]));
    expect(zipped.schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'z']);
    expect(zipped.toArray().map((r) => r.toJSON())).toEqual([{ a: 0.5, b: 2, z: 1 }]);
    expect(zipped.schema.metadata.get('k')).toBe('v');
  });
});

describe('rootColumnOrder', () => {
  it('gives each top-level column its position, nested columns skipped over', () => {
    const table = everyTypeTable(3);
    const file = parquetFixture('every-type.parquet', table, 3);
    expect([...rootColumnOrder(file.metadata)]).toEqual(table.schema.fields.map((f, i) => [f.name, i]));
  });
});
