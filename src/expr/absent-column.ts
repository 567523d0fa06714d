/**
 * What pruning may assume about a column a data file lacks: the value the reader fills it with
 * (the spec's column-projection rules as `projection/field-reader.ts` applies them), because
 * planning cannot see which columns a file holds.
 *
 * Column metrics and partition tuples describe the file as its writer saw it. The reader resolves
 * field ids itself (embedded ids, else the table's current name mapping, else positions) and fills
 * an id it does not find with the file's identity-partition value (non-null), else the field's
 * `initial-default`, else null; for files without embedded ids a non-null identity-partition value
 * wins even over a column found by name. So metrics keyed by a field id are evidence about the
 * values read only if the reader finds that column, which only the footer tells. Nothing cheaper
 * proves it: metrics keys are the writer's claim (a name mapping changed since the import, or a
 * writer that records every schema column, breaks it), and a file's sequence number or adding
 * snapshot does not say with which schema its data was written (imports, rewrites, expired
 * snapshots). Pruning therefore treats a field as holding either what its metrics say or the fill
 * value, and a null partition value of a column with an `initial-default` as unknown.
 */
import type { ContentFile } from '../metadata/content-file.ts';
import type { PartitionSpec } from '../metadata/partition-spec.ts';
import type { NestedField, StructType } from '../metadata/schema.ts';
import type { BoundRef } from './bind.ts';
import { NO_ROWS, unionFacts, valueFacts, type ColumnFacts } from './column-facts.ts';
import { decodeJsonValue } from './serialized-values.ts';
import { primType } from './types.ts';

const NULL_ROWS = valueFacts(null);

/** The fill rules of one scan's schema, for files of every spec. */
export interface AbsentColumns {
  /**
   * Facts of the values a data file that lacks field `ref` reads for it: {@link NO_ROWS} when the
   * reader would fail instead (a required field with nothing to fill it), undefined when unknown.
   */
  factsFor(file: ContentFile, ref: BoundRef): ColumnFacts | undefined;
  /**
   * Partition field ids of `spec` whose null value says nothing about the rows read: the source
   * column has an `initial-default`, which a file lacking the column reads instead of the null its
   * writer partitioned by.
   */
  nullIsUnknown(spec: PartitionSpec): ReadonlySet<number>;
}

interface FieldInfo {
  readonly field: NestedField;
  /** Some ancestor struct is optional: a null parent makes the field null. */
  readonly nullableParent: boolean;
}

function indexFields(struct: StructType, nullableParent: boolean, into: Map<number, FieldInfo>): Map<number, FieldInfo> {
  for (const field of struct.fields) {
    into.set(field.id, { field, nullableParent });
    // Lists and maps are left out: filters cannot reference fields inside them.
    if (typeof field.type !== 'string' && field.type.type === 'struct') indexFields(field.type, nullableParent || !field.required, into);
  }
  return into;
}

function hasDefault(field: NestedField): boolean {
  return field.initialDefault !== undefined && field.initialDefault !== null;
}

/**
 * Prepares the fill rules of `schema` (the schema the scan binds and reads with).
 *
 * @param schema The scan's schema.
 * @param specs Every partition spec of the table (files name theirs by id).
 */
export function absentColumns(schema: StructType, specs: readonly PartitionSpec[]): AbsentColumns {
  const fields = indexFields(schema, false, new Map());
  const specById = new Map(specs.map((s) => [s.specId, s]));
  const defaults = new Map<number, ColumnFacts | undefined>();
  const defaultFacts = (info: FieldInfo): ColumnFacts | undefined => {
    const { field } = info;
    if (defaults.has(field.id)) return defaults.get(field.id);
    const type = primType(field.type);
    const v = type ? decodeJsonValue(field.initialDefault, type) : undefined;
    const facts = v === undefined ? undefined : valueFacts(v);
    defaults.set(field.id, facts);
    return facts;
  };
  const nullSets = new WeakMap<PartitionSpec, ReadonlySet<number>>();

  return {
    factsFor(file, ref) {
      const info = fields.get(ref.fieldId);
      if (!info) return undefined;
      const spec = specById.get(file.specId);
      const identity = spec?.fields.find((f) => f.transform === 'identity' && f.sourceId === ref.fieldId);
      const json = identity ? file.partition[String(identity.fieldId)] : undefined;
      let facts: ColumnFacts | undefined;
      if (json !== null && json !== undefined) {
        const v = decodeJsonValue(json, ref.type);
        facts = v === undefined ? undefined : valueFacts(v);
      } else if (hasDefault(info.field)) {
        // This reader skips a null identity-partition value and reads the default; Java's reads the null.
        const d = defaultFacts(info);
        facts = d === undefined ? undefined : identity ? unionFacts(d, NULL_ROWS) : d;
      } else {
        facts = info.field.required ? NO_ROWS : NULL_ROWS;
      }
      return facts && info.nullableParent ? unionFacts(facts, NULL_ROWS) : facts;
    },
    nullIsUnknown(spec) {
      let ids = nullSets.get(spec);
      if (!ids) {
        ids = new Set(spec.fields.filter((f) => { const info = fields.get(f.sourceId); return info !== undefined && hasDefault(info.field); }).map((f) => f.fieldId));
        nullSets.set(spec, ids);
      }
      return ids;
    },
  };
}
