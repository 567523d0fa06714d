/**
 * The type of the `_partition` metadata column: a struct over the union of every partition
 * spec's fields (by partition field id), each typed by its transform's result type.
 */
import { findFieldById, type IcebergType, type NestedField, type Schema, type StructType } from '../metadata/schema.ts';

/** The parts of a partition spec projection needs (structurally compatible with `PartitionSpec`). */
export interface PartitionSpecLike {
  readonly specId: number;
  readonly fields: readonly { readonly sourceId: number; readonly fieldId: number; readonly name: string; readonly transform: string }[];
}

/**
 * The result type of a partition transform over a source type: identity/truncate/void keep the
 * source type; bucket, year, month and hour give int; day gives date (as Java and PyIceberg do).
 * An unknown transform or a source missing from every schema gives `unknown` (read as nulls).
 */
export function transformResultType(transform: string, source: IcebergType | undefined): IcebergType {
  const t = transform.trim().toLowerCase();
  if (t.startsWith('bucket') || t === 'year' || t === 'month' || t === 'hour') return 'int';
  if (t === 'day') return 'date';
  if (source === undefined) return 'unknown';
  if (t === 'identity' || t.startsWith('truncate') || t === 'void') return source;
  return 'unknown';
}

/** The `_partition` struct type over the union of `specs`' fields, in order of first appearance. */
export function partitionStructType(specs: readonly PartitionSpecLike[], schemas: readonly Schema[]): StructType {
  const fields: NestedField[] = [];
  const seen = new Set<number>();
  for (const spec of [...specs].sort((a, b) => a.specId - b.specId)) {
    for (const pf of spec.fields) {
      if (seen.has(pf.fieldId)) continue;
      seen.add(pf.fieldId);
      const source = schemas.map((s) => findFieldById(s, pf.sourceId)).find((f) => f !== undefined);
      fields.push({ id: pf.fieldId, name: pf.name, required: false, type: transformResultType(pf.transform, source?.type) });
    }
  }
  return { type: 'struct', fields };
}
