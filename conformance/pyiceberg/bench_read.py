"""Streams a whole table with PyIceberg's to_arrow_batch_reader() and prints one JSON object of timings and peak RSS.

Usage: .venv/bin/python bench_read.py METADATA_PATH
Times run from just before StaticTable.from_metadata (imports excluded); loadSeconds is
from_metadata's own time, firstBatchSeconds includes it.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def main(metadata_path: str) -> None:
    from pyiceberg.table import StaticTable

    baseline = _peak_rss_bytes()
    started = time.monotonic()
    table = StaticTable.from_metadata(metadata_path)
    loaded = time.monotonic() - started
    reader = table.scan().to_arrow_batch_reader()
    first_batch = None
    rows = batches = 0
    for batch in reader:
        if first_batch is None:
            first_batch = time.monotonic() - started
        rows += batch.num_rows
        batches += 1
    seconds = time.monotonic() - started
    print(json.dumps({
        "reader": "pyiceberg",
        "rows": rows,
        "batches": batches,
        "seconds": round(seconds, 3),
        "firstBatchSeconds": round(first_batch or seconds, 3),
        "loadSeconds": round(loaded, 3),
        "rowsPerSecond": round(rows / seconds),
        "peakRssBytes": _peak_rss_bytes(),
        "baselineRssBytes": baseline,
    }))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench_read.py METADATA_PATH")
    main(sys.argv[1])
