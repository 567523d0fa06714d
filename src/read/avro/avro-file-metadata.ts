/**
 * Describes an Avro data file's schema as a hyparquet `FileMetaData` (the Parquet schema an
 * Iceberg writer would have produced for the same fields), so the projection resolves its columns
 * by field id exactly as for Parquet files.
 */
import type { FileMetaData, LogicalType, SchemaElement } from 'hyparquet';
import type { AvroField, AvroNode } from './avro-schema-tree.ts';

/**
 * The synthetic footer of an Avro data file: its schema elements (depth-first, root first) with
 * field ids, repetition and Parquet physical/logical types; no row groups.
 *
 * @param fields The root record's fields.
 * @param numRows The file's record count (informational).
 */
export function avroFileMetadata(fields: readonly AvroField[], numRows: number): FileMetaData {
  const schema: SchemaElement[] = [{ name: 'table', num_children: fields.length }];
  for (const f of fields) pushNode(schema, f.name, f.fieldId, f.node);
  return { version: 1, schema, num_rows: BigInt(numRows), row_groups: [], metadata_length: 0, created_by: 'avro' };
}

function withId(el: SchemaElement, id: number | undefined): SchemaElement {
  return id === undefined ? el : { ...el, field_id: id };
}

function pushNode(out: SchemaElement[], name: string, id: number | undefined, node: AvroNode): void {
  const repetition_type = node.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (node.kind) {
    case 'record':
      out.push(withId({ name, repetition_type, num_children: node.fields.length }, id));
      for (const f of node.fields) pushNode(out, f.name, f.fieldId, f.node);
      return;
    case 'list':
      out.push(withId({ name, repetition_type, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } }, id));
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      pushNode(out, 'element', node.elementId, node.element);
      return;
    case 'map':
      out.push(withId({ name, repetition_type, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } }, id));
      out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 });
      pushNode(out, 'key', node.keyId, { ...node.key, nullable: false } as AvroNode);
      pushNode(out, 'value', node.valueId, node.value);
      return;
    case 'primitive':
      out.push(withId({ name, repetition_type, ...primitiveElement(node) }, id));
  }
}

type Primitive = Extract<AvroNode, { kind: 'primitive' }>;

/** The Parquet physical and logical type an Iceberg writer uses for the Avro primitive `node`. */
function primitiveElement(node: Primitive): Omit<SchemaElement, 'name'> {
  const lt = node.logicalType;
  const decimal = lt === 'decimal' ? { type: 'DECIMAL' as const, precision: node.precision ?? 0, scale: node.scale ?? 0 } : undefined;
  const logical = (logical_type: LogicalType) => ({ logical_type });
  switch (node.avro) {
    case 'null': return { type: 'INT32', ...logical({ type: 'NULL' }) };
    case 'boolean': return { type: 'BOOLEAN' };
    case 'int':
      if (lt === 'date') return { type: 'INT32', converted_type: 'DATE', ...logical({ type: 'DATE' }) };
      if (lt === 'time-millis') return { type: 'INT32', converted_type: 'TIME_MILLIS', ...logical({ type: 'TIME', isAdjustedToUTC: false, unit: 'MILLIS' }) };
      return { type: 'INT32' };
    case 'long': {
      const ts = timestampUnit(lt);
      if (ts) return { type: 'INT64', ...logical({ type: 'TIMESTAMP', isAdjustedToUTC: isUtc(node), unit: ts }) };
      if (lt === 'time-micros') return { type: 'INT64', converted_type: 'TIME_MICROS', ...logical({ type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' }) };
      return { type: 'INT64' };
    }
    case 'float': return { type: 'FLOAT' };
    case 'double': return { type: 'DOUBLE' };
    case 'bytes':
      if (decimal) return { type: 'BYTE_ARRAY', converted_type: 'DECIMAL', precision: decimal.precision, scale: decimal.scale, logical_type: decimal };
      return { type: 'BYTE_ARRAY' };
    case 'string':
    case 'enum':
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', ...logical({ type: 'STRING' }) };
    case 'fixed': {
      const type_length = node.size ?? 0;
      if (decimal) return { type: 'FIXED_LEN_BYTE_ARRAY', type_length, converted_type: 'DECIMAL', precision: decimal.precision, scale: decimal.scale, logical_type: decimal };
      if (lt === 'uuid' && type_length === 16) return { type: 'FIXED_LEN_BYTE_ARRAY', type_length, ...logical({ type: 'UUID' }) };
      return { type: 'FIXED_LEN_BYTE_ARRAY', type_length };
    }
  }
}

/** The unit of an Avro timestamp logical type, or undefined. */
export function timestampUnit(lt: string | undefined): 'MILLIS' | 'MICROS' | 'NANOS' | undefined {
  switch (lt) {
    case 'timestamp-millis': case 'local-timestamp-millis': return 'MILLIS';
    case 'timestamp-micros': case 'local-timestamp-micros': return 'MICROS';
    case 'timestamp-nanos': case 'local-timestamp-nanos': return 'NANOS';
    default: return undefined;
  }
}

/**
 * Whether an Avro timestamp is an instant (Iceberg timestamptz): Iceberg marks it with
 * `adjust-to-utc`; without the property, `timestamp-*` are instants and `local-timestamp-*` are not.
 */
export function isUtc(node: Primitive): boolean {
  if (node.adjustToUtc !== undefined) return node.adjustToUtc;
  return !(node.logicalType ?? '').startsWith('local-');
}
