/**
 * Recognises Arrow fields that stand for Iceberg types Arrow has no native type for (uuid,
 * variant), from the field metadata the projection writes and from canonical Arrow extension names.
 */
import { DataType, type Field } from 'apache-arrow';

/** Field metadata key holding an Arrow extension type name. */
export const ARROW_EXTENSION_NAME = 'ARROW:extension:name';
/** Field metadata key some writers use to record the Iceberg type of a column. */
export const ICEBERG_TYPE_KEY = 'iceberg.type';

const UUID_NAMES = new Set(['arrow.uuid', 'uuid', 'iceberg.uuid']);
const VARIANT_NAMES = new Set(['arrow.parquet.variant', 'parquet.variant', 'variant', 'iceberg.variant']);

function marker(field: Field): string | undefined {
  return field.metadata.get(ARROW_EXTENSION_NAME) ?? field.metadata.get(ICEBERG_TYPE_KEY);
}

/** True when a `FixedSizeBinary(16)` field holds UUIDs (extension name `arrow.uuid` or Iceberg type `uuid`). */
export function isUuidField(field: Field): boolean {
  const name = marker(field);
  return name !== undefined && UUID_NAMES.has(name);
}

/**
 * True when a struct field holds a variant: marked by metadata, or (unmarked) a struct whose
 * children are exactly binary `metadata` and `value` (plus an optional shredded `typed_value`).
 */
export function isVariantField(field: Field): boolean {
  const name = marker(field);
  if (name !== undefined) return VARIANT_NAMES.has(name);
  if (!DataType.isStruct(field.type)) return false;
  const names = field.type.children.map((c) => c.name).sort();
  const shapeOk =
    (names.length === 2 && names[0] === 'metadata' && names[1] === 'value') ||
    (names.length === 3 && names[0] === 'metadata' && names[1] === 'typed_value' && names[2] === 'value');
  if (!shapeOk) return false;
  const meta = field.type.children.find((c) => c.name === 'metadata');
  return meta !== undefined && (DataType.isBinary(meta.type) || DataType.isLargeBinary(meta.type));
}
