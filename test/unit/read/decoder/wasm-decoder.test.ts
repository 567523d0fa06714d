/**
 * `WasmDecoder` on files written by parquet-wasm: every column type back as written, row
 * selections, batch sizes, reported errors (missing regions, bad footers, bad requests) versus
 * traps (a forged pointer, a page that makes arrow-rs panic), and no memory growth across row groups.
 */
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decoderModule } from '../../../../src/read/decoder/decoder-module.ts';
import { DecoderError, WasmDecoder, type DecoderFile } from '../../../../src/read/decoder/wasm-decoder.ts';
import { RowGroupSelection } from '../../../../src/read/row-selection.ts';
import { makeTable, sequenceTable } from '../../../helpers/parquet-files.ts';
import {
  columnOf, everyTypeTable, parquetFixture, requestOf, rowGroupRows, rowsOf, shapeOf, decodedShapeOf, tailOf, withBytes,
  withDictionaryEncodingClaimed, type JobOptions, type ParquetFixture,
} from './decoder-files.ts';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await decoderModule();
});

/** Decodes row groups `rowGroups` (default all) of `file` on `decoder`, opening the file from its tail. */
function decode(decoder: WasmDecoder, file: ParquetFixture, options: JobOptions & { rowGroups?: number[] } = {}): arrow.RecordBatch[] {
  const tail = tailOf(file);
  const handle = decoder.openFile(tail.bytes, tail.start, file.bytes.length);
  try {
    const out: arrow.RecordBatch[] = [];
    for (const k of options.rowGroups ?? file.metadata.row_groups.map((_, i) => i)) {
      const rowGroup = decoder.openRowGroup(handle, requestOf(file, k, options));
      for (let b = rowGroup.next(); b !== undefined; b = rowGroup.next()) out.push(b);
      rowGroup.close();
    }
    return out;
  } finally {
    handle.close();
  }
}

const ids = (batches: readonly arrow.RecordBatch[]): number[] => columnOf(batches, 'id').map((v) => Number(String(v).replace(/n$/, '')));

describe('WasmDecoder: decoding', () => {
  it('decodes every column type equal to the written table, field ids and nulls included', () => {
    const table = everyTypeTable(50);
    const file = parquetFixture('every-type.parquet', table, 20);
    const batches = decode(new WasmDecoder(module), file);
    expect(batches.map((b) => b.numRows)).toEqual([20, 20, 10]);
    for (const b of batches) expect(b.schema.fields.map(shapeOf)).toEqual(table.schema.fields.map(decodedShapeOf));
    expect(rowsOf(batches)).toEqual(rowsOf(table.batches));
  });

  it('each decoded column holds data of its field\'s type (a batch apache-arrow can serialize)', () => {
    const table = everyTypeTable(20);
    const [batch] = decode(new WasmDecoder(module), parquetFixture('every-type.parquet', table, 20));
    const mismatched = batch!.schema.fields
      .map((f, i) => [f.name, String(f.type), String(batch!.data.children[i]!.type)] as const)
      .filter(([, field, data]) => field !== data);
    // arrow-js-ffi 0.4.3 copies a LargeUtf8 column into Utf8 data (32-bit offsets) under a LargeUtf8
    // field, so the decoder reads large strings as Utf8: field and data agree, and IPC round-trips.
    expect(mismatched).toEqual([]);
    expect(String(batch!.schema.fields.find((f) => f.name === 'large')!.type)).toBe('Utf8');
    const large = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table({ large: batch!.getChild('large')! }))).getChild('large')!;
    expect([...large]).toEqual([...table.getChild('large')!]);
  });

  it('decodes only the projected leaves, in file order', () => {
    const table = everyTypeTable(30);
    const file = parquetFixture('projected.parquet', table, 30);
    const names = file.metadata.row_groups[0]!.columns.map((c) => c.meta_data!.path_in_schema.join('.'));
    const leaves = [names.indexOf('str'), names.indexOf('i64'), names.indexOf('st.b')].sort((a, b) => a - b);
    const batches = decode(new WasmDecoder(module), file, { leaves });
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual(['i64', 'str', 'st']);
    expect(batches[0]!.schema.fields[2]!.type.children.map((f: arrow.Field) => f.name)).toEqual(['b']);
    expect(columnOf(batches, 'str')).toEqual(columnOf(table.batches, 'str'));
    expect(columnOf(batches, 'i64')).toEqual(columnOf(table.batches, 'i64'));
  });

  it('a row selection decodes exactly the selected rows, across small pages', () => {
    const file = parquetFixture('paged.parquet', sequenceTable(1000), 1000, 32);
    const runs = Uint32Array.of(0, 10, 5, 100, 200, 685);
    expect(ids(decode(new WasmDecoder(module), file, { selection: runs }))).toEqual([
      ...Array.from({ length: 5 }, (_, i) => 10 + i), ...Array.from({ length: 200 }, (_, i) => 115 + i),
    ]);
  });

  it('for random masks, the runs of RowGroupSelection decode exactly the unmasked rows, and take() places them', () => {
    const file = parquetFixture('paged.parquet', sequenceTable(600, 1000), 300, 16);
    const decoder = new WasmDecoder(module);
    const tail = tailOf(file);
    const handle = decoder.openFile(tail.bytes, tail.start, file.bytes.length);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.uint8Array({ minLength: 300, maxLength: 300, max: 1 }),
        fc.integer({ min: 1, max: 400 }),
        (rowGroup, skip, batchSize) => {
          const selection = new RowGroupSelection(300, skip);
          const kept = [...skip.keys()].filter((i) => skip[i] === 0);
          expect(selection.selected).toBe(kept.length);
          if (selection.selected === 0) return; // the reader decodes nothing then
          const reader = decoder.openRowGroup(handle, requestOf(file, rowGroup, { selection: selection.runs, batchSize }));
          const decoded: number[] = [];
          const placed: number[] = [];
          for (let b = reader.next(); b !== undefined; b = reader.next()) {
            expect(b.numRows).toBeLessThanOrEqual(batchSize);
            decoded.push(...ids([b]));
            const rows = selection.take(b.numRows);
            for (let i = 0; i < b.numRows; i++) placed.push(1000 + rowGroup * 300 + rows.first + (rows.offsets?.[i] ?? i));
          }
          const expected = kept.map((i) => 1000 + rowGroup * 300 + i);
          expect(decoded).toEqual(expected);
          expect(placed).toEqual(expected);
        },
      ),
      { seed: 20_250_101, numRuns: 60 },
    );
    handle.close();
  });

  it.each([1, 7, 64, 1000])('batchSize %i bounds every batch; only the last of a row group is short', (batchSize) => {
    const file = parquetFixture('paged.parquet', sequenceTable(1000), 1000, 32);
    for (const selection of [undefined, Uint32Array.of(0, 10, 5, 100, 200, 685)]) {
      const sizes = decode(new WasmDecoder(module), file, { batchSize, selection }).map((b) => b.numRows);
      const total = selection === undefined ? 1000 : 205;
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
      expect(sizes.slice(0, -1).every((n) => n === batchSize)).toBe(true);
      expect(sizes.at(-1)).toBe(total - batchSize * (sizes.length - 1));
    }
  });

  it('next() after the end or after close() returns undefined; close() is idempotent', () => {
    const file = parquetFixture('small.parquet', sequenceTable(10), 10);
    const decoder = new WasmDecoder(module);
    const handle = decoder.openFile(file.bytes, 0, file.bytes.length);
    const a = decoder.openRowGroup(handle, requestOf(file, 0, { batchSize: 4 }));
    expect(a.next()!.numRows).toBe(4);
    a.close();
    a.close();
    expect(a.next()).toBeUndefined();
    const b = decoder.openRowGroup(handle, requestOf(file, 0));
    expect(b.next()!.numRows).toBe(10);
    expect(b.next()).toBeUndefined();
    expect(b.next()).toBeUndefined();
    b.close();
    handle.close();
    handle.close();
  });

  it('decoding the same row group again and again does not grow the instance memory', () => {
    const file = parquetFixture('repeat.parquet', everyTypeTable(200), 100);
    const decoder = new WasmDecoder(module);
    for (let i = 0; i < 10; i++) decode(decoder, file);
    const warmed = decoder.memoryBytes;
    for (let i = 0; i < 100; i++) decode(decoder, file);
    expect(decoder.memoryBytes).toBe(warmed);
  });
});

/** Expects `f` to throw a reported (not trapped) DecoderError matching `message`. */
function expectReported(f: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DecoderError);
  expect((thrown as DecoderError).trapped).toBe(false);
  expect((thrown as DecoderError).message).toMatch(message);
}

describe('WasmDecoder: reported errors leave the instance usable', () => {
  const file = (): ParquetFixture => parquetFixture('three.parquet', sequenceTable(300), 100, 20);

  it('a column chunk missing from the regions is a DecoderError naming the range, not a trap', () => {
    const f = file();
    const decoder = new WasmDecoder(module);
    const handle = decoder.openFile(f.bytes, 0, f.bytes.length);
    const request = requestOf(f, 1);
    const reader = decoder.openRowGroup(handle, { ...request, regions: request.regions.filter((_, i) => i !== 1) });
    expectReported(() => reader.next(), /needs file bytes \[\d+, \d+\), which are not in the regions/);
    expect(reader.next()).toBeUndefined(); // the reader stops after its error
    reader.close();
    expect(decoder.broken).toBe(false);
    expect(ids(decode(decoder, f))).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('a region cut short is a DecoderError', () => {
    const f = file();
    const decoder = new WasmDecoder(module);
    const handle = decoder.openFile(f.bytes, 0, f.bytes.length);
    const request = requestOf(f, 0);
    const regions = request.regions.map((r, i) => (i === 2 ? { start: r.start, bytes: r.bytes.slice(0, r.bytes.length - 10) } : r));
    const reader = decoder.openRowGroup(handle, { ...request, regions });
    expectReported(() => {
      while (reader.next() !== undefined);
    }, /not in the regions|past file offset/);
    expect(decoder.broken).toBe(false);
  });

  it.each([
    ['no PAR1 magic', (b: Uint8Array) => b.slice(0, b.length - 1), /not a Parquet file/],
    ['an encrypted footer (PARE)', (b: Uint8Array) => Uint8Array.from([...b.subarray(0, b.length - 1), 0x45]), /encrypted/],
    ['a footer length beyond the tail', (b: Uint8Array) => {
      const out = b.slice();
      new DataView(out.buffer).setUint32(out.length - 8, out.length, true);
      return out;
    }, /the footer is \d+ bytes but the tail has only/],
    ['a garbage footer', (b: Uint8Array) => {
      const out = b.slice();
      const n = new DataView(out.buffer).getUint32(out.length - 8, true);
      out.fill(0x77, out.length - 8 - n, out.length - 8);
      return out;
    }, /Parquet footer/],
    ['only the trailer', (b: Uint8Array) => b.slice(b.length - 8), /Parquet footer|the footer is/],
    ['a tail shorter than the trailer', (b: Uint8Array) => b.slice(b.length - 5), /8 bytes of footer length and magic/],
  ])('a tail with %s is a DecoderError', (_what, corrupt, message) => {
    const decoder = new WasmDecoder(module);
    const bytes = corrupt(file().bytes);
    expectReported(() => decoder.openFile(bytes, 0, bytes.length), message);
    expect(decoder.broken).toBe(false);
  });

  it('a tail that does not end at the file size is a DecoderError', () => {
    const f = file();
    const decoder = new WasmDecoder(module);
    expectReported(() => decoder.openFile(f.bytes, 1, f.bytes.length), /does not end at the file size/);
    expectReported(() => decoder.openFile(f.bytes, 0.5, f.bytes.length + 0.5), /must be a non-negative integer/);
  });

  it.each([
    ['a row group that does not exist', { rowGroup: 3 }, /row group 3 does not exist: the file has 3/],
    ['a leaf that does not exist', { leaves: Uint32Array.of(0, 3) }, /leaf column 3 does not exist: the file has 3/],
    ['batch size 0', { batchSize: 0 }, /batch_size must be at least 1/],
    ['a selection that does not cover the row group', { selection: Uint32Array.of(10, 5) }, /covers 15 rows but the row group has 100/],
    ['overlapping regions', 'overlap', /overlap/],
  ] as const)('%s is a DecoderError', (_what, change, message) => {
    const f = file();
    const decoder = new WasmDecoder(module);
    const handle = decoder.openFile(f.bytes, 0, f.bytes.length);
    const request = requestOf(f, 0);
    const bad = change === 'overlap'
      ? { ...request, regions: [...request.regions, { start: request.regions[0]!.start + 1, bytes: request.regions[0]!.bytes.slice(1, 5) }] }
      : { ...request, ...change };
    expectReported(() => decoder.openRowGroup(handle, bad), message);
    expect(decoder.broken).toBe(false);
    expect(ids(decode(decoder, f)).length).toBe(300);
  });
});

/** The decoder's raw exports, for calls the typed API never makes. */
interface RawExports {
  rg_next(reader: number): number;
  file_num_row_groups(file: number): number;
}

describe('WasmDecoder: traps', () => {
  it('the raw module traps with a WebAssembly.RuntimeError on a forged pointer', () => {
    const raw = new WebAssembly.Instance(module, {}).exports as unknown as RawExports;
    expect(() => raw.rg_next(0xfffffff0)).toThrow(WebAssembly.RuntimeError);
    expect(() => raw.file_num_row_groups(0xfffffff0)).toThrow(/memory access out of bounds/);
  });

  it('a forged file handle traps the instance: trapped DecoderError, broken, and every later call throws it', () => {
    const decoder = new WasmDecoder(module);
    const forged: DecoderFile = { handle: 0xfffffff0, close: () => undefined };
    let trap: unknown;
    try {
      decoder.openRowGroup(forged, { rowGroup: 0, leaves: Uint32Array.of(0), regions: [], batchSize: 10 });
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(DecoderError);
    expect(trap).toMatchObject({ trapped: true, message: expect.stringMatching(/decoder trapped: memory access out of bounds/) });
    expect(decoder.broken).toBe(true);
    const f = parquetFixture('after-trap.parquet', sequenceTable(10), 10);
    expect(() => decoder.openFile(f.bytes, 0, f.bytes.length)).toThrow(trap as Error);
  });

  it('a page arrow-rs panics on (RLE_DICTIONARY without a dictionary) traps; a fresh instance decodes the good file', () => {
    const good = parquetFixture('panics.parquet', sequenceTable(300), 100, 20);
    const bad = withBytes(good, withDictionaryEncodingClaimed(good, 1, 0));
    const decoder = new WasmDecoder(module);
    expect(ids(decode(decoder, bad, { rowGroups: [0] }))).toHaveLength(100);
    let trap: unknown;
    try {
      decode(decoder, bad, { rowGroups: [1] });
    } catch (error) {
      trap = error;
    }
    expect(trap).toMatchObject({ name: 'DecoderError', trapped: true, message: expect.stringMatching(/decoder trapped: unreachable/) });
    expect(decoder.broken).toBe(true);
    const fresh = new WasmDecoder(module);
    expect(ids(decode(fresh, good))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(rowGroupRows(good)).toEqual([100, 100, 100]);
  });

  it('a string page claiming RLE_DICTIONARY is a reported error instead (arrow-rs checks it there)', () => {
    const good = parquetFixture('string-page.parquet', sequenceTable(100), 100, 20);
    const bad = withBytes(good, withDictionaryEncodingClaimed(good, 0, 1));
    const decoder = new WasmDecoder(module);
    expectReported(() => decode(decoder, bad, { leaves: [1] }), /missing dictionary page/);
    expect(decoder.broken).toBe(false);
  });
});

describe('WasmDecoder: dictionary columns (ARROW:schema asks for them)', () => {
  it('a dictionary column comes back as its values (a plain Utf8 column)', () => {
    const table = makeTable([{ name: 'd', fieldId: 1, vector: arrow.vectorFromArray(['a', 'b', null, 'a', 'c', 'b']) }]);
    const file = parquetFixture('dictionary.parquet', table, 6);
    const [batch] = decode(new WasmDecoder(module), file);
    expect(columnOf([batch!], 'd')).toEqual(['a', 'b', null, 'a', 'c', 'b']);
    // arrow-js-ffi 0.4.3 builds `new Dictionary(field, …)` with the values' Field where apache-arrow
    // expects their DataType (such a batch could not cross to the main thread): the decoder reads
    // dictionaries as their values, as Iceberg has no dictionary type anyway.
    expect(String(batch!.schema.fields[0]!.type)).toBe('Utf8');
    expect(String(batch!.data.children[0]!.type)).toBe('Utf8');
  });
});
