/**
 * Writes a minimal Parquet file with one INT96 timestamp column, as Impala and Hive write them
 * (no writer here produces INT96): PLAIN encoding, uncompressed, one data page, Thrift compact footer.
 */

class CompactWriter {
  private readonly bytes: number[] = [];
  private lastId: number[] = [0];

  private varint(v: bigint): void {
    let x = v;
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x !== 0n);
  }

  private zigzag(v: number | bigint): void {
    const x = BigInt(v);
    this.varint(x >= 0n ? x << 1n : ((-x) << 1n) - 1n);
  }

  private header(id: number, type: number): void {
    const last = this.lastId[this.lastId.length - 1];
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else { this.bytes.push(type); this.zigzag(id); }
    this.lastId[this.lastId.length - 1] = id;
  }

  i32(id: number, v: number): this { this.header(id, 5); this.zigzag(v); return this; }
  i64(id: number, v: number | bigint): this { this.header(id, 6); this.zigzag(v); return this; }
  str(id: number, s: string): this {
    this.header(id, 8);
    const b = new TextEncoder().encode(s);
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }
  struct(id: number, body: (w: CompactWriter) => void): this {
    this.header(id, 12);
    this.lastId.push(0);
    body(this);
    this.bytes.push(0);
    this.lastId.pop();
    return this;
  }
  list(id: number, elemType: number, items: ((w: CompactWriter) => void)[]): this {
    this.header(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elemType);
    else { this.bytes.push(0xf0 | elemType); this.varint(BigInt(items.length)); }
    for (const item of items) {
      if (elemType === 12) {
        this.lastId.push(0);
        item(this);
        this.bytes.push(0);
        this.lastId.pop();
      } else item(this);
    }
    return this;
  }
  rawI32(v: number): this { this.zigzag(v); return this; }
  rawStr(s: string): this { const b = new TextEncoder().encode(s); this.varint(BigInt(b.length)); this.bytes.push(...b); return this; }
  end(): Uint8Array { this.bytes.push(0); return Uint8Array.from(this.bytes); }
  done(): Uint8Array { return Uint8Array.from(this.bytes); }
}

const JULIAN_EPOCH_DAY = 2440588; // Julian day number of 1970-01-01

/** INT96 bytes of epoch nanoseconds (8-byte LE nanos of day, 4-byte LE Julian day). */
function int96Of(epochNanos: bigint): Uint8Array {
  const day = epochNanos >= 0n ? epochNanos / 86_400_000_000_000n : -((-epochNanos + 86_400_000_000_000n - 1n) / 86_400_000_000_000n);
  const nanosOfDay = epochNanos - day * 86_400_000_000_000n;
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, nanosOfDay, true);
  view.setInt32(8, Number(day) + JULIAN_EPOCH_DAY, true);
  return out;
}

/** A Parquet file with one REQUIRED INT96 column `name` holding `epochNanos` (field id optional). */
export function int96Parquet(name: string, epochNanos: readonly bigint[], fieldId?: number): Uint8Array {
  const values = new Uint8Array(epochNanos.length * 12);
  epochNanos.forEach((v, i) => values.set(int96Of(v), i * 12));
  const pageHeader = new CompactWriter()
    .i32(1, 0).i32(2, values.length).i32(3, values.length)
    .struct(5, (w) => w.i32(1, epochNanos.length).i32(2, 0).i32(3, 3).i32(4, 3))
    .end();
  const chunkSize = pageHeader.length + values.length;
  const footer = new CompactWriter()
    .i32(1, 1)
    .list(2, 12, [
      (w) => w.str(4, 'schema').i32(5, 1),
      (w) => { w.i32(1, 3).i32(3, 0).str(4, name); if (fieldId !== undefined) w.i32(9, fieldId); },
    ])
    .i64(3, epochNanos.length)
    .list(4, 12, [(w) => w
      .list(1, 12, [(c) => c.i64(2, 4).struct(3, (m) => m
        .i32(1, 3).list(2, 5, [(x) => x.rawI32(0)]).list(3, 8, [(x) => x.rawStr(name)])
        .i32(4, 0).i64(5, epochNanos.length).i64(6, chunkSize).i64(7, chunkSize).i64(9, 4))])
      .i64(2, chunkSize).i64(3, epochNanos.length)])
    .str(6, 'impala version 4.0 (int96 test writer)')
    .end();
  const magic = new TextEncoder().encode('PAR1');
  const len = new Uint8Array(4);
  new DataView(len.buffer).setInt32(0, footer.length, true);
  const parts = [magic, pageHeader, values, footer, len, magic];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
