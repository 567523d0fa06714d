/**
 * `PositionCollector`: validates decoded position delete rows (non-null `pos` in `[0, 2^53)`, a
 * `file_path` per row) and groups the positions by data file path.
 */
import type { Data, RecordBatch } from 'apache-arrow';
import { IcebergScanError } from '../errors.ts';
import { PositionSetBuilder, type PositionSet } from './position-set.ts';

/** What to do with a delete row whose `file_path` is null (the spec forbids it). */
export type NullFilePathPolicy = 'error' | 'skip';

/** Groups validated positions by data file path while batches stream by. */
export class PositionCollector {
  private readonly builders = new Map<string, PositionSetBuilder>();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly path: string,
    private readonly nullFilePath: NullFilePathPolicy,
  ) {}

  /** Adds an Arrow batch; `pathOrColumn` is the single path (when `single`) or the file_path column name. */
  add(batch: RecordBatch, posName: string, pathOrColumn: string, single: boolean, first: number): void {
    const pos = batch.getChild(posName)!.data[0]!;
    const n = batch.numRows;
    if (pos.nullCount > 0) {
      for (let i = 0; i < n; i++) if (!pos.getValid(i)) throw this.invalid(`null pos in row ${first + i}`, 'a non-null pos');
    }
    const words = int64Words(pos);
    if (single) {
      const positions = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const hi = words[2 * i + 1]!;
        positions[i] = hi >= 0 && hi < 2 ** 21 ? hi * 4294967296 + (words[2 * i]! >>> 0) : this.position(words, i, first);
      }
      this.builderFor(pathOrColumn).addChunk(positions);
      return;
    }
    const paths = batch.getChild(pathOrColumn)!;
    const data = paths.data[0]! as Data;
    const offsets = data.valueOffsets as Int32Array | undefined;
    const bytes = data.values as Uint8Array | undefined;
    const plainUtf8 = offsets instanceof Int32Array && bytes instanceof Uint8Array;
    let builder: PositionSetBuilder | undefined;
    let prevStart = -1;
    let prevEnd = -1;
    for (let i = 0; i < n; i++) {
      if (!data.getValid(i)) {
        if (this.nullFilePath === 'skip') continue;
        throw this.invalid(`null file_path in row ${first + i}`, 'a non-null file_path (the spec requires it)');
      }
      if (plainUtf8) {
        const s = offsets[i]!;
        const e = offsets[i + 1]!;
        if (builder === undefined || !sameBytes(bytes, prevStart, prevEnd, s, e)) builder = this.builderFor(this.decoder.decode(bytes.subarray(s, e)));
        prevStart = s;
        prevEnd = e;
      } else {
        builder = this.builderFor(String(paths.get(i)));
      }
      builder.add(this.position(words, i, first));
    }
  }


  /** The positions per data file path (each builder frozen into a set). */
  finish(): Map<string, PositionSet> {
    const out = new Map<string, PositionSet>();
    for (const [dataPath, builder] of this.builders) out.set(dataPath, builder.build());
    return out;
  }

  private position(words: Int32Array, i: number, first: number): number {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    if (hi < 0 || hi >= 2 ** 21) {
      const value = BigInt(hi) * 2n ** 32n + BigInt(lo >>> 0);
      throw this.invalid(`pos ${value} in row ${first + i}`, 'a non-negative position below 2^53');
    }
    return hi * 4294967296 + (lo >>> 0);
  }

  private builderFor(dataPath: string): PositionSetBuilder {
    let b = this.builders.get(dataPath);
    if (b === undefined) this.builders.set(dataPath, (b = new PositionSetBuilder()));
    return b;
  }

  private invalid(message: string, expected: string): IcebergScanError {
    return new IcebergScanError('data_invalid', `position delete file: ${message}`, { path: this.path, expected });
  }
}

/** The 64-bit values of an Int64 column as little-endian 32-bit word pairs (no BigInt per value). */
function int64Words(data: Data): Int32Array {
  const v = data.values as unknown as ArrayBufferView;
  if (!(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) {
    throw new IcebergScanError('data_invalid', 'position delete pos column is not a 64-bit integer', { expected: 'pos: long' });
  }
  return new Int32Array(v.buffer, v.byteOffset, data.length * 2);
}

function sameBytes(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let k = 0; k < aEnd - a; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}
