/**
 * Moving apache-arrow record batches between threads without re-encoding them: a batch travels as
 * its columns' buffers (transferred, not copied) plus the shape of its `Data` tree, each node with
 * its own type; the types (and the schema, once per request) are structured-cloned and revived into
 * apache-arrow classes here. This replaces
 * Arrow IPC, whose encoding inside the worker cost about three times the copy out of wasm memory
 * (and whose apache-arrow writer cannot write arrow-js-ffi's LargeList).
 */
import {
  Binary, Bool, Data, Date_, Decimal, Dictionary, Duration, Field, FixedSizeBinary, FixedSizeList, Float, Int,
  Interval, LargeBinary, LargeList, LargeUtf8, List, Map_, Null, RecordBatch, Schema, Struct, Time, Timestamp, Type,
  Union, Utf8, Vector, type DataType,
} from 'apache-arrow';

/** One column (or child) as posted: its type, buffers by Arrow `BufferType` index, children, dictionary. */
export interface WireData {
  /**
   * The data's own type, structured-cloned. It can differ from the schema's: arrow-js-ffi declares a
   * LargeList field but builds List data with 32-bit offsets.
   */
  readonly type: DataType;
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  /** `[valueOffsets, values, nullBitmap, typeIds]`, as in `Data.buffers`. */
  readonly buffers: ReadonlyArray<ArrayBufferView | undefined>;
  readonly variadicBuffers: readonly Uint8Array[];
  readonly children: readonly WireData[];
  /** The dictionary's chunks, for dictionary-encoded columns. */
  readonly dictionary?: readonly WireData[];
}

/** A record batch as posted: its row count and one {@link WireData} per schema field. */
export interface WireBatch {
  readonly length: number;
  readonly columns: readonly WireData[];
}

/**
 * The wire form of `batch`. Every buffer's `ArrayBuffer` is added to `transfer`: post the message
 * with that transfer list and the batch is moved, not copied (its buffers are detached here).
 */
export function batchToWire(batch: RecordBatch, transfer: Set<ArrayBuffer>): WireBatch {
  return { length: batch.numRows, columns: batch.data.children.map((d) => dataToWire(d, transfer)) };
}

/** Rebuilds a record batch from its wire form and the (revived) schema it was posted with. */
export function batchFromWire(schema: Schema, wire: WireBatch): RecordBatch {
  const children = wire.columns.map((c) => dataFromWire(c));
  const struct = new Data(new Struct(schema.fields), 0, wire.length, 0, undefined, children);
  return new RecordBatch(schema, struct);
}

/**
 * A schema as posted: the apache-arrow `Schema` object itself. Structured cloning keeps its own
 * properties (names, nullability, metadata, type parameters) and drops the classes, which
 * {@link schemaFromWire} restores.
 */
export type WireSchema = Schema;

/** The schema to post alongside {@link batchToWire} batches. */
export function schemaToWire(schema: Schema): WireSchema {
  return schema;
}

/**
 * Revives a structured-cloned schema into apache-arrow classes.
 *
 * @throws Error on a type id it does not know (the caller reports it as `data_invalid`).
 */
export function schemaFromWire(cloned: WireSchema): Schema {
  return new Schema(cloned.fields.map(fieldFromWire), new Map(cloned.metadata));
}

/** arrow-js-ffi's own LargeList type id (apache-arrow 21 numbers LargeList 21). */
const FFI_LARGE_LIST = 30;

function fieldFromWire(f: Field): Field {
  return new Field(f.name, typeFromWire(f.type), f.nullable, new Map(f.metadata));
}

function typeFromWire(t: DataType): DataType {
  const p = t as unknown as Record<string, never>;
  const child = (): Field => fieldFromWire(t.children[0]!);
  switch (t.typeId as number) {
    case Type.Null: return new Null();
    case Type.Int: return new Int(p.isSigned, p.bitWidth);
    case Type.Float: return new Float(p.precision);
    case Type.Binary: return new Binary();
    case Type.Utf8: return new Utf8();
    case Type.LargeBinary: return new LargeBinary();
    case Type.LargeUtf8: return new LargeUtf8();
    case Type.Bool: return new Bool();
    case Type.Decimal: return new Decimal(p.scale, p.precision, p.bitWidth);
    case Type.Date: return new Date_(p.unit);
    case Type.Time: return new Time(p.unit, p.bitWidth);
    case Type.Timestamp: return new Timestamp(p.unit, p.timezone);
    case Type.Interval: return new Interval(p.unit);
    case Type.Duration: return new Duration(p.unit);
    case Type.FixedSizeBinary: return new FixedSizeBinary(p.byteWidth);
    case Type.List: return new List(child());
    case Type.LargeList: case FFI_LARGE_LIST: return new LargeList(child());
    case Type.FixedSizeList: return new FixedSizeList(p.listSize, child());
    case Type.Struct: return new Struct(t.children.map(fieldFromWire));
    case Type.Map: return new Map_(child() as never, p.keysSorted);
    case Type.Union: return new Union(p.mode, Array.from(p.typeIds as ArrayLike<number>), t.children.map(fieldFromWire));
    case Type.Dictionary: {
      const d = t as unknown as { dictionary: DataType; indices: DataType; id: number; isOrdered: boolean };
      return new Dictionary(typeFromWire(d.dictionary), typeFromWire(d.indices) as never, d.id, d.isOrdered);
    }
    default: throw new Error(`Arrow type id ${t.typeId} cannot be moved between threads`);
  }
}

function dataToWire(data: Data, transfer: Set<ArrayBuffer>): WireData {
  const own = [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as ReadonlyArray<ArrayBufferView | undefined | null>;
  const buffers = own.map((b) => (b === undefined || b === null ? undefined : movable(b, transfer)));
  const dictionary = data.dictionary?.data.map((d) => dataToWire(d, transfer));
  return {
    type: data.type,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers,
    variadicBuffers: (data.variadicBuffers ?? []).map((b) => movable(b, transfer)),
    children: data.children.map((c) => dataToWire(c, transfer)),
    ...(dictionary === undefined ? {} : { dictionary }),
  };
}

function dataFromWire(wire: WireData): Data {
  const children = wire.children.map(dataFromWire);
  const dictionary = wire.dictionary === undefined ? undefined : new Vector(wire.dictionary.map(dataFromWire));
  return new Data(typeFromWire(wire.type), wire.offset, wire.length, wire.nullCount, wire.buffers as never, children, dictionary, wire.variadicBuffers as never);
}

/** Registers the view's buffer for transfer (a shared buffer is shared, not transferred). */
function movable<T extends ArrayBufferView>(view: T, transfer: Set<ArrayBuffer>): T {
  if (view.buffer instanceof ArrayBuffer) transfer.add(view.buffer);
  return view;
}
