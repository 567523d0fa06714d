/**
 * Page-index helpers: `pageIndexesOf` on a real paged file (and on tails without or with corrupt
 * indexes), `skippedPages` against a brute-force count, `markOutside` against a brute-force mask,
 * and the two together: the pages a page filter keeps out are exactly the pages skipped.
 */
import fc from 'fast-check';
import type { OffsetIndex } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { markOutside, pageIndexesOf, skippedPages } from '../../../src/read/page-index.ts';
import type { ParquetTail } from '../../../src/read/parquet-footer.ts';
import { chunkRange } from '../../../src/read/row-group-plan.ts';
import { RowGroupSelection } from '../../../src/read/row-selection.ts';
import type { PageIndexes, RowRange } from '../../../src/task/file-stage.ts';
import { sequenceTable } from '../../helpers/parquet-files.ts';
import { parquetFixture, tailOf, type ParquetFixture } from './decoder/decoder-files.ts';

/** The tail `readParquetTail` would keep for `file` (page indexes included). */
function parquetTail(file: ParquetFixture, start = tailOf(file).start): ParquetTail {
  return { metadata: file.metadata, fileSize: file.bytes.length, start, bytes: file.bytes.slice(start) };
}

describe('pageIndexesOf', () => {
  const file = parquetFixture('paged.parquet', sequenceTable(1000), 500, 40);

  it('reads each chunk\'s offset index: pages in row order, inside the chunk, covering the row group', () => {
    for (const k of [0, 1]) {
      const pages = pageIndexesOf(parquetTail(file), k);
      for (let leaf = 0; leaf < 3; leaf++) {
        const locations = pages.offsetIndex(leaf)!.page_locations;
        expect(locations.length).toBeGreaterThan(1);
        const firsts = locations.map((p) => Number(p.first_row_index));
        expect(firsts[0]).toBe(0);
        expect(firsts.every((r, i) => i === 0 || r > firsts[i - 1]!)).toBe(true);
        expect(firsts.at(-1)).toBeLessThan(500);
        const chunk = chunkRange(file.metadata.row_groups[k]!.columns[leaf]!.meta_data)!;
        for (const p of locations) {
          expect(Number(p.offset)).toBeGreaterThanOrEqual(chunk.start);
          expect(Number(p.offset) + p.compressed_page_size).toBeLessThanOrEqual(chunk.end);
        }
      }
    }
  });

  it('reads the column index: each page\'s min and max id are its first and last row', () => {
    const pages = pageIndexesOf(parquetTail(file), 1);
    const firsts = pages.offsetIndex(0)!.page_locations.map((p) => Number(p.first_row_index));
    const index = pages.columnIndex(0)!;
    const ends = [...firsts.slice(1), 500];
    expect(index.min_values.map(Number)).toEqual(firsts.map((r) => 500 + r));
    expect(index.max_values.map(Number)).toEqual(ends.map((r) => 500 + r - 1));
    expect(index.null_pages.every((n) => !n)).toBe(true);
  });

  it('is undefined (not an error) when the tail does not hold the indexes, or they are corrupt', () => {
    const footerOnly = parquetTail(file, file.bytes.length - 8 - new DataView(file.bytes.buffer).getUint32(file.bytes.length - 8, true));
    const none = pageIndexesOf(footerOnly, 0);
    expect(none.offsetIndex(0)).toBeUndefined();
    expect(none.columnIndex(0)).toBeUndefined();
    const tail = parquetTail(file);
    const chunk = file.metadata.row_groups[0]!.columns[1]!;
    const at = Number(chunk.offset_index_offset) - tail.start;
    tail.bytes.fill(0xff, at, at + chunk.offset_index_length!);
    const cat = Number(chunk.column_index_offset) - tail.start;
    tail.bytes.fill(0xff, cat, cat + chunk.column_index_length!);
    const corrupt = pageIndexesOf(tail, 0);
    expect(corrupt.offsetIndex(1)).toBeUndefined();
    expect(corrupt.columnIndex(1)).toBeUndefined();
    expect(corrupt.offsetIndex(0)).toBeDefined(); // its neighbours are untouched
    expect(pageIndexesOf(tail, 7).offsetIndex(0)).toBeUndefined(); // no such row group
  });

  it('parses each index once', () => {
    const pages = pageIndexesOf(parquetTail(file), 0);
    expect(pages.offsetIndex(2)).toBe(pages.offsetIndex(2));
    expect(pages.columnIndex(2)).toBe(pages.columnIndex(2));
  });
});

/** Page indexes whose offset index for leaf i lists pages starting at `firsts[i]` (none when undefined). */
function syntheticPages(firsts: ReadonlyArray<readonly number[] | undefined>): PageIndexes {
  return {
    columnIndex: () => undefined,
    offsetIndex: (leaf) => {
      const f = firsts[leaf];
      if (f === undefined) return undefined;
      return { page_locations: f.map((r, i) => ({ offset: BigInt(i * 100), compressed_page_size: 100, first_row_index: BigInt(r) })) } as OffsetIndex;
    },
  };
}

/** Per-row selected flags from run lengths select, skip, select, … */
const selectedRows = (runs: readonly number[]): boolean[] => runs.flatMap((n, i) => Array.from({ length: n }, () => i % 2 === 0));

/** Runs over 1–400 rows (the first may be 0) and page starts for up to 3 leaves (0 first; repeats allowed). */
const layouts = fc
  .tuple(fc.nat({ max: 30 }), fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 14 }))
  .chain(([first, rest]) => {
    const runs = [first, ...rest];
    const rows = runs.reduce((a, b) => a + b, 0);
    const starts = fc.array(fc.nat({ max: Math.max(0, rows - 1) }), { maxLength: 12 }).map((s) => [0, ...s].sort((a, b) => a - b));
    return fc.record({ runs: fc.constant(runs), rows: fc.constant(rows), pages: fc.array(fc.option(starts, { nil: undefined, freq: 5 }), { minLength: 1, maxLength: 3 }) });
  })
  .filter(({ rows }) => rows > 0);

describe('skippedPages', () => {
  it('counts the non-empty pages with no selected row, as a brute-force count does', () => {
    fc.assert(
      fc.property(layouts, ({ runs, rows, pages }) => {
        const selected = selectedRows(runs);
        let brute = 0;
        for (const firsts of pages) {
          if (firsts === undefined) continue;
          firsts.forEach((start, p) => {
            const end = p + 1 < firsts.length ? firsts[p + 1]! : rows;
            if (end > start && !selected.slice(start, end).some(Boolean)) brute++;
          });
        }
        expect(skippedPages(syntheticPages(pages), pages.map((_, i) => i), Uint32Array.from(runs), rows)).toBe(brute);
      }),
      { seed: 41, numRuns: 400 },
    );
  });

  it('counts only the leaves asked for', () => {
    const pages = syntheticPages([[0, 10], [0, 10], undefined]);
    const runs = Uint32Array.of(0, 10, 10); // rows 10-19 selected: the first page of each leaf is skipped
    expect(skippedPages(pages, [0, 1, 2], runs, 20)).toBe(2);
    expect(skippedPages(pages, [1], runs, 20)).toBe(1);
    expect(skippedPages(pages, [], runs, 20)).toBe(0);
  });
});

/** Ascending, disjoint keep ranges over about `rows` rows (some run past the end, some are empty). */
const keeps = (rows: number) =>
  fc.array(fc.tuple(fc.nat({ max: 30 }), fc.nat({ max: 30 })), { maxLength: 8 }).map((gaps) => {
    const out: RowRange[] = [];
    let at = 0;
    for (const [gap, len] of gaps) {
      const start = at + gap;
      out.push({ start, end: start + len });
      at = start + len;
    }
    return out.filter((r) => r.start <= rows + 10);
  });

describe('markOutside', () => {
  it('marks exactly the unmarked rows outside every keep range and counts them', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200, max: 1 }).chain((mask) => fc.tuple(fc.constant(mask), keeps(mask.length))),
        ([mask, keep]) => {
          const inside = (r: number) => keep.some((k) => r >= k.start && r < k.end);
          const expected = Array.from(mask, (m, r) => (m !== 0 || !inside(r) ? 1 : 0));
          const newly = Array.from(mask).filter((m, r) => m === 0 && !inside(r)).length;
          const out = mask.slice();
          expect(markOutside(keep, out)).toBe(newly);
          expect(Array.from(out)).toEqual(expected);
        },
      ),
      { seed: 42, numRuns: 400 },
    );
  });

  it('keeps nothing when there are no ranges, and everything under one range covering all rows', () => {
    expect(markOutside([], new Uint8Array(5))).toBe(5);
    const mask = Uint8Array.from([0, 1, 0]);
    expect(markOutside([{ start: 0, end: 3 }], mask)).toBe(0);
    expect(Array.from(mask)).toEqual([0, 1, 0]);
  });
});

describe('markOutside then skippedPages', () => {
  it('keeping whole pages of a real file skips exactly the others', () => {
    const file = parquetFixture('paged.parquet', sequenceTable(600), 600, 30);
    const pages = pageIndexesOf(parquetTail(file), 0);
    const firsts = pages.offsetIndex(0)!.page_locations.map((p) => Number(p.first_row_index));
    const ends = [...firsts.slice(1), 600];
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: firsts.length - 1 }), { minLength: 1 }), (kept) => {
        const keep = [...kept].sort((a, b) => a - b).map((p) => ({ start: firsts[p]!, end: ends[p]! }));
        const mask = new Uint8Array(600);
        markOutside(keep, mask);
        const selection = new RowGroupSelection(600, mask);
        const skipped = selection.runs === undefined ? 0 : skippedPages(pages, [0], selection.runs, 600);
        expect(skipped).toBe(firsts.length - kept.length);
      }),
      { seed: 43, numRuns: 100 },
    );
  });
});
