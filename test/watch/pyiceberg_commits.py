"""Commits to a PyIceberg table (SqlCatalog on a local folder) while iceberg-rx watches it.

Usage: pyiceberg_commits.py <work dir> <plan JSON>

The plan is a list of steps: {"append": [ids]}, {"overwrite": [ids]} (replaces every row), or
{"sleep": seconds}. Protocol on stdout, one JSON object a line:
  {"event": "created", "location": <table folder>, "snapshot_id": <current id>}
then, after a line "go" on stdin, per append/overwrite step:
  {"event": "commit", "step": i, "ids": [...], "snapshots": [{"id", "operation"}, ...]}
where snapshots are the snapshots the step made, oldest first; finally {"event": "done"}.
"""
import json
import sys
import time
from urllib.parse import urlparse

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def rows(ids):
    return pa.table({"id": pa.array(ids, pa.int64()), "name": pa.array([f"n{i}" for i in ids], pa.string())})


def new_snapshots(table, before):
    """Snapshots after `before` along the current snapshot's parent chain, oldest first."""
    out = []
    s = table.current_snapshot()
    while s is not None and s.snapshot_id != before:
        out.append({"id": str(s.snapshot_id), "operation": s.summary.operation.value if s.summary else None})
        s = table.snapshot_by_id(s.parent_snapshot_id) if s.parent_snapshot_id is not None else None
    return list(reversed(out))


def main():
    work, plan = sys.argv[1], json.loads(sys.argv[2])
    catalog = SqlCatalog("watch", uri=f"sqlite:///{work}/catalog.db", warehouse=f"file://{work}/warehouse")
    catalog.create_namespace("ns")
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "name", StringType(), required=False))
    table = catalog.create_table("ns.events", schema=schema)
    table.append(rows([0]))
    table = catalog.load_table("ns.events")
    say({"event": "created", "location": urlparse(table.location()).path, "snapshot_id": str(table.current_snapshot().snapshot_id)})
    if sys.stdin.readline().strip() != "go":
        return
    for i, step in enumerate(plan):
        if "sleep" in step:
            time.sleep(step["sleep"])
            continue
        before = table.current_snapshot().snapshot_id
        if "append" in step:
            table.append(rows(step["append"]))
            ids = step["append"]
        else:
            table.overwrite(rows(step["overwrite"]))
            ids = step["overwrite"]
        table = catalog.load_table("ns.events")
        say({"event": "commit", "step": i, "ids": ids, "snapshots": new_snapshots(table, before)})
    say({"event": "done"})


if __name__ == "__main__":
    main()
