"""Builds the matrix of PyIceberg-written tables (types, partition transforms, schema evolution, mutations)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.transforms import (
    BucketTransform,
    DayTransform,
    HourTransform,
    IdentityTransform,
    MonthTransform,
    Transform,
    TruncateTransform,
    YearTransform,
)
from pyiceberg.types import (
    BinaryType,
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    FixedType,
    FloatType,
    IntegerType,
    ListType,
    LongType,
    MapType,
    NestedField,
    StringType,
    StructType,
    TimestampType,
    TimestamptzType,
    TimeType,
    UUIDType,
)

# Format versions PyIceberg 0.12 can write. v3: "Writing V3 is not yet supported" (iceberg-python#1551).
FORMAT_VERSIONS = (1, 2)
UTC = dt.timezone.utc


@dataclass
class ScanSpec:
    """One scan to record: iceberg-rx filter text is also parsed by PyIceberg's own SQL-like parser."""

    name: str
    select: list[str] | None = None
    filter: str | None = None
    snapshot: str | None = None  # a label registered while building ("first", "before_delete", ...)
    ref: str | None = None
    limit: int | None = None
    case_sensitive: bool = True
    # Set where PyIceberg's null semantics differ from iceberg-rx's documented ones (src/expr/expression.ts):
    # PyIceberg then runs `pyiceberg_filter`, which states the difference explicitly, and `semantics` names it.
    pyiceberg_filter: str | None = None
    semantics: str | None = None


NOT_EQUAL_NULLS = ("null rows: iceberg-rx treats != and NOT IN as false for null (SQL WHERE); "
                   "PyIceberg (like Java's Evaluator) keeps null rows, so PyIceberg runs the filter AND col IS NOT NULL")
NOT_NAN_NULLS = ("null rows: iceberg-rx (like Java's Evaluator) keeps null rows for IS NOT NAN; PyIceberg drops them "
                 "(pyarrow null propagation), so PyIceberg runs the filter OR col IS NULL")


@dataclass
class Built:
    """A table written by PyIceberg plus the scans to record and the snapshot labels seen while writing."""

    table: Table
    features: list[str]
    scans: list[ScanSpec]
    snapshots: dict[str, int] = field(default_factory=dict)


def optional_field(field_id: int, name: str, typ: Any) -> NestedField:
    """An optional (nullable) schema field."""
    return NestedField(field_id, name, typ, required=False)


def _arrow(table: Table, columns: dict[str, list[Any]]) -> pa.Table:
    return pa.Table.from_pydict(columns, schema=table.schema().as_arrow())


def current_snapshot_id(table: Table) -> int:
    """The id of the table's current snapshot (the table must have one)."""
    snapshot = table.current_snapshot()
    assert snapshot is not None
    return snapshot.snapshot_id


# ---------------------------------------------------------------- every type

TYPES_SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    optional_field(2, "b", BooleanType()),
    optional_field(3, "i", IntegerType()),
    optional_field(4, "l", LongType()),
    optional_field(5, "f", FloatType()),
    optional_field(6, "dbl", DoubleType()),
    optional_field(7, "dec", DecimalType(9, 2)),
    optional_field(8, "dec38", DecimalType(38, 10)),
    optional_field(9, "d", DateType()),
    optional_field(10, "t", TimeType()),
    optional_field(11, "ts", TimestampType()),
    optional_field(12, "tstz", TimestamptzType()),
    optional_field(13, "s", StringType()),
    optional_field(14, "u", UUIDType()),
    optional_field(15, "fx", FixedType(3)),
    optional_field(16, "bin", BinaryType()),
    optional_field(17, "st", StructType(optional_field(20, "x", IntegerType()), optional_field(21, "y", StringType()),
                              optional_field(22, "inner", StructType(optional_field(23, "z", DoubleType()))))),
    optional_field(18, "lst", ListType(24, LongType(), element_required=False)),
    optional_field(19, "mp", MapType(25, StringType(), 26, IntegerType(), value_required=False)),
    optional_field(27, "lst_st", ListType(28, StructType(optional_field(29, "k", StringType()), optional_field(30, "v", DoubleType())), element_required=False)),
)

WORDS = ["alpha", "beta", "gamma", "delta", "alpine", "", "ünïcode ☃", "with 'quote'"]
SPECIAL_FLOATS = [float("nan"), float("inf"), float("-inf"), -0.0, 1.5e-45, 3.4028234663852886e38]


def _types_rows(start: int, count: int) -> dict[str, list[Any]]:
    ids = list(range(start, start + count))
    base = dt.datetime(2024, 1, 1)

    def nullable(row: int, value: Any, every: int = 5) -> Any:
        return None if row % every == every - 1 else value

    return {
        "id": ids,
        "b": [nullable(r, r % 2 == 0, 4) for r in ids],
        "i": [nullable(r, r * 3 - 10) for r in ids],
        "l": [nullable(r, [r, 2**53 + r, -(2**62) - r, 2**63 - 1][r % 4], 7) for r in ids],
        "f": [nullable(r, SPECIAL_FLOATS[(r // 3) % 6] if r % 3 == 0 else r * 0.75) for r in ids],
        "dbl": [nullable(r, SPECIAL_FLOATS[(r // 4) % 6] if r % 4 == 1 else r / 7) for r in ids],
        "dec": [nullable(r, decimal.Decimal(r * 125 - 500).scaleb(-2)) for r in ids],
        "dec38": [nullable(r, decimal.Decimal(f"{'-' if r % 2 else ''}{r}123456789012345678.{r:010d}"), 6) for r in ids],
        "d": [nullable(r, dt.date(2024, 1, 1) + dt.timedelta(days=r * 11 - 30)) for r in ids],
        "t": [nullable(r, (base + dt.timedelta(seconds=r * 3607, microseconds=r * 13)).time()) for r in ids],
        "ts": [nullable(r, base + dt.timedelta(hours=r * 7, microseconds=r)) for r in ids],
        "tstz": [nullable(r, (base + dt.timedelta(hours=r * 5 - 24, microseconds=999_999 - r)).replace(tzinfo=UTC)) for r in ids],
        "s": [nullable(r, WORDS[r % len(WORDS)], 6) for r in ids],
        "u": [nullable(r, uuid.UUID(int=(r * 0x9E3779B97F4A7C15) % (1 << 128)).bytes) for r in ids],
        "fx": [nullable(r, bytes([r % 256, (r * 7) % 256, 255])) for r in ids],
        "bin": [nullable(r, bytes(range(r % 5))) for r in ids],
        "st": [None if r % 9 == 8 else {"x": nullable(r, r), "y": f"y{r}", "inner": None if r % 4 == 3 else {"z": r / 4}} for r in ids],
        "lst": [None if r % 8 == 7 else [r, None, r * 2][: r % 4] for r in ids],
        "mp": [None if r % 6 == 5 else [(f"k{j}", None if j == 2 else r + j) for j in range(r % 4)] for r in ids],
        "lst_st": [None if r % 5 == 4 else [{"k": f"k{r}", "v": r * 0.5}, None][: r % 3] for r in ids],
    }


def build_types(catalog: Catalog, version: int) -> Built:
    table = catalog.create_table(f"db.types_v{version}", schema=TYPES_SCHEMA, properties={"format-version": str(version)})
    built = Built(table, ["all primitive types", "struct", "list", "map", "nulls", "NaN/Infinity", "longs beyond 2^53"], [])
    for step, (start, count) in enumerate([(0, 12), (12, 20), (32, 9)]):
        table.append(_arrow(table, _types_rows(start, count)))
        built.snapshots[f"append{step + 1}"] = current_snapshot_id(table)
    table.manage_snapshots().create_tag(built.snapshots["append1"], "first").commit()
    built.scans = [
        ScanSpec("full"),
        ScanSpec("projection", select=["s", "id", "st", "mp"]),
        ScanSpec("nested projection", select=["id", "st.y", "st.inner.z", "lst_st"]),
        ScanSpec("long gt", filter="l > 20"),
        ScanSpec("long beyond 2^53", filter="l >= 9007199254740993"),
        ScanSpec("int range", filter="i >= -4 and i < 30"),
        ScanSpec("between", filter="id between 5 and 14"),
        ScanSpec("string in", filter="s in ('alpha', 'gamma', '')"),
        ScanSpec("string not in", filter="s not in ('alpha', 'beta')",
                 pyiceberg_filter="s not in ('alpha', 'beta') and s is not null", semantics=NOT_EQUAL_NULLS),
        ScanSpec("string not equal", filter="s != 'beta'", pyiceberg_filter="s != 'beta' and s is not null",
                 semantics=NOT_EQUAL_NULLS),
        ScanSpec("string is null", filter="s is null"),
        ScanSpec("string not null and like", filter="s is not null and s like 'al%'"),
        ScanSpec("not like", filter="s not like 'al%'"),
        ScanSpec("boolean", filter="b = true"),
        ScanSpec("not / or", filter="not (b = true) or i is null"),
        ScanSpec("float gt", filter="f > 3.0"),
        ScanSpec("double is nan", filter="dbl is nan"),
        ScanSpec("double not nan", filter="dbl is not nan", pyiceberg_filter="dbl is not nan or dbl is null",
                 semantics=NOT_NAN_NULLS),
        ScanSpec("decimal", filter="dec > 1.25"),
        ScanSpec("date", filter="d >= '2024-03-01'"),
        ScanSpec("timestamp", filter="ts < '2024-01-05T12:00:00'"),
        ScanSpec("timestamptz", filter="tstz >= '2024-01-03T00:00:00+00:00'"),
        ScanSpec("not equal", filter="id != 3"),
        ScanSpec("filter column not selected", select=["id", "s"], filter="i > 20"),
        ScanSpec("older snapshot", snapshot="append1"),
        ScanSpec("older snapshot filtered", snapshot="append2", filter="id > 10"),
        ScanSpec("tag", ref="first"),
        ScanSpec("limit", limit=7),
        ScanSpec("limit with filter", filter="id > 10", limit=5),
    ]
    return built


# ---------------------------------------------------------------- partition transforms

PART_SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    optional_field(2, "cat", StringType()),
    optional_field(3, "name", StringType()),
    optional_field(4, "ts", TimestampType()),
    optional_field(5, "tstz", TimestamptzType()),
    optional_field(6, "d", DateType()),
    optional_field(7, "amount", DecimalType(10, 2)),
    optional_field(8, "n", IntegerType()),
)

# name -> (source field id, transform, partition field name, filters exercising pruning on the source column)
PARTITIONINGS: dict[str, list[tuple[int, Transform[Any, Any], str]]] = {
    "identity": [(2, IdentityTransform(), "cat")],
    "bucket": [(1, BucketTransform(4), "id_bucket")],
    "truncate": [(3, TruncateTransform(2), "name_trunc"), (8, TruncateTransform(10), "n_trunc")],
    "year": [(6, YearTransform(), "d_year")],
    "month": [(4, MonthTransform(), "ts_month")],
    "day": [(5, DayTransform(), "tstz_day")],
    "hour": [(4, HourTransform(), "ts_hour")],
    "multi": [(2, IdentityTransform(), "cat"), (1, BucketTransform(3), "id_bucket"), (6, DayTransform(), "d_day")],
    # Bucket hashing and truncation of further source types: pruning on them must agree with PyIceberg.
    "bucket_string_decimal": [(3, BucketTransform(4), "name_bucket"), (7, BucketTransform(3), "amount_bucket")],
    "bucket_time": [(4, BucketTransform(3), "ts_bucket"), (6, BucketTransform(4), "d_bucket"), (5, BucketTransform(2), "tstz_bucket")],
    "truncate_decimal_bucket_int": [(7, TruncateTransform(50), "amount_trunc"), (8, BucketTransform(5), "n_bucket")],
}

# v1 differs from v2 in metadata and manifests only, so a few partitionings cover it (keeps generation fast).
V1_PARTITIONINGS = ("identity", "bucket", "day", "multi")


def _part_rows(start: int, count: int) -> dict[str, list[Any]]:
    ids = list(range(start, start + count))
    return {
        "id": ids,
        "cat": [None if r % 11 == 10 else ["a", "b", "c"][r % 3] for r in ids],
        "name": [None if r % 13 == 12 else ["apple", "apricot", "banana", "blueberry", "cherry"][r % 5] + str(r) for r in ids],
        "ts": [None if r % 17 == 16 else dt.datetime(2023, 12, 31, 22) + dt.timedelta(minutes=r * 97) for r in ids],
        "tstz": [None if r % 19 == 18 else dt.datetime(2024, 2, 28, 20, tzinfo=UTC) + dt.timedelta(hours=r * 5) for r in ids],
        "d": [None if r % 23 == 22 else dt.date(2022, 11, 30) + dt.timedelta(days=r * 29) for r in ids],
        "amount": [decimal.Decimal(r * 37 - 100).scaleb(-2) for r in ids],
        "n": [None if r % 7 == 6 else r * 4 - 40 for r in ids],
    }


PART_FILTERS = [
    ScanSpec("identity eq", filter="cat = 'a'"),
    ScanSpec("identity null", filter="cat is null"),
    ScanSpec("id range", filter="id >= 10 and id < 25"),
    ScanSpec("id in", filter="id in (1, 5, 33, 47)"),
    ScanSpec("prefix", filter="name like 'ap%'"),
    ScanSpec("int lt", filter="n < 0"),
    ScanSpec("timestamp range", filter="ts >= '2024-01-01T10:00:00' and ts < '2024-01-02T09:00:00'"),
    ScanSpec("timestamptz", filter="tstz < '2024-03-02T00:00:00+00:00'"),
    ScanSpec("date", filter="d > '2023-06-15'"),
    ScanSpec("or across columns", filter="cat = 'c' or d is null"),
    ScanSpec("string eq", filter="name = 'banana2'"),
    ScanSpec("decimal eq", filter="amount = 2.70"),
    ScanSpec("decimal in", filter="amount in (0.11, 2.70, 5.29)"),
    ScanSpec("timestamp eq", filter="ts = '2024-01-01T06:05:00'"),
    ScanSpec("timestamptz eq", filter="tstz = '2024-03-01T07:00:00+00:00'"),
    ScanSpec("date eq", filter="d = '2023-03-26'"),
    ScanSpec("int eq", filter="n = 16"),
]


def build_partitioned(catalog: Catalog, version: int, kind: str) -> Built:
    spec = PartitionSpec(*[PartitionField(source, 1000 + i, transform, name)
                           for i, (source, transform, name) in enumerate(PARTITIONINGS[kind])])
    table = catalog.create_table(f"db.part_{kind}_v{version}", schema=PART_SCHEMA, partition_spec=spec,
                                 properties={"format-version": str(version)})
    built = Built(table, [f"partitioned by {kind}"], [])
    for step, (start, count) in enumerate([(0, 25), (25, 25)]):
        table.append(_arrow(table, _part_rows(start, count)))
        built.snapshots[f"append{step + 1}"] = current_snapshot_id(table)
    if kind == "identity":
        # Replaces the whole partition cat='a' (and only it) with three new rows.
        replacement = _part_rows(500, 3)
        replacement["cat"] = ["a", "a", "a"]
        table.dynamic_partition_overwrite(_arrow(table, replacement))
        built.features.append("dynamic partition overwrite")
    built.scans = [ScanSpec("full"), ScanSpec("projection", select=["amount", "cat"]), *PART_FILTERS,
                   ScanSpec("older snapshot", snapshot="append1", filter="id > 3"), ScanSpec("limit", limit=9)]
    return built


def build_spec_evolution(catalog: Catalog, version: int) -> Built:
    table = catalog.create_table(f"db.spec_evolution_v{version}", schema=PART_SCHEMA, properties={"format-version": str(version)})
    built = Built(table, ["partition spec evolution (unpartitioned → identity → + bucket)"], [])
    table.append(_arrow(table, _part_rows(0, 15)))
    built.snapshots["unpartitioned"] = current_snapshot_id(table)
    with table.update_spec() as update:
        update.add_identity("cat")
    table.append(_arrow(table, _part_rows(15, 15)))
    built.snapshots["identity"] = current_snapshot_id(table)
    with table.update_spec() as update:
        update.add_field("id", BucketTransform(4), "id_bucket")
    table.append(_arrow(table, _part_rows(30, 15)))
    built.scans = [ScanSpec("full"), ScanSpec("identity eq", filter="cat = 'b'"), ScanSpec("id in", filter="id in (3, 17, 31, 44)"),
                   ScanSpec("older snapshot", snapshot="identity", filter="cat != 'a'")]
    return built
