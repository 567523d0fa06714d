"""Reads Parquet files one after another with pyarrow's ParquetFile.iter_batches() (defaults: 65,536-row
batches, threads on) and prints one JSON object of timings and peak RSS: the native anchor of the
compare and large-file benchmarks.

Usage: .venv/bin/python bench_read_pyarrow.py FILE [FILE ...]
Times run from just before the first file is opened (imports excluded); loadSeconds is the time to
open the first file (its footer read), firstBatchSeconds includes it.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import pyarrow.parquet as pq


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def main(paths: list[str]) -> None:
    baseline = _peak_rss_bytes()
    started = time.monotonic()
    loaded = None
    first_batch = None
    rows = batches = 0
    for path in paths:
        with pq.ParquetFile(path) as f:
            if loaded is None:
                loaded = time.monotonic() - started
            for batch in f.iter_batches():
                if first_batch is None:
                    first_batch = time.monotonic() - started
                rows += batch.num_rows
                batches += 1
    seconds = time.monotonic() - started
    print(json.dumps({
        "reader": "pyarrow",
        "rows": rows,
        "batches": batches,
        "seconds": round(seconds, 3),
        "firstBatchSeconds": round(first_batch or seconds, 3),
        "loadSeconds": round(loaded or 0, 3),
        "rowsPerSecond": round(rows / seconds),
        "peakRssBytes": _peak_rss_bytes(),
        "baselineRssBytes": baseline,
    }))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: bench_read_pyarrow.py FILE [FILE ...]")
    main(sys.argv[1:])
