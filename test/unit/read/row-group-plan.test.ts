import { describe, expect, it } from 'vitest';
import type { FileMetaData } from 'hyparquet';
import { columnChunkRanges, rowGroupExtent, rowGroupFirstRows, selectRowGroups } from '../../../src/read/row-group-plan.ts';

/** Three row groups at bytes [4,104), [104,204), [204,404) with 10, 20, 30 rows. */
function footer(): FileMetaData {
  const chunk = (path: string, dict: bigint | undefined, data: bigint, size: bigint) => ({
    file_offset: 0n,
    meta_data: { type: 'INT64', encodings: [], path_in_schema: path.split('.'), codec: 'SNAPPY', num_values: 0n, total_uncompressed_size: size, total_compressed_size: size, data_page_offset: data, dictionary_page_offset: dict },
  });
  const rg = (start: bigint, half: bigint, rows: bigint) => ({
    columns: [chunk('a', start, start + 10n, half), chunk('s.b', undefined, start + half, half)],
    total_byte_size: 2n * half,
    num_rows: rows,
  });
  return { version: 2, schema: [], num_rows: 60n, metadata_length: 0, row_groups: [rg(4n, 50n, 10n), rg(104n, 50n, 20n), rg(204n, 100n, 30n)] } as unknown as FileMetaData;
}

describe('row-group planning', () => {
  it('computes extents from dictionary/data page offsets, ignoring file_offset', () => {
    expect(rowGroupExtent(footer().row_groups[0]!)).toEqual({ start: 4, end: 104 });
    expect(rowGroupExtent(footer().row_groups[2]!)).toEqual({ start: 204, end: 404 });
  });

  it('assigns each row group to the split holding its midpoint', () => {
    const f = footer();
    expect(selectRowGroups(f)).toEqual([0, 1, 2]);
    // midpoints: 54, 154, 304
    expect(selectRowGroups(f, 0, 54)).toEqual([]);
    expect(selectRowGroups(f, 0, 55)).toEqual([0]);
    expect(selectRowGroups(f, 55, 250)).toEqual([1, 2]);
    expect(selectRowGroups(f, 4, 150)).toEqual([0]); // [4, 154) excludes midpoint 154
    expect(selectRowGroups(f, 4, 151)).toEqual([0, 1]);
    expect(selectRowGroups(f, 154, 1)).toEqual([1]);
    // splits partitioning the file read each row group exactly once
    const splits = [[0, 100], [100, 100], [200, 100], [300, 200]].flatMap(([s, l]) => selectRowGroups(f, s, l));
    expect(splits).toEqual([0, 1, 2]);
  });

  it('numbers rows across row groups and selects projected chunks by path prefix', () => {
    const f = footer();
    expect(rowGroupFirstRows(f)).toEqual([0, 10, 30]);
    expect(columnChunkRanges(f, 1, ['a'])).toEqual([{ start: 104, end: 154 }]);
    expect(columnChunkRanges(f, 1, ['s'])).toEqual([{ start: 154, end: 204 }]);
    expect(columnChunkRanges(f, 1, ['s.b', 'a'])).toHaveLength(2);
    expect(columnChunkRanges(f, 1, ['sb'])).toEqual([]);
  });
});
