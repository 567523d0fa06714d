/**
 * Which leaf columns of a row group each decoder job decodes. With several decode workers a row
 * group's projected columns are split by top-level column into groups of about equal compressed
 * size, decoded side by side (one job per worker) and zipped back batch by batch: the row group
 * decodes on every core while only one row group's bytes and a batch ahead are held.
 */
import { Data, Field, RecordBatch, Schema, Struct } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import { chunkRange, selectsLeaf, wantedPaths } from './row-group-plan.ts';
import type { ByteRange } from '../io/coalesce.ts';

/**
 * Row groups below this many projected compressed bytes are decoded by one job: 1 MiB. Splitting
 * costs a message round trip and a zip per batch, which small row groups (delete files, tiny
 * tables) do not earn back.
 */
export const SPLIT_MIN_BYTES = 1024 * 1024;

/** One decoder job's share of a row group. */
export interface ColumnGroup {
  /** Leaf column indices, ascending. */
  readonly leaves: Uint32Array;
  /** The byte ranges of those leaves' column chunks in the row group, ascending. */
  readonly ranges: readonly ByteRange[];
  /** Their compressed bytes. */
  readonly bytes: number;
}

/**
 * Splits the leaves of `columns` (top-level names or dotted paths) in row group `rowGroup` into at
 * most `parts` groups by top-level column, balancing compressed bytes (largest first onto the
 * lightest group). Fewer groups when there are fewer top-level columns or the row group is small.
 */
export function columnGroups(footer: FileMetaData, rowGroup: number, columns: readonly string[], parts: number): ColumnGroup[] {
  const wanted = wantedPaths(columns);
  const roots = new Map<string, Array<{ leaf: number; range: ByteRange }>>();
  let total = 0;
  footer.row_groups[rowGroup]!.columns.forEach((chunk, leaf) => {
    const meta = chunk.meta_data;
    if (meta === undefined || !selectsLeaf(wanted, meta.path_in_schema)) return;
    const range = chunkRange(meta)!;
    const root = meta.path_in_schema[0]!;
    if (!roots.has(root)) roots.set(root, []);
    roots.get(root)!.push({ leaf, range });
    total += range.end - range.start;
  });
  const n = total < SPLIT_MIN_BYTES ? 1 : Math.max(1, Math.min(parts, roots.size));
  const bins = Array.from({ length: n }, () => ({ bytes: 0, members: [] as Array<{ leaf: number; range: ByteRange }> }));
  const sized = [...roots.values()].map((m) => ({ m, bytes: m.reduce((s, x) => s + x.range.end - x.range.start, 0) }));
  sized.sort((a, b) => b.bytes - a.bytes);
  for (const { m, bytes } of sized) {
    const bin = bins.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    bin.bytes += bytes;
    bin.members.push(...m);
  }
  return bins
    .filter((b) => b.members.length > 0)
    .map((b) => {
      const members = b.members.sort((x, y) => x.leaf - y.leaf);
      return { leaves: Uint32Array.from(members, (x) => x.leaf), ranges: members.map((x) => x.range), bytes: b.bytes };
    });
}

/**
 * One batch from the same rows decoded in parts (each holding some top-level columns): its columns
 * in the order of `rootOrder` (the file's top-level column names in schema order).
 *
 * @throws Error when the parts disagree on the row count (the caller reports it as `data_invalid`).
 */
export function zipColumnGroups(parts: readonly RecordBatch[], rootOrder: ReadonlyMap<string, number>): RecordBatch {
  if (parts.length === 1) return parts[0]!;
  const rows = parts[0]!.numRows;
  const columns: Array<{ field: Field; data: Data }> = [];
  for (const part of parts) {
    if (part.numRows !== rows) throw new Error(`column groups decoded ${part.numRows} and ${rows} rows for the same batch`);
    part.schema.fields.forEach((field, i) => columns.push({ field, data: part.data.children[i]! }));
  }
  columns.sort((a, b) => (rootOrder.get(a.field.name) ?? 0) - (rootOrder.get(b.field.name) ?? 0));
  const fields = columns.map((c) => c.field);
  const struct = new Data(new Struct(fields), 0, rows, 0, undefined, columns.map((c) => c.data));
  return new RecordBatch(new Schema(fields, parts[0]!.schema.metadata), struct);
}

/** The file's top-level column names with their schema positions (for {@link zipColumnGroups}). */
export function rootColumnOrder(footer: FileMetaData): Map<string, number> {
  const order = new Map<string, number>();
  const root = footer.schema[0];
  let i = 1;
  for (let child = 0; child < (root?.num_children ?? 0); child++) {
    order.set(footer.schema[i]!.name, child);
    i = skipElement(footer, i);
  }
  return order;
}

/** Index of the schema element after the subtree at `i`. */
function skipElement(footer: FileMetaData, i: number): number {
  const children = footer.schema[i]!.num_children ?? 0;
  let next = i + 1;
  for (let c = 0; c < children; c++) next = skipElement(footer, next);
  return next;
}
