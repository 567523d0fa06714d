//! A measurement probe: arrow-rs's synchronous Parquet reader in wasm32, driven by raw exports
//! (no wasm-bindgen glue). `decode` walks the file one batch at a time and drops each batch, the
//! way a streaming reader would, and returns the row count.

use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Reserves `len` bytes in wasm memory for the caller to fill; `decode` takes ownership.
#[no_mangle]
pub extern "C" fn buf_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Decodes every row group (or only `rg` when `rg >= 0`) in batches of `batch` rows, dropping
/// each batch; returns the rows decoded. Frees the buffer. Panics (aborts) on bad input.
#[no_mangle]
pub extern "C" fn decode(ptr: *mut u8, len: usize, rg: i32, batch: usize) -> usize {
    let bytes = Bytes::from(unsafe { Vec::from_raw_parts(ptr, len, len) });
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().with_batch_size(batch);
    if rg >= 0 {
        builder = builder.with_row_groups(vec![rg as usize]);
    }
    builder.build().unwrap().map(|b| b.unwrap().num_rows()).sum()
}

/// Decodes every row group like [`decode`], skipping `deleted` of every `total` rows spread evenly
/// (position `floor(i * total / deleted)` of each block is deleted: the bench's spread deletes) with
/// a `RowSelection`, so deleted rows are skipped inside the decoder; returns the rows kept.
#[no_mangle]
pub extern "C" fn decode_skipping(ptr: *mut u8, len: usize, batch: usize, deleted: usize, total: usize) -> usize {
    use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
    let bytes = Bytes::from(unsafe { Vec::from_raw_parts(ptr, len, len) });
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().with_batch_size(batch);
    let rows = builder.metadata().file_metadata().num_rows() as usize;
    // u64: products of row counts overflow wasm32's usize
    let n = (rows as u64 * deleted as u64 / total as u64) as usize;
    let mut selectors = Vec::with_capacity(2 * n + 1);
    let mut at = 0usize;
    for i in 0..n {
        let p = (i as u64 * rows as u64 / n as u64) as usize;
        if p > at {
            selectors.push(RowSelector::select(p - at));
        }
        selectors.push(RowSelector::skip(1));
        at = p + 1;
    }
    if rows > at {
        selectors.push(RowSelector::select(rows - at));
    }
    let reader = builder.with_row_selection(RowSelection::from(selectors)).build().unwrap();
    reader.map(|b| b.unwrap().num_rows()).sum()
}
