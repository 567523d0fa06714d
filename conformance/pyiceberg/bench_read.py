"""Streams a whole table with PyIceberg's to_arrow_batch_reader() and prints one JSON object of timings and peak RSS.

Usage: .venv/bin/python bench_read.py METADATA_PATH
Times run from just before StaticTable.from_metadata (imports excluded); loadSeconds is
from_metadata's own time, firstBatchSeconds includes it.
"""

from __future__ import annotations

import sys
import time

from bench_timing import peak_rss_bytes, stream_and_report


def main(metadata_path: str) -> None:
    from pyiceberg.table import StaticTable

    baseline = peak_rss_bytes()
    started = time.monotonic()
    table = StaticTable.from_metadata(metadata_path)
    loaded = time.monotonic() - started
    stream_and_report("pyiceberg", started, table.scan().to_arrow_batch_reader(), lambda: loaded, baseline)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench_read.py METADATA_PATH")
    main(sys.argv[1])
