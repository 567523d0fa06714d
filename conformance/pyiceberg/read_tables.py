"""Scans tables written by iceberg-rx's test builder with PyIceberg and prints the rows as JSON (NDJSON value encoding).

Usage: .venv/bin/python read_tables.py < request.json > result.json
Request: {"tables": [{"metadataLocation": "/abs/path/vN.metadata.json",
                      "scans": [{"select": [..]|null, "filter": "text"|null, "snapshotId": "id"|null,
                                 "ref": "name"|null, "limit": n|null, "caseSensitive": bool}]}]}
Result:  {"writer": "...", "tables": [{"scans": [{"columns": [..], "rows": [..]} | {"error": "Type: message"}]}]}
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pyiceberg
from pyiceberg.expressions import AlwaysTrue
from pyiceberg.expressions.parser import parse
from pyiceberg.table import StaticTable

from normalise import normalise_table


def scan_table(metadata_location: str, scan: dict[str, Any]) -> dict[str, Any]:
    """Runs one scan with PyIceberg; a failure is reported as {"error"} so the caller can name the limitation."""
    try:
        table = StaticTable.from_metadata(metadata_location)
        snapshot_id = int(scan["snapshotId"]) if scan.get("snapshotId") else None
        if scan.get("ref"):
            snapshot_id = table.metadata.refs[scan["ref"]].snapshot_id
        result = table.scan(
            row_filter=parse(scan["filter"]) if scan.get("filter") else AlwaysTrue(),
            selected_fields=tuple(scan["select"]) if scan.get("select") else ("*",),
            snapshot_id=snapshot_id,
            limit=scan.get("limit"),
            case_sensitive=scan.get("caseSensitive", True),
        ).to_arrow()
        return {"columns": result.column_names, "rows": normalise_table(result)}
    except Exception as error:  # noqa: BLE001 - every failure is reported to the test, which decides
        return {"error": f"{type(error).__name__}: {error}"}


def main() -> None:
    request = json.load(sys.stdin)
    tables = [
        {"scans": [scan_table(entry["metadataLocation"], scan) for scan in entry["scans"]]}
        for entry in request["tables"]
    ]
    json.dump({"writer": f"pyiceberg {pyiceberg.__version__}", "tables": tables}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
