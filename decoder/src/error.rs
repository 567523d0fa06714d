//! The last error message, read by the JS side through `error_ptr`/`error_len` after a call
//! returns its failure value (null or -1).
//!
//! WebAssembly without threads runs one call at a time, so one slot is enough; a `thread_local`
//! keeps the code safe Rust all the same. The message lives until the next failure replaces it.

use std::cell::RefCell;
use std::fmt::Display;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `message` as the last error.
pub fn set(message: impl Display) {
    LAST_ERROR.with(|e| *e.borrow_mut() = message.to_string());
}

/// Address of the last error's UTF-8 bytes (valid until the next failure).
pub fn ptr() -> *const u8 {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Length in bytes of the last error.
pub fn len() -> usize {
    LAST_ERROR.with(|e| e.borrow().len())
}
