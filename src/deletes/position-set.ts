/**
 * `PositionSet`: the deleted row positions of one data file, stored compactly (a bitmap when dense,
 * a sorted typed array when sparse), and marked into a batch's deletion mask by position range.
 */

/** Dense sets use a bitmap when it costs less than this many bytes per deleted position. */
const BITMAP_BYTES_PER_POSITION = 4;
/** Chunk length of the builder: positions are collected in 1 Mi-entry pieces (8 MiB each). */
const BUILDER_CHUNK = 1 << 20;

/**
 * An immutable set of non-negative row positions (< 2^53). Memory: `min(bitmap of max+1 bits,
 * 4 or 8 bytes per position)`; 10 million positions cost at most 80 MB, typically 1-40 MB.
 */
export class PositionSet {
  /** Number of distinct positions. */
  readonly size: number;
  /** Largest position, -1 when empty. */
  readonly max: number;
  private readonly sorted: Uint32Array | Float64Array | undefined;
  private readonly bits: Uint32Array | undefined;

  private constructor(size: number, max: number, sorted: Uint32Array | Float64Array | undefined, bits: Uint32Array | undefined) {
    this.size = size;
    this.max = max;
    this.sorted = sorted;
    this.bits = bits;
  }

  /** The empty set. */
  static readonly EMPTY = new PositionSet(0, -1, new Uint32Array(0), undefined);

  /** Builds a set from ascending, duplicate-free positions (the caller guarantees the order). */
  static fromSorted(sorted: Float64Array): PositionSet {
    return PositionSet.fromSortedChunks([sorted]);
  }

  /** Builds a set from chunks that together are ascending and duplicate-free. */
  static fromSortedChunks(chunks: readonly Float64Array[]): PositionSet {
    let n = 0;
    for (const c of chunks) n += c.length;
    if (n === 0) return PositionSet.EMPTY;
    const lastChunk = chunks.filter((c) => c.length > 0).at(-1)!;
    const max = lastChunk[lastChunk.length - 1]!;
    if ((max + 1) / 8 <= n * BITMAP_BYTES_PER_POSITION) {
      const bits = new Uint32Array(Math.floor(max / 32) + 1);
      for (const c of chunks) {
        if (max < 2 ** 32) {
          for (let i = 0; i < c.length; i++) {
            const p = c[i]! >>> 0;
            bits[p >>> 5] = bits[p >>> 5]! | (1 << (p & 31));
          }
        } else {
          for (let i = 0; i < c.length; i++) {
            const p = c[i]!;
            const w = Math.floor(p / 32);
            bits[w] = bits[w]! | (1 << (p % 32));
          }
        }
      }
      return new PositionSet(n, max, undefined, bits);
    }
    const sorted = max < 2 ** 32 ? new Uint32Array(n) : new Float64Array(n);
    let o = 0;
    for (const c of chunks) {
      sorted.set(c, o);
      o += c.length;
    }
    return new PositionSet(n, max, sorted, undefined);
  }

  /** Bytes held by the set's arrays. */
  get byteLength(): number {
    return (this.sorted?.byteLength ?? 0) + (this.bits?.byteLength ?? 0);
  }

  /** True when `position` is in the set. */
  has(position: number): boolean {
    if (position < 0 || position > this.max) return false;
    if (this.bits !== undefined) return (this.bits[Math.floor(position / 32)]! & (1 << (position % 32))) !== 0;
    const s = this.sorted!;
    const i = lowerBound(s, position);
    return i < s.length && s[i] === position;
  }

  /**
   * Sets `mask[i] = 1` for every position `first + i` (0 <= i < count) in the set, and returns how
   * many mask entries changed from 0 to 1 (rows newly deleted by this set).
   */
  markRange(first: number, count: number, mask: Uint8Array): number {
    const end = Math.min(first + count, this.max + 1);
    let marked = 0;
    if (first >= end) return 0;
    if (this.bits !== undefined) {
      const bits = this.bits;
      if (end <= 2 ** 32) {
        // word at a time: skip empty words, then test the bits of the others
        for (let p = first; p < end; ) {
          const word = bits[p >>> 5]!;
          const wordEnd = Math.min(end, ((p >>> 5) + 1) * 32);
          if (word === 0) {
            p = wordEnd;
            continue;
          }
          for (; p < wordEnd; p++) {
            if ((word & (1 << (p & 31))) !== 0 && mask[p - first] === 0) {
              mask[p - first] = 1;
              marked++;
            }
          }
        }
        return marked;
      }
      for (let p = first; p < end; p++) {
        if ((bits[Math.floor(p / 32)]! & (1 << (p % 32))) !== 0 && mask[p - first] === 0) {
          mask[p - first] = 1;
          marked++;
        }
      }
      return marked;
    }
    const s = this.sorted!;
    for (let i = lowerBound(s, first); i < s.length; i++) {
      const p = s[i]!;
      if (p >= end) break;
      if (mask[p - first] === 0) {
        mask[p - first] = 1;
        marked++;
      }
    }
    return marked;
  }

  /** All positions, ascending (tests and debugging; allocates). */
  toArray(): number[] {
    const out: number[] = [];
    if (this.sorted !== undefined) return Array.from(this.sorted);
    for (let p = 0; p <= this.max; p++) if (this.has(p)) out.push(p);
    return out;
  }
}

/**
 * Collects positions in any order (with duplicates) in fixed-size chunks, then sorts, de-duplicates
 * and freezes them into a {@link PositionSet}.
 */
export class PositionSetBuilder {
  private readonly chunks: Float64Array[] = [];
  private current = new Float64Array(1024);
  private used = 0;
  private total = 0;
  private ascending = true;
  private last = -1;

  /** Number of positions added so far (duplicates included). */
  get length(): number {
    return this.total;
  }

  /** Adds one position; the caller has validated it (a non-negative safe integer). */
  add(position: number): void {
    if (this.used === this.current.length) this.grow();
    this.current[this.used++] = position;
    this.total++;
    if (position <= this.last) this.ascending = false;
    this.last = position;
  }

  /** Adds a chunk of validated positions at once (kept as its own chunk: no per-position copy). */
  addChunk(positions: Float64Array): void {
    if (positions.length === 0) return;
    let last = this.last;
    for (let i = 0; i < positions.length; i++) {
      if (positions[i]! <= last) this.ascending = false;
      last = positions[i]!;
    }
    this.last = last;
    this.chunks.push(this.current.subarray(0, this.used), positions);
    this.current = new Float64Array(1024);
    this.used = 0;
    this.total += positions.length;
  }

  /** Sorts, removes duplicates and returns the frozen set. */
  build(): PositionSet {
    if (this.total === 0) return PositionSet.EMPTY;
    const chunks = [...this.chunks, this.current.subarray(0, this.used)];
    this.chunks.length = 0;
    this.current = new Float64Array(0);
    if (this.ascending) return PositionSet.fromSortedChunks(chunks);
    const all = new Float64Array(this.total);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
    return PositionSet.fromSorted(all.subarray(0, n));
  }

  private grow(): void {
    if (this.current.length < BUILDER_CHUNK) {
      const next = new Float64Array(this.current.length * 2);
      next.set(this.current);
      this.current = next;
      return;
    }
    this.chunks.push(this.current);
    this.current = new Float64Array(BUILDER_CHUNK);
    this.used = 0;
  }
}

/** Index of the first element >= value. */
function lowerBound(a: Uint32Array | Float64Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
