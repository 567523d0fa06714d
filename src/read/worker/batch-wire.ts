/**
 * Moving apache-arrow record batches between threads without re-encoding them: a batch travels as
 * its columns' buffers (transferred, not copied) plus the shape of its `Data` tree; the types travel
 * once, in the schema, as an Arrow IPC schema message. This replaces Arrow IPC for the batches
 * themselves, whose encoding inside the worker cost about three times the copy out of wasm memory.
 */
import { Data, Schema, Table, Vector, tableFromIPC, tableToIPC, type DataType, type Dictionary, RecordBatch, Struct } from 'apache-arrow';

/** One column (or child) as posted: buffers by Arrow `BufferType` index, children, dictionary. */
export interface WireData {
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

/** Rebuilds a record batch from its wire form and the schema it was posted with. */
export function batchFromWire(schema: Schema, wire: WireBatch): RecordBatch {
  const children = schema.fields.map((f, i) => dataFromWire(f.type, wire.columns[i]!));
  const struct = new Data(new Struct(schema.fields), 0, wire.length, 0, undefined, children);
  return new RecordBatch(schema, struct);
}

/** A schema as an Arrow IPC stream holding only the schema message (types and metadata kept). */
export function schemaToWire(schema: Schema): Uint8Array {
  return tableToIPC(new Table(schema), 'stream');
}

/** The schema posted by {@link schemaToWire}. */
export function schemaFromWire(bytes: Uint8Array): Schema {
  return tableFromIPC(bytes).schema;
}

function dataToWire(data: Data, transfer: Set<ArrayBuffer>): WireData {
  const own = [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as ReadonlyArray<ArrayBufferView | undefined | null>;
  const buffers = own.map((b) => (b === undefined || b === null ? undefined : movable(b, transfer)));
  const dictionary = data.dictionary?.data.map((d) => dataToWire(d, transfer));
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers,
    variadicBuffers: (data.variadicBuffers ?? []).map((b) => movable(b, transfer)),
    children: data.children.map((c) => dataToWire(c, transfer)),
    ...(dictionary === undefined ? {} : { dictionary }),
  };
}

function dataFromWire(type: DataType, wire: WireData): Data {
  const children = wire.children.map((c, i) => dataFromWire(type.children[i]!.type, c));
  const dictionary = wire.dictionary === undefined
    ? undefined
    : new Vector(wire.dictionary.map((d) => dataFromWire((type as Dictionary).dictionary, d)));
  return new Data(type, wire.offset, wire.length, wire.nullCount, wire.buffers as never, children, dictionary, wire.variadicBuffers as never);
}

/** Registers the view's buffer for transfer (a shared buffer is shared, not transferred). */
function movable<T extends ArrayBufferView>(view: T, transfer: Set<ArrayBuffer>): T {
  if (view.buffer instanceof ArrayBuffer) transfer.add(view.buffer);
  return view;
}
