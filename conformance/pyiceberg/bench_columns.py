"""Rows of the compare / large-file / soak benchmarks: long, int, double, string, timestamp and decimal(18,2).

Every batch is a function of (first row, row count) only (seeded `pc.random`), so a table or file
written twice holds the same values. The arrow schema carries no Parquet field ids: callers that
write through PyIceberg get them from the table schema; `bench_large_file.py` writes it as is.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

ARROW_SCHEMA = pa.schema([
    pa.field("id", pa.int64()),
    pa.field("k", pa.int32()),
    pa.field("v", pa.float64()),
    pa.field("s", pa.string()),
    pa.field("ts", pa.timestamp("us")),
    pa.field("d", pa.decimal128(18, 2)),
])


def _random(rows: int, seed: int) -> pa.Array:
    return pc.random(rows, initializer=seed)


def batch(start: int, rows: int) -> pa.RecordBatch:
    """Rows `start .. start + rows - 1`: `id` counts up, the other columns are seeded random values."""
    seed = start * 8
    ids = pa.array(range(start, start + rows), pa.int64())
    k = pc.cast(pc.multiply(_random(rows, seed + 1), 2_000_000_000), pa.int32(), safe=False)
    v = pc.multiply(_random(rows, seed + 2), 1000.0)
    r = pc.cast(pc.multiply(_random(rows, seed + 3), 1e15), pa.int64(), safe=False)
    s = pc.binary_join_element_wise("key-", pc.cast(r, pa.string()), "")
    # One row per millisecond from 2023-11-14 on, with random microseconds: ordered like event time.
    jitter = pc.cast(pc.multiply(_random(rows, seed + 4), 1000), pa.int64(), safe=False)
    micros = pc.add(pc.multiply(ids, 1000), jitter)
    ts = pc.cast(pc.add(micros, 1_700_000_000_000_000), pa.timestamp("us"))
    cents = pc.cast(pc.multiply(_random(rows, seed + 5), 1e9), pa.int64(), safe=False)
    # int64 -> decimal(19, 0) is exact; the same 16-byte values read as decimal(18, 2) are cents.
    d = pc.cast(cents, pa.decimal128(19, 0)).view(pa.decimal128(18, 2))
    return pa.RecordBatch.from_arrays([ids, k, v, s, ts, d], schema=ARROW_SCHEMA)
