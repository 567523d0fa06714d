//! The Parquet writer: Arrow IPC stream bytes in (what apache-arrow's `RecordBatchStreamWriter`
//! produces on the JS side), arrow-rs's `ArrowWriter` out, the Parquet bytes drained by the caller
//! as they are produced. Used by `iceberg-rx/distributed`'s Parquet output; independent of the
//! decoder's read path.

use arrow_ipc::reader::StreamReader;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::io::Cursor;

/// One Parquet file being written into memory.
pub struct ParquetWriter {
    compression: Compression,
    row_group_rows: usize,
    writer: Option<ArrowWriter<Vec<u8>>>,
    /// Bytes produced by `finish` (the writer is gone then).
    tail: Vec<u8>,
    finished: bool,
}

impl ParquetWriter {
    /// `compression`: 0 uncompressed, 1 Snappy, 2 Zstandard (level 1); `row_group_rows`: most rows
    /// per row group (0: arrow-rs's default).
    pub fn new(compression: u32, row_group_rows: u32) -> Result<ParquetWriter, String> {
        let compression = match compression {
            0 => Compression::UNCOMPRESSED,
            1 => Compression::SNAPPY,
            2 => Compression::ZSTD(ZstdLevel::try_new(1).map_err(|e| e.to_string())?),
            n => return Err(format!("unknown compression {n} (expected 0, 1 or 2)")),
        };
        Ok(ParquetWriter { compression, row_group_rows: row_group_rows as usize, writer: None, tail: Vec::new(), finished: false })
    }

    /// Writes every batch of one IPC stream (a schema message, then record batches). The first
    /// stream fixes the file's schema; later ones must have the same.
    pub fn write_ipc(&mut self, ipc: Vec<u8>) -> Result<(), String> {
        if self.finished {
            return Err("the Parquet writer is already finished".to_string());
        }
        let reader = StreamReader::try_new(Cursor::new(ipc), None).map_err(|e| format!("cannot read the Arrow IPC stream: {e}"))?;
        if self.writer.is_none() {
            let mut props = WriterProperties::builder().set_compression(self.compression);
            if self.row_group_rows > 0 {
                props = props.set_max_row_group_row_count(Some(self.row_group_rows));
            }
            let writer = ArrowWriter::try_new(Vec::new(), reader.schema(), Some(props.build())).map_err(|e| e.to_string())?;
            self.writer = Some(writer);
        }
        let writer = self.writer.as_mut().unwrap();
        for batch in reader {
            let batch = batch.map_err(|e| format!("cannot read the Arrow IPC stream: {e}"))?;
            writer.write(&batch).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Writes the footer. A writer that never got a stream has no schema and fails.
    pub fn finish(&mut self) -> Result<(), String> {
        if self.finished {
            return Ok(());
        }
        let writer = self.writer.take().ok_or_else(|| "no Arrow IPC stream was written, so the file has no schema".to_string())?;
        self.tail = writer.into_inner().map_err(|e| e.to_string())?;
        self.finished = true;
        Ok(())
    }

    /// The bytes produced since the last `clear_output` (file offsets are tracked by the writer,
    /// so draining them does not change the file).
    pub fn output(&mut self) -> &[u8] {
        match self.writer.as_mut() {
            Some(w) => w.inner_mut().as_slice(),
            None => self.tail.as_slice(),
        }
    }

    /// Forgets the bytes `output` returned.
    pub fn clear_output(&mut self) {
        match self.writer.as_mut() {
            Some(w) => w.inner_mut().clear(),
            None => self.tail = Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, RecordBatch, StringArray};
    use arrow_ipc::writer::StreamWriter;
    use arrow_schema::{DataType, Field, Schema};
    use bytes::Bytes;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::sync::Arc;

    fn ipc(batch: &RecordBatch) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = StreamWriter::try_new(&mut out, &batch.schema()).unwrap();
        w.write(batch).unwrap();
        w.finish().unwrap();
        drop(w);
        out
    }

    #[test]
    fn writes_streams_into_one_file_drained_in_pieces() {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false), Field::new("s", DataType::Utf8, true)]));
        let mut writer = ParquetWriter::new(2, 3).unwrap();
        let mut file = Vec::new();
        for part in 0..3i64 {
            let ids: Vec<i64> = (part * 5..part * 5 + 5).collect();
            let strings: Vec<Option<String>> = ids.iter().map(|i| if i % 2 == 0 { Some(format!("v{i}")) } else { None }).collect();
            let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(ids)), Arc::new(StringArray::from(strings))]).unwrap();
            writer.write_ipc(ipc(&batch)).unwrap();
            file.extend_from_slice(writer.output());
            writer.clear_output();
        }
        writer.finish().unwrap();
        file.extend_from_slice(writer.output());
        let reader = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(file)).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 5);
        let batches: Vec<RecordBatch> = reader.build().unwrap().map(|b| b.unwrap()).collect();
        let ids: Vec<i64> = batches.iter().flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec()).collect();
        assert_eq!(ids, (0..15).collect::<Vec<i64>>());
        let nulls: usize = batches.iter().map(|b| b.column(1).null_count()).sum();
        assert_eq!(nulls, 7);
    }

    #[test]
    fn refuses_garbage_and_an_empty_file() {
        let mut writer = ParquetWriter::new(0, 0).unwrap();
        assert!(writer.write_ipc(vec![1, 2, 3]).unwrap_err().contains("Arrow IPC"));
        assert!(writer.finish().unwrap_err().contains("no schema"));
        assert!(ParquetWriter::new(9, 0).is_err());
    }
}
