//! iceberg-rx's Parquet decoder: arrow-rs's `parquet` crate compiled to `wasm32-unknown-unknown`,
//! driven through raw `extern "C"` exports (no wasm-bindgen glue, no imports).
//!
//! The JS side fetches bytes, this module decodes them:
//! 1. `file_open` parses a file's tail (footer and page indexes) once per file;
//! 2. `rg_open` opens one row group over the byte ranges (regions) of its projected column
//!    chunks, with an optional row selection;
//! 3. `rg_next` decodes one batch at a time; `rg_array`/`rg_schema` give it as an Arrow C data
//!    interface struct array, which arrow-js-ffi's `parseRecordBatch` reads out of this memory;
//! 4. `rg_close` frees the row group's bytes and state at once.
//!
//! The Parquet writer (`pw_*`, src/writer.rs, feature `writer`, its own module
//! iceberg-rx-writer.wasm) goes the other way: Arrow IPC streams in, Parquet bytes out through
//! arrow-rs's `ArrowWriter`; it shares nothing with the read path but `alloc`.
//!
//! Conventions: pointers and lengths are u32 (wasm32 `usize`); file offsets and sizes are f64
//! (JS numbers) holding exact integers. A failing call returns null or -1 and leaves its message
//! at `error_ptr`/`error_len`. Bad data is an error wherever arrow-rs returns one; the rest
//! (arrow-rs's own panics) aborts, which traps the instance.

mod compact;
mod error;
mod footer;
mod reader;
mod regions;
#[cfg(feature = "writer")]
mod writer;

use arrow_data::ffi::FFI_ArrowArray;
use arrow_schema::ffi::FFI_ArrowSchema;
use bytes::Bytes;
use footer::File;
use reader::{Request, RowGroupReader};
use std::alloc::Layout;
use std::ptr::NonNull;
#[cfg(feature = "writer")]
use writer::ParquetWriter;

/// A region of file bytes passed to `rg_open`: file bytes `[start, start + len)` at `ptr`.
#[repr(C)]
pub struct Region {
    pub start: f64,
    pub ptr: u32,
    pub len: u32,
}

/// Reserves `len` uninitialised bytes for the caller to fill. Ownership passes to the call that
/// takes them (`file_open`, `rg_open` regions); otherwise free them with `dealloc`. Returns null
/// when memory cannot grow that far.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return NonNull::dangling().as_ptr();
    }
    match Layout::array::<u8>(len) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { std::alloc::alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees `len` bytes from `alloc` that no call took.
///
/// # Safety
/// `ptr` and `len` must be exactly what `alloc` returned and was given.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    if len != 0 && !ptr.is_null() {
        std::alloc::dealloc(ptr, Layout::array::<u8>(len).unwrap());
    }
}

/// Takes ownership of `len` bytes from `alloc` as `Bytes`, without copying them.
///
/// # Safety
/// `ptr` must come from `alloc(len)` and not be used by the caller afterwards.
unsafe fn take_bytes(ptr: *mut u8, len: usize) -> Bytes {
    if len == 0 || ptr.is_null() {
        return Bytes::new();
    }
    // `alloc` allocated exactly `Layout::array::<u8>(len)`, which is the layout a Vec of
    // capacity `len` frees, so the Vec (and the Bytes it becomes) owns the allocation.
    Bytes::from(Vec::from_raw_parts(ptr, len, len))
}

/// Converts a JS number holding a file offset or size to u64, refusing fractions and negatives.
fn offset(value: f64, what: &str) -> Result<u64, String> {
    if value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_992.0 {
        Ok(value as u64)
    } else {
        Err(format!("{what} must be a non-negative integer, got {value}"))
    }
}

/// Address of the last error message (UTF-8), valid until the next call that fails.
#[no_mangle]
pub extern "C" fn error_ptr() -> *const u8 {
    error::ptr()
}

/// Length in bytes of the last error message.
#[no_mangle]
pub extern "C" fn error_len() -> usize {
    error::len()
}

/// Opens a file from its tail: takes ownership of the `len` bytes at `ptr`, which are file bytes
/// `[tail_start, tail_start + len)` with `tail_start + len == file_size`, holding the footer (and
/// the page indexes, when the file has them and they should be used). Parses the footer once,
/// repairing Dremio's field-15 quirk; an unreadable or absent page index is dropped, not fatal.
/// Returns null on error.
///
/// # Safety
/// `ptr` must come from `alloc(len)`.
#[no_mangle]
pub unsafe extern "C" fn file_open(ptr: *mut u8, len: usize, tail_start: f64, file_size: f64) -> *mut File {
    let tail = take_bytes(ptr, len);
    let opened = offset(tail_start, "tail_start")
        .and_then(|start| Ok((start, offset(file_size, "file_size")?)))
        .and_then(|(start, size)| footer::open(tail, start, size));
    match opened {
        Ok(file) => Box::into_raw(Box::new(file)),
        Err(e) => {
            error::set(e);
            std::ptr::null_mut()
        }
    }
}

/// Number of row groups in the file.
///
/// # Safety
/// `file` must come from `file_open` and not be closed.
#[no_mangle]
pub unsafe extern "C" fn file_num_row_groups(file: *const File) -> u32 {
    (*file).meta.metadata().num_row_groups() as u32
}

/// Number of rows of row group `rg` (0 when it does not exist).
///
/// # Safety
/// `file` must come from `file_open` and not be closed.
#[no_mangle]
pub unsafe extern "C" fn file_row_group_rows(file: *const File, rg: u32) -> f64 {
    let metadata = (*file).meta.metadata();
    metadata.row_groups().get(rg as usize).map_or(0.0, |g| g.num_rows() as f64)
}

/// Frees a file. Every reader opened on it must be closed first (they share its metadata
/// through an `Arc`, so closing earlier would not dangle, but the JS side keeps this order).
///
/// # Safety
/// `file` must come from `file_open` and not be closed already.
#[no_mangle]
pub unsafe extern "C" fn file_close(file: *mut File) {
    if !file.is_null() {
        drop(Box::from_raw(file));
    }
}

/// Opens a reader over row group `row_group` of `file`:
/// - `leaves_ptr`/`n_leaves`: the leaf columns to decode (Parquet column order, a
///   `ProjectionMask::leaves`);
/// - `regions_ptr`/`n_regions`: `Region`s holding every byte of the projected column chunks;
///   the reader takes ownership of every region's bytes, also when this call fails. A read
///   outside them is an error naming the range;
/// - `selection_ptr`/`n_selection`: run lengths select, skip, select, … (the first may be 0)
///   summing to the row group's rows, or `n_selection == 0` for every row. Skipped rows are
///   never decoded (whole pages are skipped when the file has an offset index);
/// - `batch_size`: the most rows per batch.
///
/// Returns null on error.
///
/// # Safety
/// `file` must be open; the arrays must hold the given counts; region pointers must come from
/// `alloc(len)`.
#[no_mangle]
pub unsafe extern "C" fn rg_open(
    file: *const File,
    row_group: u32,
    leaves_ptr: *const u32,
    n_leaves: u32,
    regions_ptr: *const Region,
    n_regions: u32,
    selection_ptr: *const u32,
    n_selection: u32,
    batch_size: u32,
) -> *mut RowGroupReader {
    // Take every region's bytes before anything can fail, so none leaks.
    let regions = slice(regions_ptr, n_regions);
    let mut owned = Vec::with_capacity(regions.len());
    let mut bad_start = None;
    for r in regions {
        let bytes = take_bytes(r.ptr as usize as *mut u8, r.len as usize);
        match offset(r.start, "a region's start") {
            Ok(start) => owned.push((start, bytes)),
            Err(e) => bad_start = Some(e),
        }
    }
    let opened = match bad_start {
        Some(e) => Err(e),
        None => RowGroupReader::open(
            &*file,
            Request {
                row_group: row_group as usize,
                leaves: slice(leaves_ptr, n_leaves),
                regions: owned,
                selection: slice(selection_ptr, n_selection),
                batch_size: batch_size as usize,
            },
        ),
    };
    match opened {
        Ok(reader) => Box::into_raw(Box::new(reader)),
        Err(e) => {
            error::set(e);
            std::ptr::null_mut()
        }
    }
}

/// A slice from a pointer and a count, empty when the count is 0 (the pointer may then be null).
unsafe fn slice<'a, T>(ptr: *const T, n: u32) -> &'a [T] {
    if n == 0 || ptr.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, n as usize)
    }
}

/// Decodes the next batch (of up to `batch_size` selected rows), releasing the previous one:
/// 1 when a batch is ready, 0 at the end, -1 on error. After an error or the end it returns 0.
///
/// # Safety
/// `reader` must come from `rg_open` and not be closed.
#[no_mangle]
pub unsafe extern "C" fn rg_next(reader: *mut RowGroupReader) -> i32 {
    match (*reader).next() {
        Ok(true) => 1,
        Ok(false) => 0,
        Err(e) => {
            error::set(e);
            -1
        }
    }
}

/// The current batch as one struct array (`ArrowArray`), one child per projected root column;
/// null when there is none. Valid until the next `rg_next` or `rg_close`.
///
/// # Safety
/// `reader` must come from `rg_open` and not be closed.
#[no_mangle]
pub unsafe extern "C" fn rg_array(reader: *const RowGroupReader) -> *const FFI_ArrowArray {
    (*reader).array()
}

/// The batches' type (`ArrowSchema`): a struct whose child fields keep their metadata (e.g.
/// `PARQUET:field_id`). Valid until `rg_close`, also before the first batch.
///
/// # Safety
/// `reader` must come from `rg_open` and not be closed.
#[no_mangle]
pub unsafe extern "C" fn rg_schema(reader: *const RowGroupReader) -> *const FFI_ArrowSchema {
    (*reader).schema()
}

/// Frees the reader, its current batch and all its region bytes at once.
///
/// # Safety
/// `reader` must come from `rg_open` and not be closed already.
#[no_mangle]
pub unsafe extern "C" fn rg_close(reader: *mut RowGroupReader) {
    if !reader.is_null() {
        drop(Box::from_raw(reader));
    }
}

/// Opens a Parquet writer in memory: `compression` 0 uncompressed, 1 Snappy, 2 Zstandard;
/// `row_group_rows` the most rows per row group (0: arrow-rs's default). Returns null on error.
#[cfg(feature = "writer")]
#[no_mangle]
pub extern "C" fn pw_open(compression: u32, row_group_rows: u32) -> *mut ParquetWriter {
    match ParquetWriter::new(compression, row_group_rows) {
        Ok(w) => Box::into_raw(Box::new(w)),
        Err(e) => {
            error::set(e);
            std::ptr::null_mut()
        }
    }
}

/// Writes the record batches of one Arrow IPC stream (schema message first), taking ownership of
/// the `len` bytes at `ptr`. The first stream fixes the file's schema. Returns 0, or -1 on error.
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed; `ptr` must come from `alloc(len)`.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_write(writer: *mut ParquetWriter, ptr: *mut u8, len: usize) -> i32 {
    let bytes = if len == 0 || ptr.is_null() { Vec::new() } else { Vec::from_raw_parts(ptr, len, len) };
    match (*writer).write_ipc(bytes) {
        Ok(()) => 0,
        Err(e) => {
            error::set(e);
            -1
        }
    }
}

/// Writes the file's footer. Returns 0, or -1 on error (no stream was written).
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_finish(writer: *mut ParquetWriter) -> i32 {
    match (*writer).finish() {
        Ok(()) => 0,
        Err(e) => {
            error::set(e);
            -1
        }
    }
}

/// Address of the Parquet bytes produced since the last `pw_clear` (valid until the next `pw_*` call).
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_output_ptr(writer: *mut ParquetWriter) -> *const u8 {
    (*writer).output().as_ptr()
}

/// Length of the bytes at `pw_output_ptr`.
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_output_len(writer: *mut ParquetWriter) -> usize {
    (*writer).output().len()
}

/// Forgets the bytes at `pw_output_ptr` (the caller copied them out).
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_clear(writer: *mut ParquetWriter) {
    (*writer).clear_output();
}

/// Frees a writer, finished or not.
///
/// # Safety
/// `writer` must come from `pw_open` and not be closed already.
#[cfg(feature = "writer")]
#[no_mangle]
pub unsafe extern "C" fn pw_close(writer: *mut ParquetWriter) {
    if !writer.is_null() {
        drop(Box::from_raw(writer));
    }
}
