"""What the Python benchmark readers share: peak RSS, and streaming batches while timing them.

stream_and_report() consumes an iterable of Arrow record batches, then prints the one JSON object the
benches read: rows, batches, seconds, firstBatchSeconds, loadSeconds, rowsPerSecond, peakRssBytes and
baselineRssBytes. Times count from `started` (taken by the caller just before its load call).
"""

from __future__ import annotations

import json
import resource
import time
from typing import Callable, Iterable


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def stream_and_report(reader: str, started: float, batches: Iterable, load_seconds: Callable[[], float | None], baseline: int) -> None:
    first_batch = None
    rows = count = 0
    for batch in batches:
        if first_batch is None:
            first_batch = time.monotonic() - started
        rows += batch.num_rows
        count += 1
    seconds = time.monotonic() - started
    print(json.dumps({
        "reader": reader,
        "rows": rows,
        "batches": count,
        "seconds": round(seconds, 3),
        "firstBatchSeconds": round(first_batch or seconds, 3),
        "loadSeconds": round(load_seconds() or 0, 3),
        "rowsPerSecond": round(rows / seconds),
        "peakRssBytes": peak_rss_bytes(),
        "baselineRssBytes": baseline,
    }))
