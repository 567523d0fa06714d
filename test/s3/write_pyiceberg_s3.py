"""Writes a table into an S3-compatible server with PyIceberg 0.12 (a SqlCatalog whose warehouse is
s3://, reached through s3.endpoint), then reads it back with PyIceberg and prints, as one JSON object,
the metadata location and PyIceberg's rows (the S3 test compares iceberg-rx's rows with them).

Usage: write_pyiceberg_s3.py ENDPOINT WORKDIR BUCKET
"""
import datetime
import json
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import BooleanType, DateType, DoubleType, ListType, LongType, NestedField, StringType

endpoint, workdir, bucket = sys.argv[1:4]
props = {
    "s3.endpoint": endpoint,
    "s3.access-key-id": "testing",
    "s3.secret-access-key": "testing",
    "s3.region": "us-east-1",
}
catalog = SqlCatalog("moto", uri=f"sqlite:///{workdir}/catalog.db", warehouse=f"s3://{bucket}/warehouse", **props)
catalog.create_namespace("ns")
schema = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "score", DoubleType(), required=False),
    NestedField(4, "ok", BooleanType(), required=False),
    NestedField(5, "day", DateType(), required=False),
    NestedField(6, "tags", ListType(7, LongType(), element_required=False), required=False),
)
spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"))
table = catalog.create_table("ns.events", schema=schema, partition_spec=spec)
arrow_schema = table.schema().as_arrow()


def batch(start, n):
    return pa.Table.from_pylist(
        [
            {
                "id": i,
                "category": ["a", "b", None, "c/d e"][i % 4],
                "score": None if i % 7 == 0 else i * 0.5,
                "ok": i % 3 == 0,
                "day": datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
                "tags": None if i % 5 == 0 else list(range(i % 3)),
            }
            for i in range(start, start + n)
        ],
        schema=arrow_schema,
    )


table.append(batch(0, 300))
table.append(batch(300, 200))
table.delete("id >= 100 and id < 120")
table = catalog.load_table("ns.events")


def jsonable(v):
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


rows = [{k: jsonable(v) for k, v in r.items()} for r in table.scan().to_arrow().to_pylist()]
print(json.dumps({"metadata_location": table.metadata_location, "rows": rows}))
