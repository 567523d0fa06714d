/**
 * Test helper: rewrites a Parquet file's footer the way an old parquet-mr fork (Dremio 24/25,
 * `parquet-mr version 1.12.0-...-dremio`) wrote it: every `ColumnMetaData` carries a field 15 that
 * is a list of i64, where current Parquet defines `bloom_filter_length: i32`. Only the footer
 * changes (it is the last thing in the file), so every offset stays valid.
 *
 * A minimal walker of the Thrift compact protocol finds the end of each `ColumnMetaData`
 * (FileMetaData.4 row_groups → RowGroup.1 columns → ColumnChunk.3 meta_data) and inserts the field
 * before its stop byte.
 */

const STOP = 0;
const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

class Walker {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    return this.bytes[this.pos++]!;
  }
  varint(): number {
    let shift = 0;
    let out = 0;
    for (;;) {
      const b = this.byte();
      out += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return out;
      shift += 7;
    }
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  skip(type: number): void {
    switch (type) {
      case T.TRUE: case T.FALSE: return; // a bool field's value is in its header
      case T.BYTE: this.pos += 1; return;
      case T.I16: case T.I32: case T.I64: this.varint(); return;
      case T.DOUBLE: this.pos += 8; return;
      case T.BINARY: {
        const length = this.varint(); // read before adding: `pos += varint()` would add to the old pos
        this.pos += length;
        return;
      }
      case T.LIST: case T.SET: {
        const { size, elem } = this.listHeader();
        for (let i = 0; i < size; i++) {
          if (elem === T.TRUE || elem === T.FALSE) this.pos += 1;
          else this.skip(elem);
        }
        return;
      }
      case T.MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4);
          this.skip(kv & 0x0f);
        }
        return;
      }
      case T.STRUCT: this.struct(() => false); return;
      default: throw new Error(`thrift compact type ${type} at ${this.pos}`);
    }
  }
  listHeader(): { size: number; elem: number } {
    const b = this.byte();
    const size = b >> 4 === 15 ? this.varint() : b >> 4;
    return { size, elem: b & 0x0f };
  }
  /** Walks a struct; `onField(id, type)` returns true when it consumed the field's value itself. Returns the stop byte's offset. */
  struct(onField: (id: number, type: number) => boolean): number {
    let last = 0;
    for (;;) {
      const at = this.pos;
      const header = this.byte();
      if (header === STOP) return at;
      const type = header & 0x0f;
      const id = header >> 4 === 0 ? this.zigzag() : last + (header >> 4);
      last = id;
      if (!onField(id, type)) this.skip(type);
    }
  }
}

/** The stop-byte offsets of every ColumnMetaData in a thrift-compact FileMetaData. */
function columnMetaDataEnds(footer: Uint8Array): number[] {
  const w = new Walker(footer);
  const ends: number[] = [];
  const eachStruct = (then: () => void): void => {
    const { size, elem } = w.listHeader();
    if (elem !== T.STRUCT) throw new Error('expected a list of structs');
    for (let i = 0; i < size; i++) then();
  };
  w.struct((id, type) => {
    if (id !== 4 || type !== T.LIST) return false;
    eachStruct(() => w.struct((rgId, rgType) => {
      if (rgId !== 1 || rgType !== T.LIST) return false;
      eachStruct(() => w.struct((ccId, ccType) => {
        if (ccId !== 3 || ccType !== T.STRUCT) return false;
        ends.push(w.struct(() => false));
        return true;
      }));
      return true;
    }));
    return true;
  });
  return ends;
}

/** Field 15 as Dremio writes it: a list of two i64 (long-form header, then the list). */
const DREMIO_FIELD_15 = Uint8Array.of((0 << 4) | T.LIST, 30 /* zigzag(15) */, (2 << 4) | T.I64, 2, 4);

/** `file` with the footer rewritten as Dremio's parquet-mr fork writes it (see the module doc). */
export function withDremioFooter(file: Uint8Array): Uint8Array {
  const n = file.length;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const footerLength = view.getUint32(n - 8, true);
  const footerStart = n - 8 - footerLength;
  const footer = file.subarray(footerStart, n - 8);
  const ends = columnMetaDataEnds(footer);
  if (ends.length === 0) throw new Error('no ColumnMetaData found');
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const end of ends) {
    parts.push(footer.subarray(from, end), DREMIO_FIELD_15);
    from = end;
  }
  parts.push(footer.subarray(from));
  const forgedLength = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(footerStart + forgedLength + 8);
  out.set(file.subarray(0, footerStart), 0);
  let at = footerStart;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  new DataView(out.buffer).setUint32(at, forgedLength, true);
  out.set([0x50, 0x41, 0x52, 0x31], at + 4);
  return out;
}
