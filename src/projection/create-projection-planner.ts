/**
 * `createProjectionPlanner`: the scan's output schema from the snapshot schema and `select`, and
 * for each data file the Parquet columns to decode plus the per-batch reshaping into that schema.
 *
 * Per file: field ids come from the Parquet schema (when any field has one), else the name
 * mapping, else positional fallback ids; each output field is read by id and promoted, or filled
 * (identity-partition value, `initial-default`, null; a required field with none is an error).
 * Metadata columns (`_file`, `_pos`, `_spec_id`, `_partition`, `_row_id`,
 * `_last_updated_sequence_number`) are built per batch; constants once per file, then sliced.
 */
import { Data, Field, RecordBatch, Schema as ArrowSchema, Struct, Type, makeData } from 'apache-arrow';
import type { FileMetaData } from 'hyparquet';
import { IcebergScanError } from '../errors.ts';
import type { NameMapping } from '../metadata/name-mapping.ts';
import { findFieldById, type IcebergType, type NestedField, type Schema, type StructType } from '../metadata/schema.ts';
import type { FileScanTask } from '../task/file-scan-task.ts';
import { arrowFieldOf, arrowTypeOf } from './arrow-types.ts';
import { cachedColumn, constantData, nullData } from './constant-data.ts';
import { findNode, missingSource, planField, type FieldPlanContext, type FieldSource } from './field-reader.ts';
import { resolveFileSchema, type FileNode } from './file-schema.ts';
import type { FileProjection, ProjectionPlanner } from '../task/file-projection.ts';
import { METADATA_FIELD_IDS, coalesceLong, isMetadataColumnName, metadataField, sequenceData, type MetadataColumnName } from './metadata-columns.ts';
import { findFieldPath, selectColumns } from './select-columns.ts';
import { partitionStructType, type PartitionSpecLike } from './partition-type.ts';

/** Options of {@link createProjectionPlanner}. */
export interface ProjectionPlannerOptions {
  /** The schema of the scanned snapshot. */
  readonly schema: Schema;
  /** Top-level names, nested struct paths (`a.b`) and metadata column names; default: all top-level columns. */
  readonly select?: readonly string[];
  /** Match `select` names case-sensitively (default true). */
  readonly caseSensitive?: boolean;
  /** The table's `schema.name-mapping.default`, for data files without field ids. */
  readonly nameMapping?: NameMapping;
  /** Every partition spec of the table: identity-partition constants and the `_partition` struct. */
  readonly specs?: readonly PartitionSpecLike[];
  /** The table's format version (informational; v3 rules are applied whenever the metadata uses them). */
  readonly formatVersion?: number;
  /** Field ids of helper columns appended after the output columns (filters, equality deletes). */
  readonly extraFieldIds?: readonly number[];
  /** Every schema of the table, to type helper columns of fields dropped from `schema`. */
  readonly allSchemas?: readonly Schema[];
}

/** A planner with a lookup of column positions by field id (helpers included). */
export interface IcebergProjectionPlanner extends ProjectionPlanner {
  /** Index in `schema.fields` of the top-level column holding field `fieldId`, or -1. */
  columnIndexOf(fieldId: number): number;
}

type Column =
  | { readonly kind: 'data'; readonly field: NestedField; readonly ancestors: readonly NestedField[]; readonly arrow: Field }
  | { readonly kind: 'meta'; readonly name: MetadataColumnName; readonly field: NestedField; readonly arrow: Field };

/** Builds one output column: `n` rows from `pos` on, or the rows at `pos + offsets[i]` when given (then `n === offsets.length`). */
type Maker = (decoded: RecordBatch | undefined, pos: number, n: number, offsets?: Int32Array) => Data;

/** Creates the projection planner of one scan. Throws `not_found` / `invalid_argument` for a bad `select`. */
export function createProjectionPlanner(options: ProjectionPlannerOptions): IcebergProjectionPlanner {
  const { schema, specs = [], nameMapping } = options;
  const partitionType = partitionStructType(specs, [schema, ...(options.allSchemas ?? [])]);
  const columns: Column[] = selectColumns(schema, options.select, options.caseSensitive ?? true).map((c) => {
    if (c.kind === 'meta') {
      const field = metadataField(c.name, partitionType);
      return { kind: 'meta', name: c.name, field, arrow: arrowFieldOf(field) };
    }
    return { kind: 'data', field: c.field, ancestors: [], arrow: arrowFieldOf(c.field) };
  });
  const outputColumns = columns.length;
  for (const id of options.extraFieldIds ?? []) {
    if (columns.some((c) => c.field.id === id && (c.kind === 'meta' || c.field === findFieldById(schema, id)))) continue;
    columns.push(helperColumn(id, schema, options.allSchemas ?? [], partitionType));
  }
  const arrowSchema = new ArrowSchema(columns.map((c) => c.arrow));
  const rowType = new Struct(arrowSchema.fields);
  const specsById = new Map(specs.map((s) => [s.specId, s]));

  return {
    schema: arrowSchema,
    outputColumns,
    columnIndexOf: (fieldId) => columns.findIndex((c) => c.field.id === fieldId),
    forFile(task: FileScanTask, footer: FileMetaData): FileProjection {
      const path = task.dataFile.path;
      const file = resolveFileSchema(footer, nameMapping, path);
      const ctx: FieldPlanContext = { path, idSource: file.idSource, partitionConstants: identityConstants(task, specsById), columns: new Set() };
      const makers = columns.map((c): Maker => (c.kind === 'meta'
        ? metaMaker(c.name, c.field, task, file.fields, ctx, partitionType)
        : dataMaker(c.field, c.ancestors, c.arrow, file.fields, ctx)));
      const needed = [...ctx.columns];
      return {
        columns: needed,
        project(decoded, firstRowPosition, numRows, rowOffsets) {
          if (needed.length && !decoded) {
            throw new IcebergScanError('invalid_argument', 'projection: a decoded batch is required for this file', { path, expected: `columns ${needed.join(', ')}` });
          }
          const n = decoded ? decoded.numRows : (rowOffsets?.length ?? numRows);
          const children = makers.map((m) => m(decoded, firstRowPosition, n, rowOffsets));
          const bad = children.findIndex((c) => c.length !== n);
          if (bad >= 0) {
            // RecordBatch would silently null-pad a short column: fail loudly instead.
            throw new IcebergScanError('data_invalid', `projection: column ${arrowSchema.fields[bad].name} has ${children[bad].length} rows, the batch ${n}`, {
              path, expected: 'columns of equal length',
            });
          }
          return new RecordBatch(arrowSchema, makeData({ type: rowType, length: n, nullCount: 0, children }));
        },
      };
    },
  };
}

function helperColumn(id: number, schema: Schema, allSchemas: readonly Schema[], partitionType: StructType): Column {
  const metaName = (Object.keys(METADATA_FIELD_IDS) as (keyof typeof METADATA_FIELD_IDS)[]).find((k) => METADATA_FIELD_IDS[k] === id);
  if (metaName && isMetadataColumnName(metaName)) {
    const field = metadataField(metaName, partitionType);
    return { kind: 'meta', name: metaName, field, arrow: arrowFieldOf(field) };
  }
  for (const s of [schema, ...allSchemas]) {
    const found = findFieldPath(s, id);
    if (found) {
      const name = [...found.ancestors, found.field].map((f) => f.name).join('.');
      // A nested helper is nullable: a null parent struct makes it null.
      const field = found.ancestors.length ? { ...found.field, required: false } : found.field;
      return { kind: 'data', field, ancestors: found.ancestors, arrow: arrowFieldOf(field, name) };
    }
  }
  throw new IcebergScanError('invalid_argument', `projection: helper field id ${id} is not in any schema (or sits inside a list or map)`, {
    expected: 'the id of a field reachable through structs', context: { fieldId: id },
  });
}

/** Identity-partition values of the task's file keyed by source field id (nulls skipped: they fall through). */
function identityConstants(task: FileScanTask, specsById: ReadonlyMap<number, PartitionSpecLike>): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const spec = specsById.get(task.dataFile.specId);
  for (const f of spec?.fields ?? []) {
    if (f.transform !== 'identity') continue;
    const v = task.dataFile.partition[String(f.fieldId)];
    if (v !== null && v !== undefined) out.set(f.sourceId, v);
  }
  return out;
}

function topData(decoded: RecordBatch | undefined, node: FileNode, path: string): Data {
  const idx = decoded ? decoded.schema.fields.findIndex((f) => f.name === node.name) : -1;
  if (!decoded || idx < 0) {
    throw new IcebergScanError('data_invalid', `projection: decoded batch lacks column ${node.name}`, { path, expected: `the decoded column ${node.path.join('.')}` });
  }
  return decoded.data.children[idx];
}

function dataMaker(field: NestedField, ancestors: readonly NestedField[], arrow: Field, fileFields: readonly FileNode[], ctx: FieldPlanContext): Maker {
  if (!ancestors.length) {
    const source = planField(field, field.type, arrow.type, findNode(field, fileFields, ctx.idSource, false), ctx);
    return sourceMaker(source, ctx.path);
  }
  // A nested helper leaf: descend through its struct ancestors in the file.
  const chain: FileNode[] = [];
  let candidates = fileFields;
  for (const [i, a] of ancestors.entries()) {
    const node = findNode(a, candidates, ctx.idSource, i > 0);
    if (!node || node.kind !== 'struct') return sourceMaker(missingSource(field, field.type, arrow.type, ctx), ctx.path);
    chain.push(node);
    candidates = node.children;
  }
  const source = planField(field, field.type, arrow.type, findNode(field, candidates, ctx.idSource, true), ctx);
  if (source.kind === 'const') return sourceMaker(source, ctx.path);
  return (decoded) => {
    let d = topData(decoded, chain[0], ctx.path);
    const parents: Data[] = [d];
    for (const node of chain.slice(1).concat(source.node)) {
      const idx = (d.type as Struct).children.findIndex((c) => c.name === node.name);
      d = d.children[idx];
      parents.push(d);
    }
    return withParentNulls(source.adapt(parents.pop()!), parents);
  };
}

/** ANDs the validity of struct ancestors into a child column. */
function withParentNulls(child: Data, parents: readonly Data[]): Data {
  if (parents.every((p) => p.nullCount === 0)) return child;
  const n = child.length;
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (child.getValid(i) && parents.every((p) => p.getValid(i))) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  // Only the validity bitmap is indexed through `offset` (value buffers are already sliced),
  // except booleans, whose values are bits too: re-pack those from position 0.
  let values = child.values;
  if (child.offset !== 0 && child.type.typeId === Type.Bool) {
    const bits = new Uint8Array(Math.ceil(n / 8));
    const src = child.values as Uint8Array;
    for (let i = 0; i < n; i++) if ((src[(child.offset + i) >> 3] >> ((child.offset + i) & 7)) & 1) bits[i >> 3] |= 1 << (i & 7);
    values = bits;
  }
  return child.clone(child.type, 0, n, nulls, [child.valueOffsets, values, bitmap] as never);
}

function sourceMaker(source: FieldSource, path: string): Maker {
  if (source.kind === 'const') return (_d, _p, n) => source.make(n);
  return (decoded) => source.adapt(topData(decoded, source.node, path));
}

function metaMaker(name: MetadataColumnName, field: NestedField, task: FileScanTask, fileFields: readonly FileNode[], ctx: FieldPlanContext, partitionType: StructType): Maker {
  const f = task.dataFile;
  const type = arrowTypeOf(field.type);
  const constant = (icebergType: IcebergType, value: unknown): Maker => {
    const make = cachedColumn((n) => constantData(icebergType, type, value, n));
    return (_d, _p, n) => make(n);
  };
  switch (name) {
    case '_file': return constant('string', f.path);
    case '_spec_id': return constant('int', f.specId);
    case '_pos': return (_d, pos, n, offsets) => sequenceData(pos, n, offsets);
    case '_partition': {
      const value = Object.fromEntries(partitionType.fields.filter((p) => p.id in f.partition).map((p) => [String(p.id), f.partition[String(p.id)]]));
      return partitionType.fields.length ? constant(partitionType, value) : constant(partitionType, null);
    }
    case '_row_id': {
      const inherited: Maker = f.firstRowId === null || f.firstRowId === undefined
        ? (_d, _p, n) => nullData(type, n)
        : (_d, pos, n, offsets) => sequenceData(f.firstRowId! + pos, n, offsets);
      return lineage(field, inherited, fileFields, ctx);
    }
    case '_last_updated_sequence_number': {
      const seq = f.sequenceNumber;
      const inherited: Maker = seq === undefined ? (_d, _p, n) => nullData(type, n) : constant('long', seq);
      return lineage(field, inherited, fileFields, ctx);
    }
  }
}

/** Row lineage: the file's column (when written) coalesced with the inherited value. */
function lineage(field: NestedField, inherited: Maker, fileFields: readonly FileNode[], ctx: FieldPlanContext): Maker {
  const node = ctx.idSource === 'embedded' ? fileFields.find((n) => n.id === field.id) : undefined;
  if (!node) return inherited;
  const source = planField(field, 'long', arrowTypeOf('long'), node, ctx);
  if (source.kind !== 'file') return inherited;
  // The inherited value follows each row's position in the file: with skipped rows (deletes pushed
  // into the decoder) the rows are not contiguous, so the offsets go through too.
  return (decoded, pos, n, offsets) => coalesceLong(source.adapt(topData(decoded, node, ctx.path)), inherited(decoded, pos, n, offsets) as Data<never>);
}
