"""Reads Parquet files one after another with pyarrow's ParquetFile.iter_batches() (defaults: 65,536-row
batches, threads on) and prints one JSON object of timings and peak RSS: the native anchor of the
compare and large-file benchmarks.

Usage: .venv/bin/python bench_read_pyarrow.py FILE [FILE ...]
Times run from just before the first file is opened (imports excluded); loadSeconds is the time to
open the first file (its footer read), firstBatchSeconds includes it.
"""

from __future__ import annotations

import sys
import time

import pyarrow.parquet as pq

from bench_timing import peak_rss_bytes, stream_and_report


def main(paths: list[str]) -> None:
    baseline = peak_rss_bytes()
    started = time.monotonic()
    loaded: list[float] = []

    def batches():
        for path in paths:
            with pq.ParquetFile(path) as f:
                if not loaded:
                    loaded.append(time.monotonic() - started)
                yield from f.iter_batches()

    stream_and_report("pyarrow", started, batches(), lambda: loaded[0] if loaded else None, baseline)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: bench_read_pyarrow.py FILE [FILE ...]")
    main(sys.argv[1:])
