/**
 * The exact Iceberg → Arrow type mapping of every batch a scan emits (the README's type table).
 *
 * | Iceberg              | Arrow                                                                 |
 * |----------------------|-----------------------------------------------------------------------|
 * | boolean              | Bool                                                                  |
 * | int / long           | Int32 / Int64                                                         |
 * | float / double       | Float32 / Float64                                                     |
 * | decimal(P,S)         | Decimal128(P,S)                                                       |
 * | date                 | Date32 (DateDay)                                                      |
 * | time                 | Time64(MICROSECOND)                                                   |
 * | timestamp            | Timestamp(MICROSECOND) without time zone                              |
 * | timestamptz          | Timestamp(MICROSECOND, 'UTC')                                         |
 * | timestamp_ns(tz)     | Timestamp(NANOSECOND) (tz: 'UTC')                                     |
 * | string               | Utf8                                                                  |
 * | uuid                 | FixedSizeBinary(16), field metadata `ARROW:extension:name=arrow.uuid` |
 * | fixed[L]             | FixedSizeBinary(L)                                                    |
 * | binary               | Binary                                                                |
 * | struct / list / map  | Struct / List (child `element`) / Map (child `entries<key, value>`)   |
 * | variant              | Struct<metadata: Binary, value: Binary>, `arrow.parquet.variant`      |
 * | unknown              | Null                                                                  |
 * | geometry / geography | Binary (WKB), `geoarrow.wkb`                                          |
 *
 * Every field carries its Iceberg field id as `PARQUET:field_id` metadata, nested fields included.
 */
import {
  Binary, Bool, DataType, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int32, Int64,
  List, Map_, Null, Struct, Time, TimeUnit, Timestamp, Utf8,
} from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import { decimalOf, fixedLengthOf, type IcebergType, type NestedField } from '../metadata/schema.ts';

/** Field metadata key holding the Iceberg field id (the Parquet/Arrow convention). */
export const FIELD_ID_KEY = 'PARQUET:field_id';
/** Field metadata key naming an Arrow extension type. */
export const EXTENSION_NAME_KEY = 'ARROW:extension:name';

/** The Arrow extension name set on uuid fields. */
export const UUID_EXTENSION = 'arrow.uuid';
/** The Arrow extension name set on variant fields (the Parquet variant binary encoding). */
export const VARIANT_EXTENSION = 'arrow.parquet.variant';
/** The Arrow extension name set on geometry and geography fields (well-known binary). */
export const WKB_EXTENSION = 'geoarrow.wkb';

/** The Arrow type of a primitive Iceberg type name. Throws `feature_unsupported` for unknown names. */
export function arrowPrimitiveType(t: string): DataType {
  switch (t) {
    case 'boolean': return new Bool();
    case 'int': return new Int32();
    case 'long': return new Int64();
    case 'float': return new Float32();
    case 'double': return new Float64();
    case 'date': return new DateDay();
    case 'time': return new Time(TimeUnit.MICROSECOND, 64);
    case 'timestamp': return new Timestamp(TimeUnit.MICROSECOND);
    case 'timestamptz': return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
    case 'timestamp_ns': return new Timestamp(TimeUnit.NANOSECOND);
    case 'timestamptz_ns': return new Timestamp(TimeUnit.NANOSECOND, 'UTC');
    case 'string': return new Utf8();
    case 'uuid': return new FixedSizeBinary(16);
    case 'binary': return new Binary();
    case 'unknown': return new Null();
    case 'variant': return variantStruct();
  }
  if (t.startsWith('geometry') || t.startsWith('geography')) return new Binary();
  const dec = decimalOf(t);
  if (dec) return new Decimal(dec.scale, dec.precision, 128);
  const len = fixedLengthOf(t);
  if (len !== undefined) return new FixedSizeBinary(len);
  throw new IcebergScanError('feature_unsupported', `projection: unsupported Iceberg type ${t}`, {
    expected: 'an Iceberg v1-v3 type',
  });
}

function variantStruct(): Struct {
  return new Struct([new Field('metadata', new Binary(), false), new Field('value', new Binary(), true)]);
}

/** The Arrow type of any Iceberg type (nested fields carry their field ids). */
export function arrowTypeOf(t: IcebergType): DataType {
  if (typeof t === 'string') return arrowPrimitiveType(t);
  switch (t.type) {
    case 'struct':
      return new Struct(t.fields.map((f) => arrowFieldOf(f)));
    case 'list':
      return new List(idField('element', t.element, !t.elementRequired, t.elementId));
    case 'map': {
      const entries = new Struct([idField('key', t.key, false, t.keyId), idField('value', t.value, !t.valueRequired, t.valueId)]);
      return new Map_(new Field('entries', entries, false));
    }
  }
}

function idField(name: string, t: IcebergType, nullable: boolean, id: number): Field {
  return new Field(name, arrowTypeOf(t), nullable, fieldMetadata(id, t));
}

/** The metadata of an output field: its field id plus an extension name for uuid, variant and geo types. */
export function fieldMetadata(id: number, t: IcebergType): Map<string, string> {
  const md = new Map([[FIELD_ID_KEY, String(id)]]);
  if (t === 'uuid') md.set(EXTENSION_NAME_KEY, UUID_EXTENSION);
  else if (t === 'variant') md.set(EXTENSION_NAME_KEY, VARIANT_EXTENSION);
  else if (typeof t === 'string' && (t.startsWith('geometry') || t.startsWith('geography'))) {
    md.set(EXTENSION_NAME_KEY, WKB_EXTENSION);
  }
  return md;
}

/** The Arrow field of an Iceberg field: same name, nullable unless required, field id metadata. */
export function arrowFieldOf(f: NestedField, name: string = f.name): Field {
  return new Field(name, arrowTypeOf(f.type), !f.required, fieldMetadata(f.id, f.type));
}
