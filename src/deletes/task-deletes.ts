/**
 * `TaskDeletes`: every delete that applies to one data file, loaded, and the vectorised application
 * of them to one batch of that file (by absolute position, then by equality key).
 */
import { Type, type Data, type Field, type RecordBatch, type Schema } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import { keptRowPositions, rowPosition, type FileBatch } from '../task/file-batch.ts';
import type { DeletedRows } from '../task/row-selection.ts';
import { arrowKeyOf, joinKey, type KeyPart } from './equality-key.ts';
import type { EqualityDeleteSet } from './equality-delete-file.ts';
import type { PositionSet } from './position-set.ts';
import { takeRows } from './take-rows.ts';

/** The loaded deletes of one data file. */
export interface TaskDeletes {
  /** The data file path (as recorded). */
  readonly dataFilePath: string;
  /** Deleted positions from position delete files (empty when a deletion vector applies). */
  readonly positions: readonly PositionSet[];
  /** The deletion vector, when one applies (it replaces position delete files). */
  readonly deletionVector: PositionSet | undefined;
  /** Equality delete sets. */
  readonly equality: readonly EqualityDeleteSet[];
}

/** Rows removed from one batch, per kind of delete (a row counts once, for the first kind that hits it). */
export interface DeletedCounts {
  position: number;
  deletionVector: number;
  equality: number;
}

/** The outcome of applying deletes to one batch. */
export interface AppliedDeletes {
  /** The surviving rows; undefined when every row was deleted. */
  readonly batch: FileBatch | undefined;
  readonly deleted: DeletedCounts;
}

/** Field metadata key of the Iceberg field id. */
const FIELD_ID_KEY = 'PARQUET:field_id';

/**
 * The task's position deletes (its deletion vector, or else its position delete files) as rows a
 * reader may drop while decoding; `undefined` when there are none.
 */
export function deletedRowsOf(deletes: TaskDeletes): DeletedRows | undefined {
  const dv = deletes.deletionVector;
  if (dv !== undefined) return { kind: 'deletionVector', markRange: (first, count, mask) => dv.markRange(first, count, mask) };
  const sets = deletes.positions;
  if (sets.length === 0) return undefined;
  return {
    kind: 'position',
    markRange: (first, count, mask) => sets.reduce((marked, set) => marked + set.markRange(first, count, mask), 0),
  };
}

/**
 * Applies `deletes` to `input`: position sets and the deletion vector by absolute position
 * (`firstRowPosition + i`, or `+ rowOffsets[i]`; skipped when the reader applied them,
 * `positionDeletesApplied`), then equality sets on the rows still alive. The output batch keeps the
 * input's columns; its `firstRowPosition` and `rowOffsets` place its surviving rows.
 *
 * @throws IcebergScanError `not_found` when an equality column is not in the batch (the projection
 *   must read the equality field ids as helper columns: `createProjectionPlanner({ extraFieldIds })`).
 */
export function applyTaskDeletes(deletes: TaskDeletes, input: FileBatch): AppliedDeletes {
  const { batch, firstRowPosition: first } = input;
  const n = batch.numRows;
  const deleted: DeletedCounts = { position: 0, deletionVector: 0, equality: 0 };
  if (input.positionDeletesApplied === true && deletes.equality.length === 0) return { batch: input, deleted };
  const mask = new Uint8Array(n);
  if (input.positionDeletesApplied !== true) {
    const mark = (set: PositionSet): number => (input.rowOffsets === undefined ? set.markRange(first, n, mask) : markRows(set, input, mask));
    if (deletes.deletionVector !== undefined) deleted.deletionVector += mark(deletes.deletionVector);
    for (const set of deletes.positions) deleted.position += mark(set);
  }
  for (const eq of deletes.equality) deleted.equality += markEquality(eq, batch, mask, deletes.dataFilePath);
  const removed = deleted.position + deleted.deletionVector + deleted.equality;
  if (removed === 0) return { batch: input, deleted };
  if (removed === n) return { batch: undefined, deleted };
  const keep = new Int32Array(n - removed);
  for (let i = 0, k = 0; i < n; i++) if (mask[i] === 0) keep[k++] = i;
  return { batch: { ...input, batch: takeRows(batch, keep), ...keptRowPositions(first, input.rowOffsets, keep) }, deleted };
}

/** Marks the rows of a batch with gaps (`rowOffsets`) whose position is in `set`; returns how many were newly marked. */
function markRows(set: PositionSet, input: FileBatch, mask: Uint8Array): number {
  let marked = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0 && set.has(rowPosition(input, i))) {
      mask[i] = 1;
      marked++;
    }
  }
  return marked;
}

/** Marks rows equal to a delete row of `eq`; returns how many were newly marked. */
function markEquality(eq: EqualityDeleteSet, batch: RecordBatch, mask: Uint8Array, dataFilePath: string): number {
  if (eq.keys.size === 0) return 0;
  const readers = eq.fieldIds.map((id) => {
    const reader = columnKeyReader(batch, id);
    if (reader === undefined) {
      throw new IcebergScanError('not_found', `equality delete column ${id} is not in the batch`, {
        path: dataFilePath,
        expected: `field id ${id} (from ${eq.path}) among the batch columns; the projection must read it as a helper column (createProjectionPlanner({ extraFieldIds }))`,
        context: { fieldId: id },
      });
    }
    return reader;
  });
  const parts: KeyPart[] = new Array(readers.length);
  let marked = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 0) continue;
    for (let c = 0; c < readers.length; c++) parts[c] = readers[c]!(i);
    if (eq.keys.has(joinKey(parts))) {
      mask[i] = 1;
      marked++;
    }
  }
  return marked;
}

/** A key reader for the column with field id `id`, searched through structs; null under a null parent. */
export function columnKeyReader(batch: RecordBatch, id: number): ((i: number) => KeyPart) | undefined {
  const path = findFieldPath(batch.schema, id);
  if (path === undefined) return undefined;
  let data: Data = batch.data.children[path[0]!]!;
  const parents: Data[] = [];
  for (let d = 1; d < path.length; d++) {
    parents.push(data);
    data = data.children[path[d]!]!;
  }
  const leaf = arrowKeyOf(data);
  if (leaf === undefined) return undefined;
  if (parents.length === 0) return leaf;
  return (i) => (parents.every((p) => p.getValid(i)) ? leaf(i) : null);
}

/** Child indices from the schema down to the field carrying `PARQUET:field_id` = id (structs only). */
function findFieldPath(schema: Schema, id: number): number[] | undefined {
  const want = String(id);
  const search = (fields: readonly Field[]): number[] | undefined => {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.metadata.get(FIELD_ID_KEY) === want) return [i];
      if (f.type.typeId === Type.Struct) {
        const sub = search(f.type.children as Field[]);
        if (sub !== undefined) return [i, ...sub];
      }
    }
    return undefined;
  };
  return search(schema.fields);
}
