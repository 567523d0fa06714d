"""Writes tables with PyIceberg 0.12's SqlCatalog on SQLite, as its quick-start does (a
pyiceberg_catalog.db file and a local warehouse), and prints PyIceberg's rows as one JSON object.

Usage:
  write_sql_catalog.py write WORKDIR          namespaces docs, docs.inner; tables docs.taxis (two
                                              appends and a delete), docs.inner.small
  write_sql_catalog.py append WORKDIR START N one more append to docs.taxis
"""
import datetime
import json
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import DateType, DoubleType, LongType, NestedField, StringType

mode, workdir = sys.argv[1:3]
catalog = SqlCatalog("default", uri=f"sqlite:///{workdir}/pyiceberg_catalog.db", warehouse=f"file://{workdir}/warehouse")
SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "zone", StringType(), required=False),
    NestedField(3, "fare", DoubleType(), required=False),
    NestedField(4, "day", DateType(), required=False),
)


def append(table, start, n):
    rows = [
        {"id": i, "zone": ["north", "south", None][i % 3], "fare": None if i % 5 == 0 else i * 1.25, "day": datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 40)}
        for i in range(start, start + n)
    ]
    table.append(pa.Table.from_pylist(rows, schema=table.schema().as_arrow()))


def read(name):
    table = catalog.load_table(name)
    rows = [{k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in r.items()} for r in table.scan().to_arrow().to_pylist()]
    return {"name": name, "rows": rows}


if mode == "append":
    append(catalog.load_table("docs.taxis"), int(sys.argv[3]), int(sys.argv[4]))
    print(json.dumps(read("docs.taxis")))
    sys.exit(0)

catalog.create_namespace("docs")
catalog.create_namespace(("docs", "inner"))
taxis = catalog.create_table("docs.taxis", schema=SCHEMA)
append(taxis, 0, 120)
append(taxis, 120, 80)
taxis.delete("id < 15")
small = catalog.create_table("docs.inner.small", schema=SCHEMA)
append(small, 0, 7)
print(json.dumps({"tables": [read("docs.taxis"), read("docs.inner.small")]}))
