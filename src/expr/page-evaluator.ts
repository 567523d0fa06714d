/**
 * Page pruning: which rows of a Parquet row group might match a bound filter, from the page
 * indexes (each page's min/max/null count in the column index, its first row in the offset index).
 * Each predicate keeps the row ranges of the pages that might match it; `and` intersects, `or`
 * unites (bound filters carry no `not`: negations are pushed into the predicates when binding).
 * A column without both indexes, or without a field id, keeps every row.
 */
import type { FileMetaData, Statistics } from 'hyparquet';
import type { NameMapping } from '../metadata/name-mapping.ts';
import type { PageIndexes, RowRange } from '../task/file-stage.ts';
import { isReservedFieldId, type BoundExpression, type BoundPredicate } from './bind.ts';
import { predicateMightMatch } from './column-facts.ts';
import { leavesByFieldId, statisticsFacts } from './row-group-evaluator.ts';

/** Every row: no evidence. */
const ALL = undefined;
type Ranges = readonly RowRange[] | typeof ALL;

/**
 * The rows of row group `index` that might hold a row matching `filter`: ascending, disjoint
 * ranges of row indices within the row group, or undefined when the page indexes rule out nothing.
 */
export function pageRowRanges(filter: BoundExpression, footer: FileMetaData, index: number, pages: PageIndexes, nameMapping?: NameMapping): readonly RowRange[] | undefined {
  const rg = footer.row_groups[index];
  if (!rg) return ALL;
  const rows = Number(rg.num_rows);
  const leaves = leavesByFieldId(footer, nameMapping);
  const chunkIndex = new Map(rg.columns.map((c, i) => [(c.meta_data?.path_in_schema ?? []).join('\u0000'), i]));
  const evaluate = (e: BoundExpression): Ranges => {
    switch (e.op) {
      case 'true': return ALL;
      case 'false': return [];
      case 'and': return intersect(evaluate(e.left), evaluate(e.right));
      case 'or': return unite(evaluate(e.left), evaluate(e.right));
      default: return predicateRanges(e);
    }
  };
  const predicateRanges = (p: BoundPredicate): Ranges => {
    if (isReservedFieldId(p.ref.fieldId)) return ALL;
    const leaf = leaves.get(p.ref.fieldId);
    const k = leaf && chunkIndex.get(leaf.path);
    if (leaf === undefined || k === undefined) return ALL;
    const columnIndex = pages.columnIndex(k);
    const offsetIndex = pages.offsetIndex(k);
    const locations = offsetIndex?.page_locations;
    if (columnIndex === undefined || locations === undefined || locations.length !== columnIndex.null_pages.length) return ALL;
    const out: RowRange[] = [];
    for (let page = 0; page < locations.length; page++) {
      const start = Number(locations[page]!.first_row_index);
      const end = page + 1 < locations.length ? Number(locations[page + 1]!.first_row_index) : rows;
      if (!(start >= 0 && start <= end && end <= rows)) return ALL; // an index that disagrees with the footer is no evidence
      if (end === start) continue;
      const nullCount = columnIndex.null_counts?.[page];
      const stats: Statistics = columnIndex.null_pages[page]
        ? { null_count: BigInt(end - start) }
        : { min_value: columnIndex.min_values[page] as Statistics['min_value'], max_value: columnIndex.max_values[page] as Statistics['max_value'], ...(nullCount === undefined ? {} : { null_count: nullCount }) };
      let keep = true;
      try {
        keep = predicateMightMatch(p, statisticsFacts(stats, leaf.element, BigInt(end - start), p.ref));
      } catch {
        keep = true;
      }
      if (keep) push(out, start, end);
    }
    return out;
  };
  const result = evaluate(filter);
  if (result === ALL) return ALL;
  return result.length === 1 && result[0]!.start === 0 && result[0]!.end >= rows ? ALL : result;
}

function push(out: RowRange[], start: number, end: number): void {
  const last = out[out.length - 1];
  if (last !== undefined && last.end >= start) out[out.length - 1] = { start: last.start, end: Math.max(last.end, end) };
  else out.push({ start, end });
}

function intersect(a: Ranges, b: Ranges): Ranges {
  if (a === ALL) return b;
  if (b === ALL) return a;
  const out: RowRange[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (start < end) push(out, start, end);
    if (a[i]!.end < b[j]!.end) i++;
    else j++;
  }
  return out;
}

function unite(a: Ranges, b: Ranges): Ranges {
  if (a === ALL || b === ALL) return ALL;
  const all = [...a, ...b].sort((x, y) => x.start - y.start);
  const out: RowRange[] = [];
  for (const r of all) push(out, r.start, r.end);
  return out;
}
