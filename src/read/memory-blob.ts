/**
 * A Blob-like object for parquet-wasm that serves only bytes already fetched in JS and never
 * rejects: a rejected `arrayBuffer()` inside parquet-wasm is an uncatchable wasm panic and a hang;
 * and the reads that fill it.
 */
import type { ByteRange } from '../io/coalesce.ts';
import type { InputFile } from '../io/input-file.ts';

/** The part of `Blob` parquet-wasm's `ParquetFile.fromFile` uses. */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** A fetched byte region of the file. */
export interface ByteRegion {
  /** File offset of `bytes[0]`. */
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** Reads `ranges` of `input` concurrently, each as one region. */
export function fetchRegions(input: InputFile, ranges: readonly ByteRange[], signal: AbortSignal): Promise<ByteRegion[]> {
  return Promise.all(ranges.map(async (r) => ({ start: r.start, bytes: await input.read(r.start, r.end, signal) })));
}

/**
 * Serves `slice(start, end)` from in-memory regions: a permanent one (the footer tail) and the
 * current row group's column chunks, which are replaced row group by row group so only one row
 * group's compressed bytes stay referenced. A request no region covers is a planning bug: it is
 * answered with zeros (never a rejection) and recorded in `misses`, and the reader turns it into
 * an error once parquet-wasm returns.
 */
export class MemoryBlob implements BlobLike {
  readonly size: number;
  /** Requests that no region covered (should stay empty). */
  readonly misses: Array<[number, number]> = [];
  /** Bytes served by copying (a request that is not exactly one region); 0 when reads match requests. */
  copiedBytes = 0;
  private readonly fixed: ByteRegion[];
  private chunks: ByteRegion[] = [];

  constructor(size: number, fixed: readonly ByteRegion[]) {
    this.size = size;
    this.fixed = [...fixed];
  }

  /** Replaces the row-group regions (pass `[]` to drop them once the row group is decoded). */
  setChunks(regions: readonly ByteRegion[]): void {
    this.chunks = [...regions];
  }

  slice(start = 0, end = this.size): { arrayBuffer(): Promise<ArrayBuffer> } {
    const s = Math.max(0, Math.min(start, this.size));
    const e = Math.max(s, Math.min(end, this.size));
    return { arrayBuffer: () => Promise.resolve(this.bytesOf(s, e)) };
  }

  private bytesOf(start: number, end: number): ArrayBuffer {
    for (const region of this.chunks.length > 0 ? [...this.chunks, ...this.fixed] : this.fixed) {
      const from = start - region.start;
      const to = end - region.start;
      if (from < 0 || to > region.bytes.byteLength) continue;
      const b = region.bytes;
      // An exact whole-buffer hit is handed over without a copy (wasm copies it in anyway).
      if (from === 0 && to === b.byteLength && b.byteOffset === 0 && b.buffer.byteLength === b.byteLength) {
        return b.buffer as ArrayBuffer;
      }
      this.copiedBytes += to - from;
      return b.slice(from, to).buffer as ArrayBuffer;
    }
    this.copiedBytes += end - start;
    return this.stitch(start, end);
  }

  /** Assembles a range that spans several adjacent regions; zeros plus a recorded miss otherwise. */
  private stitch(start: number, end: number): ArrayBuffer {
    const out = new Uint8Array(end - start);
    const regions = [...this.chunks, ...this.fixed].sort((a, b) => a.start - b.start);
    let at = start;
    for (const r of regions) {
      const rEnd = r.start + r.bytes.byteLength;
      if (r.start > at || rEnd <= at) continue;
      const take = Math.min(end, rEnd) - at;
      out.set(r.bytes.subarray(at - r.start, at - r.start + take), at - start);
      at += take;
      if (at >= end) return out.buffer;
    }
    this.misses.push([start, end]);
    return out.buffer;
  }
}
