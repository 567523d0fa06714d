"""Writes a benchmark table with PyIceberg (SqlCatalog on sqlite, zstd) and prints one JSON object.

Usage:
  .venv/bin/python bench_table.py OUT_DIR [TARGET_BYTES]
      several appends of random rows (6 columns, no decimal) until the data files reach a total
      size (bench:pyiceberg).
  .venv/bin/python bench_table.py OUT_DIR --rows N --file-rows F [--row-group-rows R]
      exactly N rows of bench_columns.py (long, int, double, string, timestamp, decimal(18,2)) in
      one streamed append, in files of F rows made of row groups of R rows (default 1,000,000):
      write.parquet.row-group-limit = R and write.target-file-size-bytes set so that PyIceberg's
      bin packing (in-memory Arrow bytes) closes a file every F / R batches (bench:compare, bench:soak).
Prints {"metadataPath", "dataFiles", "dataBytes", "largestFileBytes", "rows", "seconds"}; the
fixed layout adds "dataFilePaths" (PyIceberg's plan order), "rowGroupsPerFile" and "properties".
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


def _fixed_layout(out_dir: str, rows: int, file_rows: int, row_group_rows: int) -> None:
    """One append of a RecordBatchReader of R-row batches; every F / R of them make one file."""
    import pyarrow.parquet as pq

    import bench_columns

    if rows % file_rows or file_rows % row_group_rows:
        sys.exit("--rows must be a multiple of --file-rows, --file-rows a multiple of --row-group-rows")
    started = time.monotonic()
    os.makedirs(out_dir, exist_ok=True)
    catalog = SqlCatalog("bench", uri=f"sqlite:///{out_dir}/catalog.db", warehouse=f"file://{os.path.abspath(out_dir)}")
    catalog.create_namespace_if_not_exists("db")
    if catalog.table_exists("db.bench"):
        catalog.purge_table("db.bench")
    # bin_pack_record_batches closes a file once its batches' nbytes reach the target: half a
    # batch below F / R batches, so that small size differences between batches do not matter.
    batch_bytes = bench_columns.batch(0, row_group_rows).nbytes
    per_file = file_rows // row_group_rows
    properties = {
        "write.parquet.compression-codec": "zstd",
        "write.parquet.row-group-limit": str(row_group_rows),
        "write.target-file-size-bytes": str(int((per_file - 0.5) * batch_bytes)),
    }
    table = catalog.create_table("db.bench", schema=bench_columns.ARROW_SCHEMA, properties=properties)
    arrow_schema = table.schema().as_arrow()

    def batches():
        for start in range(0, rows, row_group_rows):
            yield bench_columns.batch(start, row_group_rows).cast(arrow_schema)

    table.append(pa.RecordBatchReader.from_batches(arrow_schema, batches()))
    paths = [task.file.file_path.removeprefix("file://") for task in table.scan().plan_files()]
    sizes = [os.path.getsize(p) for p in paths]
    row_groups = sorted({pq.ParquetFile(p).metadata.num_row_groups for p in paths})
    print(json.dumps({
        "metadataPath": table.metadata_location.removeprefix("file://"),
        "dataFiles": len(paths),
        "dataBytes": sum(sizes),
        "largestFileBytes": max(sizes),
        "rows": sum(task.file.record_count for task in table.scan().plan_files()),
        "rowGroupsPerFile": row_groups,
        "dataFilePaths": paths,
        "properties": properties,
        "seconds": round(time.monotonic() - started, 1),
    }))


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


def _flag(name: str, default: int | None = None) -> int | None:
    if name not in sys.argv:
        return default
    return int(sys.argv[sys.argv.index(name) + 1])


if __name__ == "__main__":
    if "--rows" in sys.argv:
        fixed_rows, fixed_file_rows = _flag("--rows"), _flag("--file-rows")
        if len(sys.argv) < 2 or fixed_file_rows is None:
            sys.exit("usage: bench_table.py OUT_DIR --rows N --file-rows F [--row-group-rows R]")
        _fixed_layout(sys.argv[1], fixed_rows, fixed_file_rows, _flag("--row-group-rows", 1_000_000))
    elif len(sys.argv) not in (2, 3):
        sys.exit("usage: bench_table.py OUT_DIR [TARGET_BYTES] | OUT_DIR --rows N --file-rows F [--row-group-rows R]")
    else:
        main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 1_100_000_000)
