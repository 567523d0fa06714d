/**
 * Avro schemas of manifests (`manifest_entry`) and manifest lists (`manifest_file`) per format
 * version, with `field-id` / `element-id` properties laid out as the Java implementation writes them.
 */
import { decimalOf, fixedLengthOf, type IcebergType } from '../../src/metadata/schema.ts';
import { decimalBytesForPrecision } from './values.ts';

type AvroSchema = unknown;

const opt = (type: AvroSchema) => ['null', type];

function field(name: string, id: number, type: AvroSchema, optional = false): Record<string, unknown> {
  return optional ? { name, type: opt(type), default: null, 'field-id': id } : { name, type, 'field-id': id };
}

function mapOf(keyId: number, valueId: number, value: AvroSchema): AvroSchema {
  return {
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [field('key', keyId, 'int'), field('value', valueId, value)],
    },
  };
}

/** Avro-safe name, escaping as Java does (`_x` + hex code of each invalid character). */
export function avroName(name: string): string {
  let out = '';
  for (const [i, ch] of Array.from(name).entries()) {
    const ok = /[A-Za-z_]/.test(ch) || (i > 0 && /[0-9]/.test(ch));
    out += ok ? ch : /[0-9]/.test(ch) ? `_${ch}` : `_x${ch.codePointAt(0)!.toString(16).toUpperCase()}`;
  }
  return out;
}

/** Avro type of a partition value of Iceberg type `type` (named fixed types are declared once). */
export function avroPrimitive(type: IcebergType, declared: Set<string>): AvroSchema {
  const named = (name: string, schema: Record<string, unknown>) => {
    if (declared.has(name)) return name;
    declared.add(name);
    return { ...schema, name };
  };
  switch (type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return type;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': type === 'timestamptz' };
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': type === 'timestamptz_ns' };
    case 'uuid':
      return named('uuid_fixed', { type: 'fixed', size: 16, logicalType: 'uuid' });
    default: {
      const dec = decimalOf(type);
      if (dec) {
        const size = decimalBytesForPrecision(dec.precision);
        return named(`decimal_${dec.precision}_${dec.scale}`, {
          type: 'fixed',
          size,
          logicalType: 'decimal',
          precision: dec.precision,
          scale: dec.scale,
        });
      }
      const len = fixedLengthOf(type);
      if (len !== undefined) return named(`fixed_${len}`, { type: 'fixed', size: len });
      throw new Error(`table builder: no Avro partition type for ${JSON.stringify(type)}`);
    }
  }
}

/** A partition field as the manifest schema needs it. */
export interface PartitionFieldType {
  readonly fieldId: number;
  readonly name: string;
  readonly resultType: IcebergType;
}

/** The `partition` record (`r102`) of a spec. */
export function partitionRecord(fields: readonly PartitionFieldType[]): AvroSchema {
  const declared = new Set<string>();
  return {
    type: 'record',
    name: 'r102',
    fields: fields.map((f) => field(avroName(f.name), f.fieldId, avroPrimitive(f.resultType, declared), true)),
  };
}

/** The `manifest_entry` schema of a format version for a spec's partition fields. */
export function manifestEntrySchema(formatVersion: 1 | 2 | 3, partition: readonly PartitionFieldType[]): AvroSchema {
  const v1 = formatVersion === 1;
  const dataFile: Record<string, unknown>[] = [
    ...(v1 ? [] : [field('content', 134, 'int')]),
    field('file_path', 100, 'string'),
    field('file_format', 101, 'string'),
    field('partition', 102, partitionRecord(partition)),
    field('record_count', 103, 'long'),
    field('file_size_in_bytes', 104, 'long'),
    ...(v1 ? [field('block_size_in_bytes', 105, 'long')] : []),
    field('column_sizes', 108, mapOf(117, 118, 'long'), true),
    field('value_counts', 109, mapOf(119, 120, 'long'), true),
    field('null_value_counts', 110, mapOf(121, 122, 'long'), true),
    field('nan_value_counts', 137, mapOf(138, 139, 'long'), true),
    field('lower_bounds', 125, mapOf(126, 127, 'bytes'), true),
    field('upper_bounds', 128, mapOf(129, 130, 'bytes'), true),
    field('key_metadata', 131, 'bytes', true),
    field('split_offsets', 132, { type: 'array', items: 'long', 'element-id': 133 }, true),
    ...(v1 ? [] : [field('equality_ids', 135, { type: 'array', items: 'int', 'element-id': 136 }, true)]),
    field('sort_order_id', 140, 'int', true),
    ...(formatVersion === 3 ? [field('first_row_id', 142, 'long', true)] : []),
    ...(v1 ? [] : [field('referenced_data_file', 143, 'string', true)]),
    ...(formatVersion === 3 ? [field('content_offset', 144, 'long', true), field('content_size_in_bytes', 145, 'long', true)] : []),
  ];
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      field('status', 0, 'int'),
      field('snapshot_id', 1, 'long', true), // optional in every version, as Java writes it
      ...(v1 ? [] : [field('sequence_number', 3, 'long', true), field('file_sequence_number', 4, 'long', true)]),
      field('data_file', 2, { type: 'record', name: 'r2', fields: dataFile }),
    ],
  };
}

/** The `manifest_file` schema (manifest list entries) of a format version. */
export function manifestFileSchema(formatVersion: 1 | 2 | 3): AvroSchema {
  const v1 = formatVersion === 1;
  const count = (name: string, id: number, type: string) => field(name, id, type, v1);
  const summary = {
    type: 'record',
    name: 'r508',
    fields: [
      field('contains_null', 509, 'boolean'),
      field('contains_nan', 518, 'boolean', true),
      field('lower_bound', 510, 'bytes', true),
      field('upper_bound', 511, 'bytes', true),
    ],
  };
  const rowCounts = [count('added_rows_count', 512, 'long'), count('existing_rows_count', 513, 'long'), count('deleted_rows_count', 514, 'long')];
  const partitions = field('partitions', 507, { type: 'array', items: summary, 'element-id': 508 }, true);
  return {
    type: 'record',
    name: 'manifest_file',
    fields: [
      field('manifest_path', 500, 'string'),
      field('manifest_length', 501, 'long'),
      field('partition_spec_id', 502, 'int'),
      ...(v1
        ? []
        : [field('content', 517, 'int'), field('sequence_number', 515, 'long'), field('min_sequence_number', 516, 'long')]),
      field('added_snapshot_id', 503, 'long', v1),
      count('added_files_count', 504, 'int'),
      count('existing_files_count', 505, 'int'),
      count('deleted_files_count', 506, 'int'),
      // Java's v1 layout puts the summaries before the row counts
      ...(v1 ? [partitions, ...rowCounts] : [...rowCounts, partitions]),
      field('key_metadata', 519, 'bytes', true),
      ...(formatVersion === 3 ? [field('first_row_id', 520, 'long', true)] : []),
    ],
  };
}
