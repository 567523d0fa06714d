//! A minimal Thrift compact-protocol walker, just enough to repair one footer quirk.
//!
//! Dremio 24/25 ship a parquet-mr fork (created_by `parquet-mr version 1.12.0-...-dremio`) that
//! writes a *list* in `ColumnMetaData` field 15, where the Parquet spec has
//! `15: optional i32 bloom_filter_length`. arrow-rs reads field 15 as an i32 without looking at
//! the wire type, so the rest of the footer is misread and parsing fails (typically "Expected list
//! element type of I64 but got I16"). [`strip_bad_field15`] copies the footer byte for byte except
//! for those fields, following only the path
//! `FileMetaData.4 row_groups` → `RowGroup.1 columns` → `ColumnChunk.3 meta_data` → field 15.
//!
//! Compact-protocol facts this relies on: a struct is a sequence of fields ended by a 0 byte; a
//! field header is one byte `delta << 4 | type` where `delta` is the id's distance from the
//! previous field *of the same struct* (1..=15), or, when the distance does not fit, a byte
//! `type` followed by the id as a zigzag varint (the long form). Booleans live in the field
//! header's type (1 true, 2 false) but take one byte inside lists, sets and maps. Since dropping a
//! field changes the delta base of the next one, the header after a dropped field is re-encoded;
//! everything else is copied verbatim. Structs carry no length prefix, so nothing else changes.

/// A wire type of the compact protocol.
mod ty {
    pub const STOP: u8 = 0;
    pub const BOOL_TRUE: u8 = 1;
    pub const BOOL_FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
    pub const UUID: u8 = 13;
}

/// Nesting deeper than this is rejected rather than risking the (small) wasm stack.
const MAX_DEPTH: u32 = 64;

type Result<T> = std::result::Result<T, String>;

/// A read position in compact-protocol bytes; every read is bounds-checked.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(|| format!("footer ends at byte {}", self.pos))?;
        self.pos += 1;
        Ok(b)
    }

    fn advance(&mut self, n: u64) -> Result<()> {
        let end = (self.pos as u64).checked_add(n).filter(|&e| e <= self.buf.len() as u64);
        self.pos = end.ok_or_else(|| format!("footer ends inside a {n}-byte value at byte {}", self.pos))? as usize;
        Ok(())
    }

    /// An unsigned LEB128 varint (at most 10 bytes, the longest a u64 takes).
    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("varint longer than 10 bytes at byte {}", self.pos))
    }

    /// The next field header of a struct whose previous field id was `last`: `None` at the
    /// struct's end, else `(type, id)`.
    fn field_header(&mut self, last: i16) -> Result<Option<(u8, i16)>> {
        let b = self.byte()?;
        if b == ty::STOP {
            return Ok(None);
        }
        let (t, delta) = (b & 0x0f, b >> 4);
        let id = if delta != 0 {
            last.checked_add(i16::from(delta)).ok_or("field id overflow")?
        } else {
            let z = self.varint()?;
            let z = u16::try_from(z).map_err(|_| format!("field id {z} does not fit an i16"))?;
            ((z >> 1) as i16) ^ -((z & 1) as i16)
        };
        Ok(Some((t, id)))
    }

    /// A list or set header: `(element type, element count)`.
    fn collection_header(&mut self) -> Result<(u8, u64)> {
        let b = self.byte()?;
        let n = if b >> 4 == 15 { self.varint()? } else { u64::from(b >> 4) };
        Ok((b & 0x0f, n))
    }

    /// Skips a struct field's value (a boolean field has none: it is in the header).
    fn skip_field(&mut self, t: u8, depth: u32) -> Result<()> {
        match t {
            ty::BOOL_TRUE | ty::BOOL_FALSE => Ok(()),
            _ => self.skip_value(t, depth),
        }
    }

    /// Skips one value of type `t` as it appears inside a collection (booleans take a byte).
    fn skip_value(&mut self, t: u8, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(format!("footer nested deeper than {MAX_DEPTH} levels"));
        }
        match t {
            ty::BOOL_TRUE | ty::BOOL_FALSE | ty::BYTE => self.advance(1),
            ty::I16 | ty::I32 | ty::I64 => self.varint().map(drop),
            ty::DOUBLE => self.advance(8),
            ty::UUID => self.advance(16),
            ty::BINARY => {
                let n = self.varint()?;
                self.advance(n)
            }
            ty::LIST | ty::SET => {
                let (elem, n) = self.collection_header()?;
                // Every element takes at least one byte, so a bogus count runs out of input
                // (an error) instead of looping for long.
                for _ in 0..n {
                    self.skip_value(elem, depth + 1)?;
                }
                Ok(())
            }
            ty::MAP => {
                let n = self.varint()?;
                if n > 0 {
                    let kv = self.byte()?;
                    for _ in 0..n {
                        self.skip_value(kv >> 4, depth + 1)?;
                        self.skip_value(kv & 0x0f, depth + 1)?;
                    }
                }
                Ok(())
            }
            ty::STRUCT => {
                let mut last = 0;
                while let Some((t, id)) = self.field_header(last)? {
                    last = id;
                    self.skip_field(t, depth + 1)?;
                }
                Ok(())
            }
            _ => Err(format!("unknown compact-protocol type {t} at byte {}", self.pos)),
        }
    }
}

/// Writes a field header for field `id` of type `t` after field `last` of the same struct.
fn write_field_header(out: &mut Vec<u8>, t: u8, id: i16, last: i16) {
    let delta = i32::from(id) - i32::from(last);
    if (1..=15).contains(&delta) {
        out.push((delta as u8) << 4 | t);
    } else {
        out.push(t);
        let mut z = u64::from(((id << 1) ^ (id >> 15)) as u16);
        while z >= 0x80 {
            out.push(z as u8 | 0x80);
            z >>= 7;
        }
        out.push(z as u8);
    }
}

/// Which struct of the path down to `ColumnMetaData` is being copied.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    FileMetaData,
    RowGroup,
    ColumnChunk,
    ColumnMetaData,
}

impl Level {
    /// The field (id, type) of this struct that leads one level down, and that level.
    fn descend(self) -> Option<(i16, u8, Level)> {
        match self {
            Level::FileMetaData => Some((4, ty::LIST, Level::RowGroup)),
            Level::RowGroup => Some((1, ty::LIST, Level::ColumnChunk)),
            Level::ColumnChunk => Some((3, ty::STRUCT, Level::ColumnMetaData)),
            Level::ColumnMetaData => None,
        }
    }
}

/// What to do to each `ColumnMetaData`.
enum Edit {
    /// Drop field 15 when it is not an i32 (the Dremio repair).
    StripBadField15,
    /// Tests only: insert a field 15 of this wire type with these value bytes, in id order, to
    /// forge a Dremio-style footer.
    #[cfg(test)]
    InsertField15(u8, Vec<u8>),
}

/// The copy in progress: the input, the output and the number of fields changed.
struct Copier<'a> {
    input: Cursor<'a>,
    out: Vec<u8>,
    edit: Edit,
    changed: usize,
}

impl Copier<'_> {
    /// Copies the input bytes from `start` to the current position.
    fn copy_from(&mut self, start: usize) {
        self.out.extend_from_slice(&self.input.buf[start..self.input.pos]);
    }

    /// Copies one struct at `level`, applying the edit inside `ColumnMetaData`.
    fn copy_struct(&mut self, level: Level) -> Result<()> {
        // `last_in` is the delta base of the input, `last_out` that of the output; while they are
        // equal a header can be copied verbatim.
        let (mut last_in, mut last_out) = (0i16, 0i16);
        loop {
            let start = self.input.pos;
            let header = self.input.field_header(last_in)?;
            if level == Level::ColumnMetaData {
                #[cfg(test)]
                if let Edit::InsertField15(t, value) = &self.edit {
                    if last_in < 15 && header.is_none_or(|(_, id)| id > 15) {
                        write_field_header(&mut self.out, *t, 15, last_out);
                        self.out.extend_from_slice(value);
                        last_out = 15;
                        self.changed += 1;
                    }
                }
                if let (Edit::StripBadField15, Some((t, 15))) = (&self.edit, header) {
                    if t != ty::I32 {
                        self.input.skip_field(t, 0)?;
                        last_in = 15;
                        self.changed += 1;
                        continue;
                    }
                }
            }
            let Some((t, id)) = header else {
                self.out.push(ty::STOP);
                return Ok(());
            };
            if last_in == last_out {
                self.copy_from(start);
            } else {
                write_field_header(&mut self.out, t, id, last_out);
            }
            (last_in, last_out) = (id, id);
            match level.descend() {
                Some((down_id, down_t, down)) if (id, t) == (down_id, down_t) => {
                    if t == ty::STRUCT {
                        self.copy_struct(down)?;
                    } else {
                        self.copy_list(down)?;
                    }
                }
                _ => {
                    let value = self.input.pos;
                    self.input.skip_field(t, 0)?;
                    self.copy_from(value);
                }
            }
        }
    }

    /// Copies a list whose struct elements are at `level` (other element types verbatim).
    fn copy_list(&mut self, level: Level) -> Result<()> {
        let start = self.input.pos;
        let (elem, n) = self.input.collection_header()?;
        self.copy_from(start);
        for _ in 0..n {
            if elem == ty::STRUCT {
                self.copy_struct(level)?;
            } else {
                let value = self.input.pos;
                self.input.skip_value(elem, 0)?;
                self.copy_from(value);
            }
        }
        Ok(())
    }
}

/// Runs `edit` over a thrift-compact `FileMetaData`; `Some(bytes)` when something changed.
fn rewrite(footer: &[u8], edit: Edit) -> Result<Option<Vec<u8>>> {
    let mut copier = Copier { input: Cursor { buf: footer, pos: 0 }, out: Vec::with_capacity(footer.len()), edit, changed: 0 };
    copier.copy_struct(Level::FileMetaData)?;
    if copier.input.pos != footer.len() {
        return Err(format!("{} bytes after the end of FileMetaData", footer.len() - copier.input.pos));
    }
    Ok((copier.changed > 0).then_some(copier.out))
}

/// Returns the footer without any `ColumnMetaData` field 15 that is not an i32, or `None` when
/// it has none; an error when the bytes are not a well-formed compact-protocol struct.
pub fn strip_bad_field15(footer: &[u8]) -> Result<Option<Vec<u8>>> {
    rewrite(footer, Edit::StripBadField15)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::ParquetMetaDataReader;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    /// A small file written by arrow-rs: 3 row groups of 1000 rows, two columns.
    pub fn sample_file() -> Vec<u8> {
        let ids: ArrayRef = Arc::new(Int64Array::from_iter_values(0..3000));
        let names: ArrayRef = Arc::new(StringArray::from_iter_values((0..3000).map(|i| format!("name {i}"))));
        let batch = RecordBatch::try_from_iter([("id", ids), ("name", names)]).unwrap();
        let props = WriterProperties::builder().set_max_row_group_row_count(Some(1000)).build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    }

    /// The thrift `FileMetaData` bytes of a whole file.
    pub fn footer_of(file: &[u8]) -> &[u8] {
        let n = u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap()) as usize;
        &file[file.len() - 8 - n..file.len() - 8]
    }

    /// A Dremio-style footer: `file` with a list field 15 (value bytes `list`) in every column.
    pub fn dremio_footer(file: &[u8], list: &[u8]) -> Vec<u8> {
        rewrite(footer_of(file), Edit::InsertField15(ty::LIST, list.to_vec())).unwrap().unwrap()
    }

    /// list<i64> [1, 2, 3]: header (3 << 4 | I64), then zigzag varints 2, 4, 6.
    pub const LIST_I64: &[u8] = &[0x36, 2, 4, 6];

    #[test]
    fn arrow_rs_fails_on_a_field15_list_and_the_stripped_footer_is_the_original() {
        let file = sample_file();
        let original = footer_of(&file);
        let expected = ParquetMetaDataReader::decode_metadata(original).unwrap();
        // a list of structs with nested fields, a map and a bool, to exercise the skipper
        let nested: &[u8] = &[0x2c, 0x15, 0x02, 0x18, 0x01, b'x', 0x00, 0x11, 0x1b, 0x01, 0x85, 0x01, b'k', 0x04, 0x00];
        for list in [LIST_I64, nested] {
            let forged = dremio_footer(&file, list);
            let err = ParquetMetaDataReader::decode_metadata(&forged).expect_err("arrow-rs accepted a field-15 list");
            eprintln!("arrow-rs on a field-15 list: {err}");
            let fixed = strip_bad_field15(&forged).unwrap().expect("a field 15 was dropped");
            assert_eq!(fixed, original);
            let got = ParquetMetaDataReader::decode_metadata(&fixed).unwrap();
            assert_eq!(format!("{:?}", got.row_groups()), format!("{:?}", expected.row_groups()));
            assert_eq!(got.num_row_groups(), 3);
        }
    }

    #[test]
    fn an_i32_field15_is_kept_and_a_clean_footer_is_untouched() {
        let file = sample_file();
        assert_eq!(strip_bad_field15(footer_of(&file)).unwrap(), None);
        let with_i32 = rewrite(footer_of(&file), Edit::InsertField15(ty::I32, vec![0x80, 0x01])).unwrap().unwrap();
        assert_eq!(strip_bad_field15(&with_i32).unwrap(), None);
        let md = ParquetMetaDataReader::decode_metadata(&with_i32).unwrap();
        assert_eq!(md.row_group(0).column(0).bloom_filter_length(), Some(64));
    }

    #[test]
    fn field_headers_round_trip_in_short_and_long_form() {
        for (id, last) in [(1i16, 0i16), (15, 0), (16, 0), (14, 15), (-3, 0), (300, 2), (i16::MAX, 0), (i16::MIN, 0)] {
            let mut out = Vec::new();
            write_field_header(&mut out, ty::I64, id, last);
            assert_eq!(out.len() == 1, (1..=15).contains(&(i32::from(id) - i32::from(last))));
            let mut c = Cursor { buf: &out, pos: 0 };
            assert_eq!(c.field_header(last).unwrap(), Some((ty::I64, id)));
            assert_eq!(c.pos, out.len());
        }
    }

    #[test]
    fn truncated_or_garbage_input_is_an_error_not_a_panic() {
        let forged = dremio_footer(&sample_file(), LIST_I64);
        for cut in [0, 1, 7, forged.len() / 2, forged.len() - 1] {
            assert!(strip_bad_field15(&forged[..cut]).is_err(), "cut at {cut}");
        }
        // a huge list count with no elements, deep nesting, an unknown type
        assert!(strip_bad_field15(&[0x19, 0xfc, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(strip_bad_field15(&[0x1c; 200]).is_err());
        assert!(strip_bad_field15(&[0x1e, 0x00]).is_err());
    }
}
