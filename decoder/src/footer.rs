//! Opens a file from its tail: the footer, and the page indexes when the tail holds them.
//!
//! The JS side fetches the tail once per file and keeps the parsed result (`File`) for all of the
//! file's row groups, so the footer is parsed once, the Arrow schema is derived once, and each
//! row group's reader only borrows them through an `Arc`.

use crate::compact;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};
use arrow_schema::{DataType, Field, Schema};
use std::sync::Arc;

/// Length of the trailer: the footer's length (u32 LE) and the magic.
const TRAILER: usize = 8;

/// An open Parquet file: its metadata, ready for any number of row-group readers.
pub struct File {
    pub meta: ArrowReaderMetadata,
    pub file_size: u64,
}

/// Parses the footer at the end of `tail` (file bytes `[tail_start, file_size)`) into a [`File`].
pub fn open(tail: Bytes, tail_start: u64, file_size: u64) -> Result<File, String> {
    if tail_start.checked_add(tail.len() as u64) != Some(file_size) {
        return Err(format!(
            "the tail [{tail_start}, {}) does not end at the file size {file_size}",
            tail_start as u128 + tail.len() as u128
        ));
    }
    let n = tail.len();
    if n < TRAILER {
        return Err(format!("a Parquet file ends with 8 bytes of footer length and magic; the tail has {n}"));
    }
    match &tail[n - 4..] {
        b"PAR1" => {}
        b"PARE" => return Err("encrypted Parquet files (PARE footer) are not supported".into()),
        other => return Err(format!("not a Parquet file: it ends with {other:?}, not \"PAR1\"")),
    }
    let footer_len = u32::from_le_bytes(tail[n - 8..n - 4].try_into().unwrap()) as u64;
    if footer_len + TRAILER as u64 > n as u64 {
        return Err(format!(
            "the footer is {footer_len} bytes but the tail has only {} before the trailer: pass the last {} bytes of the file",
            n - TRAILER,
            footer_len + TRAILER as u64
        ));
    }
    let footer = tail.slice(n - TRAILER - footer_len as usize..n - TRAILER);
    let metadata = decode_footer(&footer)?;
    let metadata = with_page_indexes(metadata, &tail, file_size);
    // The embedded ARROW:schema is honoured, so the Arrow types match what the writer meant (e.g.
    // timestamps' time zones) — except for the types arrow-js-ffi cannot import faithfully
    // (dictionaries, 64-bit offsets, views), which are read as their plain counterparts.
    let metadata = Arc::new(metadata);
    let meta = ArrowReaderMetadata::try_new(metadata.clone(), ArrowReaderOptions::new())
        .map_err(|e| format!("Parquet schema: {e}"))?;
    let plain = plain_schema(meta.schema());
    let meta = if plain == **meta.schema() {
        meta
    } else {
        ArrowReaderMetadata::try_new(metadata, ArrowReaderOptions::new().with_schema(Arc::new(plain)))
            .map_err(|e| format!("Parquet schema: {e}"))?
    };
    Ok(File { meta, file_size })
}

/// `schema` with every dictionary read as its values, large and view strings, binaries and lists
/// read as the 32-bit-offset kinds, nested types included; names, nullability and metadata (the
/// field ids) are kept.
fn plain_schema(schema: &Schema) -> Schema {
    let fields: Vec<Field> = schema.fields().iter().map(|f| plain_field(f)).collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

fn plain_field(field: &Field) -> Field {
    field.clone().with_data_type(plain_type(field.data_type()))
}

fn plain_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Dictionary(_, values) => plain_type(values),
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        DataType::List(child) | DataType::LargeList(child) | DataType::ListView(child) | DataType::LargeListView(child) => {
            DataType::List(Arc::new(plain_field(child)))
        }
        DataType::FixedSizeList(child, n) => DataType::FixedSizeList(Arc::new(plain_field(child)), *n),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(|f| plain_field(f)).collect()),
        DataType::Map(entries, sorted) => DataType::Map(Arc::new(plain_field(entries)), *sorted),
        other => other.clone(),
    }
}

/// Decodes the thrift `FileMetaData`, repairing Dremio's field 15 when arrow-rs cannot read it.
fn decode_footer(footer: &[u8]) -> Result<ParquetMetaData, String> {
    let first = match ParquetMetaDataReader::decode_metadata(footer) {
        Ok(metadata) => return Ok(metadata),
        Err(e) => e,
    };
    // Only a footer that fails is walked, so well-formed files pay nothing for the repair.
    match compact::strip_bad_field15(footer) {
        Ok(Some(repaired)) => ParquetMetaDataReader::decode_metadata(&repaired).map_err(|e| {
            format!("Parquet footer: {first}; without its non-i32 ColumnMetaData field 15 it still fails: {e}")
        }),
        // Nothing to repair (or not walkable): arrow-rs's own message says most.
        _ => Err(format!("Parquet footer: {first}")),
    }
}

/// Adds the column and offset indexes when `tail` holds them. An index that is out of the tail or
/// unreadable is dropped, not fatal: the data stays readable, only page skipping (offset index)
/// is lost. The offset index alone is tried when both together fail, since it is the one that
/// lets a row selection skip whole pages.
fn with_page_indexes(metadata: ParquetMetaData, tail: &Bytes, file_size: u64) -> ParquetMetaData {
    for (column, offset) in [(PageIndexPolicy::Optional, PageIndexPolicy::Optional), (PageIndexPolicy::Skip, PageIndexPolicy::Optional)] {
        // The reader consumes its metadata even when it fails, hence the clone per attempt (the
        // footer of a file with page indexes is small next to its data).
        let mut reader = ParquetMetaDataReader::new_with_metadata(metadata.clone())
            .with_column_index_policy(column)
            .with_offset_index_policy(offset);
        if reader.read_page_indexes_sized(tail, file_size).is_ok() {
            if let Ok(with_indexes) = reader.finish() {
                return with_indexes;
            }
        }
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compact::tests::{dremio_footer, footer_of, sample_file, LIST_I64};

    fn open_all(file: &[u8]) -> Result<File, String> {
        open(Bytes::copy_from_slice(file), 0, file.len() as u64)
    }

    #[test]
    fn opens_a_whole_file_and_a_tail() {
        let file = sample_file();
        let f = open_all(&file).unwrap();
        assert_eq!(f.meta.metadata().num_row_groups(), 3);
        // arrow-rs writes offset indexes by default
        assert!(f.meta.metadata().page_index().is_some_and(|p| p.has_offset_indexes()));
        let tail = footer_of(&file).len() + 8;
        let start = file.len() - tail;
        let f = open(Bytes::copy_from_slice(&file[start..]), start as u64, file.len() as u64).unwrap();
        assert_eq!(f.meta.metadata().num_row_groups(), 3);
        // the page indexes sit before the footer, outside this tail: dropped, not fatal
        assert!(f.meta.metadata().page_index().is_none());
    }

    #[test]
    fn bad_tails_are_errors() {
        let file = sample_file();
        let n = file.len();
        let err = open(Bytes::copy_from_slice(&file[n - 100..]), (n - 100) as u64, n as u64).err().unwrap();
        assert!(err.contains("pass the last"), "{err}");
        assert!(open(Bytes::copy_from_slice(&file[n - 4..]), (n - 4) as u64, n as u64).is_err());
        assert!(open(Bytes::copy_from_slice(&file[..n - 1]), 0, (n - 1) as u64).err().unwrap().contains("PAR1"));
        assert!(open(Bytes::copy_from_slice(&file), 1, n as u64).is_err());
        // garbage footer of the right length
        let mut bad = file.clone();
        let f = footer_of(&file).len();
        bad[n - 8 - f..n - 8].fill(0x77);
        assert!(open_all(&bad).is_err());
    }

    #[test]
    fn plain_types_replace_what_arrow_js_ffi_cannot_import() {
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::LargeUtf8));
        let nested = DataType::Struct(
            vec![Field::new("d", dict.clone(), true), Field::new_large_list("l", Field::new("e", DataType::BinaryView, true), true)].into(),
        );
        let schema = Schema::new(vec![Field::new("s", nested, true).with_metadata([("PARQUET:field_id".to_string(), "7".to_string())])]);
        let plain = plain_schema(&schema);
        let expected = DataType::Struct(
            vec![Field::new("d", DataType::Utf8, true), Field::new_list("l", Field::new("e", DataType::Binary, true), true)].into(),
        );
        assert_eq!(plain.field(0).data_type(), &expected);
        assert_eq!(plain.field(0).metadata().get("PARQUET:field_id").map(String::as_str), Some("7"));
    }

    #[test]
    fn opens_a_dremio_footer() {
        let file = sample_file();
        let footer = footer_of(&file);
        let forged = dremio_footer(&file, LIST_I64);
        let mut dremio = file[..file.len() - 8 - footer.len()].to_vec();
        dremio.extend_from_slice(&forged);
        dremio.extend_from_slice(&(forged.len() as u32).to_le_bytes());
        dremio.extend_from_slice(b"PAR1");
        let f = open_all(&dremio).unwrap();
        let expected = open_all(&file).unwrap();
        assert_eq!(
            format!("{:?}", f.meta.metadata().row_groups()),
            format!("{:?}", expected.meta.metadata().row_groups())
        );
    }
}
