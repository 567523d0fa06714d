"""Writes the PyIceberg table matrix into OUT_DIR and records PyIceberg's own scan results in OUT_DIR/expected.json.

Usage: .venv/bin/python generate.py OUT_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from typing import Any

import pyarrow
import pyiceberg
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import AlwaysTrue
from pyiceberg.expressions.parser import parse

from normalise import normalise_table
from tables import FORMAT_VERSIONS, PARTITIONINGS, V1_PARTITIONINGS, Built, ScanSpec, build_partitioned, build_spec_evolution, build_types
from tables_changes import build_evolution, build_mutations, build_upgraded

# Things the matrix leaves out because PyIceberg itself cannot do them (named so that nothing hides an iceberg-rx gap).
LIMITATIONS = [
    "format version 3: PyIceberg 0.12 refuses to write v3 metadata (NotImplementedError, iceberg-python#1551)",
    "merge-on-read deletes: PyIceberg 0.12 writes no position or equality delete files (deletes and overwrites are copy-on-write)",
    "filters on uuid columns: PyIceberg 0.12 fails in pyarrow (no 'equal' kernel for extension<arrow.uuid>)",
    "timestamp_ns / timestamptz_ns, variant, geometry, unknown: v3-only types, so not writable by PyIceberg 0.12",
]


def _canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def _run_scan(built: Built, spec: ScanSpec) -> dict[str, Any]:
    snapshot_id = built.snapshots[spec.snapshot] if spec.snapshot else None
    if spec.ref:
        snapshot_id = built.table.metadata.refs[spec.ref].snapshot_id

    def scan(limit: int | None) -> Any:
        return built.table.scan(
            row_filter=parse(spec.pyiceberg_filter or spec.filter) if spec.filter else AlwaysTrue(),
            selected_fields=tuple(spec.select) if spec.select else ("*",),
            snapshot_id=snapshot_id,
            limit=limit,
            case_sensitive=spec.case_sensitive,
        )

    full_scan = scan(None)
    tasks = list(full_scan.plan_files())
    result = full_scan.to_arrow()
    rows = normalise_table(result)
    record: dict[str, Any] = {
        "name": spec.name,
        "select": spec.select,
        "filter": spec.filter,
        "snapshotId": str(snapshot_id) if spec.snapshot else None,
        "ref": spec.ref,
        "limit": spec.limit,
        "caseSensitive": spec.case_sensitive,
        "pyicebergFilter": spec.pyiceberg_filter,
        "semantics": spec.semantics,
        "columns": result.column_names,
        # Row order is defined when one data file (without deletes) holds every row of the scan.
        "ordered": len(tasks) <= 1 and all(not task.delete_files for task in tasks),
        "dataFiles": len(tasks),
        "rows": rows,
    }
    # A filter that keeps no row proves nothing: keep the matrix meaningful.
    assert not spec.filter or rows, f"{built.table.name()[-1]}: filter {spec.filter!r} keeps no row"
    if spec.limit is not None:
        limited = normalise_table(scan(spec.limit).to_arrow())
        # Sanity check on PyIceberg itself: a limited scan returns a sub-multiset of the full scan.
        assert not Counter(map(_canonical, limited)) - Counter(map(_canonical, rows)), spec.name
        assert len(limited) == min(spec.limit, len(rows)), spec.name
        record["limitedRows"] = limited
    return record


def build_all(catalog: SqlCatalog) -> list[Built]:
    built: list[Built] = []
    for version in FORMAT_VERSIONS:
        built.append(build_types(catalog, version))
        for kind in PARTITIONINGS if version >= 2 else V1_PARTITIONINGS:
            built.append(build_partitioned(catalog, version, kind))
        built.append(build_spec_evolution(catalog, version))
        built.append(build_evolution(catalog, version))
        built.append(build_mutations(catalog, version))
    built.append(build_upgraded(catalog))
    return built


def main(out_dir: str) -> None:
    started = time.monotonic()
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    catalog = SqlCatalog("conformance", uri=f"sqlite:///{out_dir}/catalog.db", warehouse=f"file://{out_dir}")
    catalog.create_namespace("db")
    tables = []
    for built in build_all(catalog):
        location = built.table.metadata_location
        tables.append({
            "name": built.table.name()[-1],
            "formatVersion": built.table.metadata.format_version,
            "metadataLocation": location,
            "metadataPath": location.removeprefix("file://"),
            "features": built.features,
            "snapshots": {label: str(sid) for label, sid in built.snapshots.items()},
            "scans": [_run_scan(built, spec) for spec in built.scans],
        })
    expected = {
        "writer": f"pyiceberg {pyiceberg.__version__}, pyarrow {pyarrow.__version__}",
        "limitations": LIMITATIONS,
        "tables": tables,
    }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(expected, out, ensure_ascii=False, indent=1)
    scans = sum(len(t["scans"]) for t in tables)
    print(f"wrote {len(tables)} tables, {scans} scans in {time.monotonic() - started:.1f}s to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: generate.py OUT_DIR")
    main(sys.argv[1])
