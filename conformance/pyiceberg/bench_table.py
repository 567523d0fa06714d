"""Writes the benchmark table with PyIceberg: several appends of random rows until the data files reach a total size.

Usage: .venv/bin/python bench_table.py OUT_DIR [TARGET_BYTES]
Prints one JSON object: {"metadataPath", "dataFiles", "dataBytes", "largestFileBytes", "rows", "seconds"}.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, LongType, NestedField, StringType, TimestampType

ROWS_PER_APPEND = 6_000_000
# Smaller than PyIceberg's 512 MiB default so that every append writes a few files.
TARGET_FILE_BYTES = 256 * 1024 * 1024

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=False),
    NestedField(2, "k", IntegerType(), required=False),
    NestedField(3, "v", DoubleType(), required=False),
    NestedField(4, "w", DoubleType(), required=False),
    NestedField(5, "s", StringType(), required=False),
    NestedField(6, "ts", TimestampType(), required=False),
)


def _batch(start: int, rows: int, arrow_schema: pa.Schema) -> pa.Table:
    ids = pa.array(range(start, start + rows), pa.int64())
    k = pc.cast(pc.multiply(pc.random(rows), 2_000_000_000), pa.int32(), safe=False)
    r = pc.cast(pc.multiply(pc.random(rows), 1e15), pa.int64(), safe=False)
    s = pc.binary_join_element_wise("key-", pc.cast(r, pa.string()), "")
    ts = pc.cast(pc.add(pc.cast(pc.multiply(pc.random(rows), 3e14), pa.int64(), safe=False), 1_600_000_000_000_000), pa.timestamp("us"))
    columns = [ids, k, pc.random(rows), pc.multiply(pc.random(rows), 1000.0), s, ts]
    return pa.Table.from_arrays(columns, schema=arrow_schema)


def _data_files(table_dir: str) -> list[int]:
    sizes = []
    for root, _, files in os.walk(os.path.join(table_dir, "data")):
        sizes += [os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".parquet")]
    return sizes


def main(out_dir: str, target_bytes: int) -> None:
    started = time.monotonic()
    os.makedirs(out_dir, exist_ok=True)
    catalog = SqlCatalog("bench", uri=f"sqlite:///{out_dir}/catalog.db", warehouse=f"file://{os.path.abspath(out_dir)}")
    catalog.create_namespace_if_not_exists("db")
    if catalog.table_exists("db.bench"):
        catalog.purge_table("db.bench")
    table = catalog.create_table("db.bench", schema=SCHEMA, properties={
        "write.target-file-size-bytes": str(TARGET_FILE_BYTES),
        "write.parquet.compression-codec": "zstd",
    })
    arrow_schema = table.schema().as_arrow()
    table_dir = table.location().removeprefix("file://")
    rows = 0
    while sum(_data_files(table_dir)) < target_bytes:
        table.append(_batch(rows, ROWS_PER_APPEND, arrow_schema))
        rows += ROWS_PER_APPEND
    sizes = _data_files(table_dir)
    print(json.dumps({
        "metadataPath": table.metadata_location.removeprefix("file://"),
        "dataFiles": len(sizes),
        "dataBytes": sum(sizes),
        "largestFileBytes": max(sizes),
        "rows": rows,
        "seconds": round(time.monotonic() - started, 1),
    }))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: bench_table.py OUT_DIR [TARGET_BYTES]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 1_100_000_000)
