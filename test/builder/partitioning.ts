/**
 * Partition specs for the table builder: resolving a description's partition fields against the
 * schema, computing a file's partition tuple from its rows, and its JSON, Avro and path forms.
 */
import type { NestedField, Schema, StructType } from '../../src/metadata/schema.ts';
import { avroName } from './avro-schemas.ts';
import { descriptionError, type BuilderSpec, type SpecField } from './builder-state.ts';
import type { PartitionFieldInput } from './table-description.ts';
import { applyTransform, transformResultType } from './transforms.ts';
import { bigEndianBytes, decimalBytesForPrecision, toCanonical, type Canonical } from './values.ts';
import { toJsonValue } from './json-values.ts';
import { decimalOf } from '../../src/metadata/schema.ts';

/** Where a source column lives: its top-level index and the struct path below it. */
interface SourcePath {
  readonly top: number;
  readonly path: readonly string[];
  readonly field: NestedField;
  /** Dotted name from the top level (`pt.x`). */
  readonly fullName: string;
}

function findSource(schema: StructType, source: string | number): SourcePath {
  const search = (struct: StructType, prefix: string[], top: number | undefined): SourcePath | undefined => {
    for (const [i, f] of struct.fields.entries()) {
      const path = [...prefix, f.name];
      const t = top ?? i;
      if (f.id === source || path.join('.') === source) return { top: t, path: path.slice(1), field: f, fullName: path.join('.') };
      if (typeof f.type !== 'string' && f.type.type === 'struct') {
        const hit = search(f.type, path, t);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  const hit = search(schema, [], undefined);
  if (!hit) throw descriptionError(`partition source column ${source} not found`);
  return hit;
}

function defaultName(fullName: string, transform: string): string {
  if (transform === 'identity') return fullName;
  const base = transform.replace(/\[.*$/, '');
  return `${fullName}_${base === 'truncate' ? 'trunc' : base === 'void' ? 'null' : base}`; // Java's default names
}

/** Resolves partition fields into a spec, assigning field ids after `lastPartitionId`. */
export function buildSpec(
  schema: Schema,
  input: readonly PartitionFieldInput[],
  specId: number,
  lastPartitionId: number,
): { spec: BuilderSpec; lastPartitionId: number } {
  let last = lastPartitionId;
  const fields: SpecField[] = input.map((p) => {
    const src = findSource(schema, p.source);
    if (typeof src.field.type !== 'string') throw descriptionError(`partition source ${p.source} must be a primitive column`);
    const fieldId = p.fieldId ?? ++last;
    last = Math.max(last, fieldId);
    return {
      sourceId: src.field.id,
      fieldId,
      name: p.name ?? defaultName(src.fullName, p.transform),
      transform: p.transform,
      sourceType: src.field.type,
      resultType: transformResultType(p.transform, src.field.type),
    };
  });
  return { spec: { specId, fields }, lastPartitionId: last };
}

/** The partition tuple key used to check that all rows of a file share one partition. */
function tupleKey(spec: BuilderSpec, values: readonly Canonical[]): string {
  return JSON.stringify(spec.fields.map((f, i) => toJsonValue(f.resultType, values[i])));
}

/**
 * Computes the partition tuple of a batch of top-level columns (`columns[i]` for `schema.fields[i]`),
 * checking it equals `previous` when given. Throws when rows span several partitions.
 */
export function partitionOfColumns(
  schema: Schema,
  spec: BuilderSpec,
  columns: readonly ArrayLike<Canonical>[],
  previous: readonly Canonical[] | undefined,
  fileName: string,
): Canonical[] | undefined {
  if (!spec.fields.length) return [];
  const sources = spec.fields.map((f) => findSource(schema, f.sourceId));
  const rows = columns[0]?.length ?? 0;
  let tuple = previous ? [...previous] : undefined;
  let key = tuple ? tupleKey(spec, tuple) : undefined;
  for (let r = 0; r < rows; r++) {
    const values = spec.fields.map((f, i) => {
      const s = sources[i]!;
      let v: Canonical = columns[s.top]![r];
      for (const name of s.path) v = v == null ? null : (v as Record<string, Canonical>)[name];
      return applyTransform(f.transform, f.sourceType, v);
    });
    if (!tuple) {
      tuple = values;
      key = tupleKey(spec, values);
    } else if (tupleKey(spec, values) !== key) {
      throw descriptionError(`rows of ${fileName} span several partitions (${key} and ${tupleKey(spec, values)}); split them or give 'partition'`);
    }
  }
  return tuple;
}

/** Canonical partition tuple from a description's explicit `partition` (by partition field name). */
export function partitionFromInput(spec: BuilderSpec, input: Readonly<Record<string, unknown>>): Canonical[] {
  for (const k of Object.keys(input)) {
    if (!spec.fields.some((f) => f.name === k)) throw descriptionError(`partition field ${k} is not in spec ${spec.specId}`);
  }
  return spec.fields.map((f) => toCanonical(f.resultType, input[f.name]));
}

/**
 * Partition values by partition field id in JSON single-value form, as iceberg-rx's `ContentFile`
 * holds them (`day` values as day numbers: the spec's result type for `day` is int, even though
 * Java's Avro schema marks it as a date).
 */
export function partitionJson(spec: BuilderSpec, values: readonly Canonical[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  spec.fields.forEach((f, i) => (out[String(f.fieldId)] = toJsonValue(f.transform === 'day' ? 'int' : f.resultType, values[i])));
  return out;
}

/** The Avro `partition` record value. */
export function partitionAvro(spec: BuilderSpec, values: readonly Canonical[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  spec.fields.forEach((f, i) => {
    const v = values[i];
    let avro: unknown = v ?? null;
    const dec = decimalOf(f.resultType);
    if (v != null && dec) avro = Buffer.from(bigEndianBytes(v as bigint, decimalBytesForPrecision(dec.precision)));
    else if (v instanceof Uint8Array) avro = Buffer.from(v);
    out[avroName(f.name)] = avro;
  });
  return out;
}

/** The Hive-style folder of a partition (`id_bucket=3/day=2024-01-02`), or '' when unpartitioned. */
export function partitionPath(spec: BuilderSpec, values: readonly Canonical[]): string {
  return spec.fields
    .map((f, i) => {
      const j = toJsonValue(f.resultType, values[i]);
      return `${encodeURIComponent(f.name)}=${j === null ? 'null' : encodeURIComponent(String(j))}`;
    })
    .join('/');
}

/** Spec JSON (`partition-specs[]` form). */
export function specJson(spec: BuilderSpec): Record<string, unknown> {
  return {
    'spec-id': spec.specId,
    fields: spec.fields.map((f) => ({ name: f.name, transform: f.transform, 'source-id': f.sourceId, 'field-id': f.fieldId })),
  };
}
