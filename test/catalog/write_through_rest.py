"""Writes tables through an Iceberg REST catalog with PyIceberg 0.12, then reads each back with
PyIceberg and prints, as one JSON object, every table's name and PyIceberg's rows (the catalog
tests compare iceberg-rx's reads by name with them).

Usage:
  write_through_rest.py write  URI S3_ENDPOINT ACCESS_KEY SECRET_KEY
      namespaces rx and rx.inner; tables rx.plain (unpartitioned, two appends), rx.parted
      (identity + bucket partitions), rx.deleted (an append, a delete and an overwrite),
      rx.evolved (columns added, renamed and dropped between appends), rx.inner.deep.
  append URI S3_ENDPOINT ACCESS_KEY SECRET_KEY TABLE START COUNT
      one more append to TABLE (the refresh test commits between loadTable and refresh).
"""
import datetime
import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import BucketTransform, IdentityTransform
from pyiceberg.types import BooleanType, DateType, DoubleType, LongType, NestedField, StringType

mode, uri, endpoint, access_key, secret_key = sys.argv[1:6]
catalog = load_catalog(
    "rest",
    **{
        "type": "rest",
        "uri": uri,
        "s3.endpoint": endpoint,
        "s3.access-key-id": access_key,
        "s3.secret-access-key": secret_key,
        "s3.region": "us-east-1",
        "s3.path-style-access": "true",
    },
)

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "score", DoubleType(), required=False),
    NestedField(4, "ok", BooleanType(), required=False),
    NestedField(5, "day", DateType(), required=False),
)


def rows(start, n):
    return [
        {
            "id": i,
            "category": ["a", "b", None, "c/d e"][i % 4],
            "score": None if i % 7 == 0 else i * 0.5,
            "ok": i % 3 == 0,
            "day": datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
        }
        for i in range(start, start + n)
    ]


def append(table, start, n):
    table.append(pa.Table.from_pylist(rows(start, n), schema=table.schema().as_arrow()))


def jsonable(v):
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def read(name):
    table = catalog.load_table(name)
    out = [{k: jsonable(v) for k, v in r.items()} for r in table.scan().to_arrow().to_pylist()]
    return {"name": name, "snapshots": len(table.metadata.snapshots), "rows": out}


if mode == "append":
    name, start, count = sys.argv[6], int(sys.argv[7]), int(sys.argv[8])
    append(catalog.load_table(name), start, count)
    print(json.dumps(read(name)))
    sys.exit(0)

catalog.create_namespace("rx")
catalog.create_namespace(("rx", "inner"))

plain = catalog.create_table("rx.plain", schema=SCHEMA)
append(plain, 0, 150)
append(plain, 150, 100)

spec = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"),
    PartitionField(source_id=1, field_id=1001, transform=BucketTransform(4), name="id_bucket"),
)
parted = catalog.create_table("rx.parted", schema=SCHEMA, partition_spec=spec)
append(parted, 0, 200)
append(parted, 1000, 40)

deleted = catalog.create_table("rx.deleted", schema=SCHEMA, properties={"format-version": "2"})
append(deleted, 0, 300)
deleted.delete(And(GreaterThanOrEqual("id", 100), LessThan("id", 130)))
deleted = catalog.load_table("rx.deleted")
replacement = pa.Table.from_pylist([{**r, "score": -1.0} for r in rows(0, 10)], schema=deleted.schema().as_arrow())
deleted.overwrite(replacement, overwrite_filter=LessThan("id", 10))

evolved = catalog.create_table("rx.evolved", schema=SCHEMA)
append(evolved, 0, 60)
with evolved.update_schema() as update:
    update.add_column("note", StringType())
    update.rename_column("score", "points")
evolved = catalog.load_table("rx.evolved")
batch = pa.Table.from_pylist([{**r, "points": r.pop("score"), "note": f"n{r['id']}"} for r in rows(60, 40)], schema=evolved.schema().as_arrow())
evolved.append(batch)
with evolved.update_schema() as update:
    update.delete_column("ok")

deep = catalog.create_table("rx.inner.deep", schema=SCHEMA)
append(deep, 0, 20)

print(json.dumps({"tables": [read(n) for n in ["rx.plain", "rx.parted", "rx.deleted", "rx.evolved", "rx.inner.deep"]]}))
