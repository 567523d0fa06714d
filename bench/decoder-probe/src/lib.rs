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

/// A streaming reader over a whole file held in wasm memory, handing each batch out through the
/// Arrow C data interface (as one struct array, the shape arrow-js-ffi's `parseRecordBatch` reads).
pub struct Reader {
    batches: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    current: Option<(Box<arrow_data::ffi::FFI_ArrowArray>, Box<arrow_schema::ffi::FFI_ArrowSchema>)>,
}

/// Opens a reader over the `len` bytes at `ptr` (from `buf_alloc`; the reader takes them).
#[no_mangle]
pub extern "C" fn reader_open(ptr: *mut u8, len: usize, batch: usize) -> *mut Reader {
    let bytes = Bytes::from(unsafe { Vec::from_raw_parts(ptr, len, len) });
    let batches = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().with_batch_size(batch).build().unwrap();
    Box::into_raw(Box::new(Reader { batches, current: None }))
}

/// Decodes the next batch (releasing the previous one); 1 when there is one, 0 at the end.
#[no_mangle]
pub extern "C" fn reader_next(reader: *mut Reader) -> i32 {
    use arrow_array::{Array, StructArray};
    let reader = unsafe { &mut *reader };
    reader.current = None;
    match reader.batches.next() {
        None => 0,
        Some(batch) => {
            let data = StructArray::from(batch.unwrap()).into_data();
            let schema = arrow_schema::ffi::FFI_ArrowSchema::try_from(data.data_type()).unwrap();
            reader.current = Some((Box::new(arrow_data::ffi::FFI_ArrowArray::new(&data)), Box::new(schema)));
            1
        }
    }
}

/// Address of the current batch's `ArrowArray`.
#[no_mangle]
pub extern "C" fn reader_array(reader: *mut Reader) -> *const arrow_data::ffi::FFI_ArrowArray {
    unsafe { &*reader }.current.as_ref().map_or(std::ptr::null(), |c| &*c.0 as *const _)
}

/// Address of the current batch's `ArrowSchema`.
#[no_mangle]
pub extern "C" fn reader_schema(reader: *mut Reader) -> *const arrow_schema::ffi::FFI_ArrowSchema {
    unsafe { &*reader }.current.as_ref().map_or(std::ptr::null(), |c| &*c.1 as *const _)
}

/// Frees the reader, its current batch and the file bytes.
#[no_mangle]
pub extern "C" fn reader_close(reader: *mut Reader) {
    drop(unsafe { Box::from_raw(reader) });
}
