//! A [`ChunkReader`] over the few byte ranges of a file the JS side fetched for one row group.
//!
//! The JS side reads only the projected column chunks, so the reader sees the file as a set of
//! regions `[start, start + len)` at their file offsets. A read inside one region is a zero-copy
//! slice of it; a read spanning regions that touch end to end is copied together (the JS side may
//! split a chunk); a read that leaves the regions is an error naming the range, so a wrong
//! projection or a corrupt offset in the footer surfaces as a message rather than a trap.

use bytes::{Buf, Bytes};
use parquet::errors::{ParquetError, Result};
use parquet::file::reader::{ChunkReader, Length};
use std::io::{self, Read};
use std::sync::Arc;

/// The regions of one row group, sorted by start offset and disjoint.
pub struct Regions {
    /// `(start offset in the file, bytes)`, sorted by start.
    regions: Vec<(u64, Bytes)>,
    file_size: u64,
}

impl Regions {
    /// Sorts `regions` and checks they do not overlap; empty ones are dropped.
    pub fn new(mut regions: Vec<(u64, Bytes)>, file_size: u64) -> std::result::Result<Self, String> {
        regions.retain(|(_, b)| !b.is_empty());
        regions.sort_by_key(|(start, _)| *start);
        for pair in regions.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.0 + a.1.len() as u64 > b.0 {
                return Err(format!(
                    "regions [{}, {}) and [{}, {}) overlap",
                    a.0,
                    a.0 + a.1.len() as u64,
                    b.0,
                    b.0 + b.1.len() as u64
                ));
            }
        }
        Ok(Regions { regions, file_size })
    }

    /// Index of the region holding file offset `at`, if any.
    fn find(&self, at: u64) -> Option<usize> {
        let i = self.regions.partition_point(|(start, _)| *start <= at).checked_sub(1)?;
        let (start, bytes) = &self.regions[i];
        (at - start < bytes.len() as u64).then_some(i)
    }

    fn missing(start: u64, end: u64) -> ParquetError {
        ParquetError::General(format!(
            "the decoder needs file bytes [{start}, {end}), which are not in the regions passed to rg_open"
        ))
    }

    /// The bytes `[start, end)`, sliced when one region holds them, else copied from adjacent ones.
    fn range(&self, start: u64, end: u64) -> Result<Bytes> {
        if start == end {
            return Ok(Bytes::new());
        }
        let first = self.find(start).ok_or_else(|| Self::missing(start, end))?;
        let (region_start, bytes) = &self.regions[first];
        let offset = (start - region_start) as usize;
        if end - region_start <= bytes.len() as u64 {
            return Ok(bytes.slice(offset..(end - region_start) as usize));
        }
        // Spans regions: they must follow each other without a gap.
        let mut out = Vec::with_capacity((end - start) as usize);
        out.extend_from_slice(&bytes[offset..]);
        let mut at = region_start + bytes.len() as u64;
        for (next_start, next) in &self.regions[first + 1..] {
            if *next_start != at || at >= end {
                break;
            }
            let take = (end - at).min(next.len() as u64) as usize;
            out.extend_from_slice(&next[..take]);
            at += take as u64;
        }
        if at < end {
            return Err(Self::missing(at, end));
        }
        Ok(out.into())
    }
}

impl Length for Regions {
    /// The whole file's size (the regions are a sparse view of it).
    fn len(&self) -> u64 {
        self.file_size
    }
}

/// A reader that walks forward through regions that touch end to end; used for page headers,
/// whose length is unknown until parsed.
pub struct RegionRead {
    regions: Arc<Regions>,
    /// The region being read and the rest of its bytes.
    index: usize,
    rest: bytes::buf::Reader<Bytes>,
    /// File offset of the next byte.
    at: u64,
}

impl Read for RegionRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.rest.get_ref().has_remaining() {
            // Continue into the next region only if it starts where this one ended.
            match self.regions.regions.get(self.index + 1) {
                Some((start, bytes)) if *start == self.at => {
                    self.index += 1;
                    self.rest = bytes.clone().reader();
                }
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the decoder reads past file offset {}, the end of the regions passed to rg_open", self.at),
                    ))
                }
            }
        }
        let n = self.rest.read(buf)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// Shared so that every column's page reader reads the same regions without copying them.
#[derive(Clone)]
pub struct SharedRegions(pub Arc<Regions>);

impl Length for SharedRegions {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl ChunkReader for SharedRegions {
    type T = RegionRead;

    fn get_read(&self, start: u64) -> Result<RegionRead> {
        let index = self.0.find(start).ok_or_else(|| Regions::missing(start, start + 1))?;
        let (region_start, bytes) = &self.0.regions[index];
        let rest = bytes.slice((start - region_start) as usize..).reader();
        Ok(RegionRead { regions: self.0.clone(), index, rest, at: start })
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        let end = start.checked_add(length as u64).ok_or_else(|| Regions::missing(start, u64::MAX))?;
        self.0.range(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> SharedRegions {
        let r = vec![(10, Bytes::from_static(b"abcd")), (14, Bytes::from_static(b"ef")), (20, Bytes::from_static(b"xyz"))];
        SharedRegions(Arc::new(Regions::new(r, 100).unwrap()))
    }

    #[test]
    fn reads_inside_across_and_outside_regions() {
        let r = regions();
        assert_eq!(&r.get_bytes(11, 2).unwrap()[..], b"bc");
        assert_eq!(&r.get_bytes(12, 4).unwrap()[..], b"cdef");
        assert_eq!(&r.get_bytes(21, 2).unwrap()[..], b"yz");
        let err = r.get_bytes(13, 5).unwrap_err().to_string();
        assert!(err.contains("[16, 18)"), "{err}");
        assert!(r.get_bytes(9, 2).is_err());
        assert!(r.get_bytes(22, 2).is_err());
        assert!(r.get_bytes(30, 1).is_err());
        let mut s = Vec::new();
        let err = r.get_read(12).unwrap().read_to_end(&mut s).unwrap_err();
        assert_eq!(s, b"cdef");
        assert!(err.to_string().contains("16"), "{err}");
        assert!(r.get_read(16).is_err());
    }

    #[test]
    fn overlapping_regions_are_refused() {
        let r = vec![(10, Bytes::from_static(b"abcd")), (13, Bytes::from_static(b"ef"))];
        assert!(Regions::new(r, 100).is_err());
    }
}
