//! One row group's streaming reader: arrow-rs's synchronous `ParquetRecordBatchReader` over the
//! row group's regions, handing out one batch at a time through the Arrow C data interface.
//!
//! The reader lives across `rg_next` calls, so the per-column state (decompressed dictionary
//! pages, the position in the current page) is decoded once per row group, not once per batch.

use crate::footer::File;
use crate::regions::{Regions, SharedRegions};
use arrow_array::{Array, RecordBatchReader, StructArray};
use arrow_data::ffi::FFI_ArrowArray;
use arrow_schema::ffi::FFI_ArrowSchema;
use arrow_schema::DataType;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder, RowSelection, RowSelectionPolicy, RowSelector,
};
use parquet::arrow::ProjectionMask;
use std::sync::Arc;

/// What to read from one row group.
pub struct Request<'a> {
    pub row_group: usize,
    /// Leaf column indices, in Parquet column order.
    pub leaves: &'a [u32],
    /// `(file offset, bytes)` of the projected column chunks.
    pub regions: Vec<(u64, Bytes)>,
    /// Run lengths select, skip, select, …; empty for every row.
    pub selection: &'a [u32],
    pub batch_size: usize,
}

/// An open row-group reader and its current batch.
pub struct RowGroupReader {
    batches: ParquetRecordBatchReader,
    /// The batches' type (a struct of the projected columns), exported once.
    schema: Box<FFI_ArrowSchema>,
    /// The current batch; replaced (and so released) by each `next`.
    current: Option<Box<FFI_ArrowArray>>,
    /// Set at the end or after an error, so later calls return at once.
    finished: bool,
}

impl RowGroupReader {
    /// Checks the request against the file and builds the arrow-rs reader. Invalid indices are
    /// errors here because arrow-rs would panic on them.
    pub fn open(file: &File, request: Request) -> Result<RowGroupReader, String> {
        let metadata = file.meta.metadata();
        // Regions first: they are owned from here on and freed with `regions` on any error.
        let regions = Regions::new(request.regions, file.file_size)?;
        let row_groups = metadata.num_row_groups();
        if request.row_group >= row_groups {
            return Err(format!("row group {} does not exist: the file has {row_groups}", request.row_group));
        }
        let schema_descr = metadata.file_metadata().schema_descr();
        let columns = schema_descr.num_columns();
        if let Some(bad) = request.leaves.iter().find(|&&leaf| leaf as usize >= columns) {
            return Err(format!("leaf column {bad} does not exist: the file has {columns}"));
        }
        if request.batch_size == 0 {
            return Err("batch_size must be at least 1".into());
        }
        let rows = metadata.row_group(request.row_group).num_rows();
        let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(SharedRegions(Arc::new(regions)), file.meta.clone())
            .with_row_groups(vec![request.row_group])
            .with_projection(ProjectionMask::leaves(schema_descr, request.leaves.iter().map(|&l| l as usize)))
            .with_batch_size(request.batch_size)
            // arrow-rs's own choice (its default): selectors where the runs are long, so whole
            // skipped pages are never decompressed (with an offset index); a bitmask where they
            // are short (spread deletes), since stepping a selector per few rows costs more than
            // decoding those rows and filtering them out in here. Either way no skipped row
            // leaves the decoder. Measured on 10 M spread deletes (every 2.6th row): selectors
            // cost 2.3–3× the scan without deletes.
            .with_row_selection_policy(RowSelectionPolicy::default());
        if !request.selection.is_empty() {
            builder = builder.with_row_selection(selection(request.selection, rows)?);
        }
        let batches = builder.build().map_err(|e| e.to_string())?;
        let schema = FFI_ArrowSchema::try_from(&DataType::Struct(batches.schema().fields().clone()))
            .map_err(|e| format!("exporting the schema: {e}"))?;
        Ok(RowGroupReader { batches, schema: Box::new(schema), current: None, finished: false })
    }

    /// Decodes the next batch, releasing the previous one: `Ok(true)` when one is ready.
    pub fn next(&mut self) -> Result<bool, String> {
        self.current = None;
        if self.finished {
            return Ok(false);
        }
        match self.batches.next() {
            None => {
                self.finished = true;
                Ok(false)
            }
            Some(Err(e)) => {
                // arrow-rs's reader is not meant to go on after an error.
                self.finished = true;
                Err(e.to_string())
            }
            Some(Ok(batch)) => {
                let data = StructArray::from(batch).into_data();
                self.current = Some(Box::new(FFI_ArrowArray::new(&data)));
                Ok(true)
            }
        }
    }

    /// The current batch as one struct array, or null when there is none.
    pub fn array(&self) -> *const FFI_ArrowArray {
        self.current.as_deref().map_or(std::ptr::null(), |a| a as *const _)
    }

    /// The batches' struct type (valid while the reader is open).
    pub fn schema(&self) -> *const FFI_ArrowSchema {
        &*self.schema
    }
}

/// Builds a `RowSelection` from alternating select/skip run lengths, which must cover `rows`.
fn selection(runs: &[u32], rows: i64) -> Result<RowSelection, String> {
    let total: u64 = runs.iter().map(|&n| u64::from(n)).sum();
    if total != rows as u64 {
        return Err(format!("the selection covers {total} rows but the row group has {rows}"));
    }
    let selectors: Vec<RowSelector> = runs
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(i, &n)| if i % 2 == 0 { RowSelector::select(n as usize) } else { RowSelector::skip(n as usize) })
        .collect();
    Ok(RowSelection::from(selectors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compact::tests::sample_file;
    use crate::footer;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;

    /// Opens row group 1 of the sample file with every column chunk as a region.
    fn open_rg(selection: &[u32], regions: Option<Vec<(u64, Bytes)>>) -> Result<RowGroupReader, String> {
        let file = sample_file();
        let f = footer::open(Bytes::copy_from_slice(&file), 0, file.len() as u64).unwrap();
        let rg = f.meta.metadata().row_group(1);
        let regions = regions.unwrap_or_else(|| {
            rg.columns()
                .iter()
                .map(|c| {
                    let (start, len) = c.byte_range();
                    (start, Bytes::copy_from_slice(&file[start as usize..(start + len) as usize]))
                })
                .collect()
        });
        RowGroupReader::open(&f, Request { row_group: 1, leaves: &[0, 1], regions, selection, batch_size: 300 })
    }

    /// The ids the reader yields (straight from arrow-rs: the FFI export is checked from JS).
    fn ids(reader: &mut RowGroupReader) -> Vec<i64> {
        let mut out = Vec::new();
        for batch in &mut reader.batches {
            out.extend(batch.unwrap().column(0).as_primitive::<Int64Type>().values().iter().copied());
        }
        out
    }

    #[test]
    fn reads_a_row_group_in_batches() {
        let mut r = open_rg(&[], None).unwrap();
        assert!(r.next().unwrap() && !r.array().is_null());
        assert_eq!(ids(&mut r), (1300..2000).collect::<Vec<_>>());
        assert!(!r.next().unwrap() && r.array().is_null());
    }

    #[test]
    fn a_selection_skips_rows() {
        let mut r = open_rg(&[0, 10, 5, 985], None).unwrap();
        assert_eq!(ids(&mut r), (1010..1015).collect::<Vec<_>>());
        let err = open_rg(&[5, 10], None).err().unwrap();
        assert!(err.contains("covers 15 rows"), "{err}");
    }

    #[test]
    fn a_missing_region_is_an_error() {
        let mut r = open_rg(&[], Some(vec![])).unwrap();
        let err = r.next().unwrap_err();
        assert!(err.contains("not in the regions"), "{err}");
        assert!(!r.next().unwrap());
    }
}
