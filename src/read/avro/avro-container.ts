/**
 * Streams an Avro object container file through ranged reads of an `InputFile`: the header once,
 * then one block at a time (a block's bytes are fetched only when the block is read; blocks
 * before a split are skipped by their headers).
 */
import { IcebergScanError } from '../../errors.ts';
import type { InputFile } from '../../io/input-file.ts';
import { avroHeaderType } from '../../metadata/avro-file.ts';

/** Bytes fetched per read at least (header and small blocks come in one read): 64 KiB. */
export const DEFAULT_AVRO_READ_BYTES = 64 * 1024;

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const SYNC_SIZE = 16;
/** Longest encoding of a block header (two zig-zag varint longs). */
const BLOCK_HEADER_MAX = 20;


/** The decoded header of a container file. */
export interface AvroHeader {
  /** The parsed `avro.schema`. */
  readonly schema: unknown;
  /** `avro.codec` (default `null`). */
  readonly codec: string;
  readonly sync: Uint8Array;
  /** Byte offset of the first block. */
  readonly headerEnd: number;
}

/** One block: where it starts, the position of its first record in the file, and its (compressed) bytes. */
export interface AvroBlock {
  readonly offset: number;
  readonly firstRow: number;
  readonly count: number;
  readonly bytes: Uint8Array;
}

/** A window of file bytes refilled by ranged reads. */
export class AvroByteSource {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  /**
   * @param input The file.
   * @param fileSize Its length.
   * @param signal Aborts reads.
   * @param readBytes Minimum bytes per read.
   */
  constructor(
    private readonly input: InputFile,
    readonly fileSize: number,
    private readonly signal: AbortSignal,
    private readonly readBytes = DEFAULT_AVRO_READ_BYTES,
  ) {}

  /** The bytes [pos, pos + n) (fewer at the end of the file), reading when not in the window. */
  async get(pos: number, n: number, lookahead = 0): Promise<Uint8Array> {
    const end = Math.min(this.fileSize, pos + n);
    if (pos < this.start || end > this.start + this.bytes.length) {
      const readEnd = Math.min(this.fileSize, pos + Math.max(n + lookahead, this.readBytes));
      this.bytes = await this.input.read(pos, readEnd, this.signal);
      this.start = pos;
      if (this.bytes.length < end - pos) throw truncated(this.input.location, pos);
    }
    return this.bytes.subarray(pos - this.start, end - this.start);
  }
}

function truncated(path: string, pos: number): IcebergScanError {
  return new IcebergScanError('data_invalid', `avro data file: truncated at byte ${pos}`, { path, expected: 'a complete Avro object container file' });
}

function bad(path: string, what: string, cause?: unknown): IcebergScanError {
  return new IcebergScanError('data_invalid', `avro data file: ${what}`, { path, expected: 'an Avro object container file', cause });
}

/** Reads and decodes the header (growing the read until the header fits). */
export async function readAvroHeader(source: AvroByteSource, path: string): Promise<AvroHeader> {
  for (let n = DEFAULT_AVRO_READ_BYTES; ; n *= 4) {
    const bytes = await source.get(0, n);
    if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad(path, 'bad magic bytes');
    let decoded: { value: { meta: Record<string, Buffer>; sync: Buffer }; offset: number };
    try {
      decoded = avroHeaderType.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0) as typeof decoded;
    } catch (error) {
      throw bad(path, 'cannot decode the header', error);
    }
    if (decoded.offset < 0) {
      if (bytes.length >= source.fileSize) throw bad(path, 'truncated header');
      continue;
    }
    const meta = decoded.value.meta;
    let schema: unknown;
    try {
      schema = JSON.parse(meta['avro.schema']?.toString('utf8') ?? '');
    } catch (error) {
      throw bad(path, 'the avro.schema header is not JSON', error);
    }
    return { schema, codec: meta['avro.codec']?.toString('utf8') || 'null', sync: new Uint8Array(decoded.value.sync), headerEnd: decoded.offset };
  }
}

/** Reads a zig-zag varint long at `pos`; returns [value, next position]. */
function readVarLong(bytes: Uint8Array, pos: number, path: string, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < bytes.length && i < pos + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value % 2 === 0 ? value / 2 : -(value + 1) / 2, i + 1];
  }
  throw bad(path, `bad block header at byte ${at}`);
}

/**
 * The blocks of a split, in file order. A block belongs to the split `[start, end)` when the sync
 * marker before it (the header's for the first block) starts in the split — Avro's own split rule,
 * so every block is read by exactly one split. Blocks before the split are skipped by reading
 * only their headers, to count the rows before the first block read. With `withData: false`
 * no block body is read (row counts only); `beforeRead` runs before each block body is fetched.
 */
export async function* avroBlocks(
  source: AvroByteSource,
  header: AvroHeader,
  path: string,
  split: { start?: number; end?: number; withData?: boolean; beforeRead?: () => Promise<void> } = {},
): AsyncGenerator<AvroBlock> {
  const { start = 0, end = Infinity, withData = true, beforeRead } = split;
  let pos = header.headerEnd;
  let row = 0;
  while (pos < source.fileSize && pos - SYNC_SIZE < end) {
    const head = await source.get(pos, BLOCK_HEADER_MAX);
    const [count, p1] = readVarLong(head, 0, path, pos);
    const [size, p2] = readVarLong(head, p1, path, pos);
    const dataStart = pos + p2;
    const next = dataStart + size + SYNC_SIZE;
    if (count < 0 || size < 0 || next > source.fileSize) throw bad(path, `bad or truncated block at byte ${pos}`);
    if (pos - SYNC_SIZE >= start && !withData) {
      yield { offset: pos, firstRow: row, count, bytes: new Uint8Array(0) };
    } else if (pos - SYNC_SIZE >= start) {
      await beforeRead?.();
      const bytes = await source.get(dataStart, size + SYNC_SIZE, BLOCK_HEADER_MAX);
      const sync = bytes.subarray(size);
      if (header.sync.some((b, i) => sync[i] !== b)) throw bad(path, `sync marker mismatch after block at byte ${pos}`);
      yield { offset: pos, firstRow: row, count, bytes: bytes.subarray(0, size) };
    }
    row += count;
    pos = next;
  }
}
