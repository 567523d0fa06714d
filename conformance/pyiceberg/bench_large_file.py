"""Writes one large Parquet file with pyarrow (no field ids) and registers it with PyIceberg's add_files.

Usage: .venv/bin/python bench_large_file.py OUT_DIR [--row-groups N] [--row-group-rows R]
(defaults 144 row groups of 1,000,000 rows: about 3.8 GiB with zstd).

The table `db.large` lives in a SqlCatalog (sqlite) at OUT_DIR/catalog.db; the file is written into
the table's own data folder (<table location>/data/), so that no reader needs to be told about
files outside the table location. The file is streamed one row group at a time (ParquetWriter
.write_table per R rows), so this script stays small in memory, and it is kept between runs: a
second run only re-creates the catalog entry (drop_table, which keeps files, then add_files).
Prints one JSON object: {"metadataPath", "dataFile", "fileBytes", "rows", "rowGroups",
"fieldIds", "generatedFile", "generateSeconds", "seconds"}.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog

import bench_columns


def _flag(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _write_file(path: str, row_groups: int, row_group_rows: int) -> None:
    tmp = f"{path}.tmp"
    with pq.ParquetWriter(tmp, bench_columns.ARROW_SCHEMA, compression="zstd") as writer:
        for i in range(row_groups):
            writer.write_table(pa.Table.from_batches([bench_columns.batch(i * row_group_rows, row_group_rows)]), row_group_size=row_group_rows)
            if (i + 1) % 16 == 0:
                print(f"  {i + 1}/{row_groups} row groups", file=sys.stderr, flush=True)
    os.rename(tmp, path)


def main(out_dir: str, row_groups: int, row_group_rows: int) -> None:
    started = time.monotonic()
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    catalog = SqlCatalog("bench", uri=f"sqlite:///{out_dir}/catalog.db", warehouse=f"file://{out_dir}")
    catalog.create_namespace_if_not_exists("db")
    if catalog.table_exists("db.large"):
        catalog.drop_table("db.large")  # drops the catalog entry only: the data file stays
    table = catalog.create_table("db.large", schema=bench_columns.ARROW_SCHEMA)
    data_dir = os.path.join(table.location().removeprefix("file://"), "data")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"large-{row_groups}x{row_group_rows}.parquet")
    generated = not os.path.exists(path)
    generate_seconds = None
    if generated:
        print(f"writing {path} ({row_groups} row groups of {row_group_rows} rows) with pyarrow...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        _write_file(path, row_groups, row_group_rows)
        generate_seconds = round(time.monotonic() - t0, 1)
    table.add_files([f"file://{path}"])
    table = catalog.load_table("db.large")
    metadata = pq.ParquetFile(path).metadata
    arrow_fields = pq.ParquetFile(path).schema_arrow
    print(json.dumps({
        "metadataPath": table.metadata_location.removeprefix("file://"),
        "dataFile": path,
        "fileBytes": os.path.getsize(path),
        "rows": metadata.num_rows,
        "rowGroups": metadata.num_row_groups,
        "fieldIds": any(f.metadata is not None and b"PARQUET:field_id" in f.metadata for f in arrow_fields),
        "generatedFile": generated,
        "generateSeconds": generate_seconds,
        "seconds": round(time.monotonic() - started, 1),
    }))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1].startswith("--"):
        sys.exit("usage: bench_large_file.py OUT_DIR [--row-groups N] [--row-group-rows R]")
    main(sys.argv[1], _flag("--row-groups", 144), _flag("--row-group-rows", 1_000_000))
