"""Builds the PyIceberg tables whose schema or contents change across snapshots (evolution, overwrite, delete)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.expressions.parser import parse
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.types import DoubleType, FloatType, IntegerType, LongType, NestedField, StringType, StructType

from tables import Built, ScanSpec, current_snapshot_id, optional_field


def _append(table: Table, columns: dict[str, list[Any]]) -> None:
    table.append(pa.Table.from_pydict(columns, schema=table.schema().as_arrow()))


def build_evolution(catalog: Catalog, version: int) -> Built:
    schema = Schema(
        optional_field(1, "id", IntegerType()),
        optional_field(2, "f", FloatType()),
        optional_field(3, "name", StringType()),
        optional_field(4, "extra", StringType()),
        optional_field(5, "st", StructType(optional_field(6, "a", IntegerType()))),
    )
    table = catalog.create_table(f"db.evolution_v{version}", schema=schema, properties={"format-version": str(version)})
    built = Built(table, ["add column", "add nested field", "rename", "drop", "promote int→long", "promote float→double", "reorder"], [])
    _append(table, {"id": [1, 2, 3], "f": [0.5, None, 2.25], "name": ["one", "two", None], "extra": ["x1", None, "x3"],
                    "st": [{"a": 1}, None, {"a": 3}]})
    built.snapshots["v0"] = current_snapshot_id(table)

    with table.update_schema() as update:
        update.add_column("added", StringType())
        update.add_column(("st", "b"), LongType())
    _append(table, {"id": [4, 5], "f": [4.5, 5.5], "name": ["four", "five"], "extra": ["x4", "x5"],
                    "st": [{"a": 4, "b": 40}, {"a": None, "b": None}], "added": ["add4", None]})
    built.snapshots["added"] = current_snapshot_id(table)

    with table.update_schema() as update:
        update.rename_column("name", "label")
        update.rename_column(("st", "a"), "alpha")
    _append(table, {"id": [6], "f": [6.5], "label": ["six"], "extra": ["x6"], "st": [{"alpha": 6, "b": 60}], "added": ["add6"]})
    built.snapshots["renamed"] = current_snapshot_id(table)

    with table.update_schema() as update:
        update.delete_column("extra")
    _append(table, {"id": [7, 8], "f": [7.5, None], "label": ["seven", "eight"], "st": [None, {"alpha": 8, "b": 80}],
                    "added": [None, "add8"]})
    built.snapshots["dropped"] = current_snapshot_id(table)

    with table.update_schema() as update:
        update.update_column("id", LongType())
        update.update_column("f", DoubleType())
    _append(table, {"id": [2**40, -(2**35)], "f": [1e300, 0.1], "label": ["big", "small"], "st": [{"alpha": 9, "b": 2**60}, None],
                    "added": ["add9", "add10"]})
    built.snapshots["promoted"] = current_snapshot_id(table)

    with table.update_schema() as update:
        update.move_first("added")
        update.move_after("f", "label")
    _append(table, {"added": ["add11"], "id": [11], "label": ["eleven"], "f": [11.5], "st": [{"alpha": 11, "b": 110}]})

    built.scans = [
        ScanSpec("full"),
        ScanSpec("projection", select=["label", "id"]),
        ScanSpec("filter promoted long", filter="id > 5"),
        ScanSpec("filter added column null", filter="added is null"),
        ScanSpec("filter renamed column", filter="label like 's%'"),
        ScanSpec("filter promoted double", filter="f > 3.0"),
        ScanSpec("snapshot before any change", snapshot="v0"),
        ScanSpec("snapshot after rename", snapshot="renamed"),
        ScanSpec("snapshot after drop", snapshot="dropped", filter="id >= 2"),
        ScanSpec("limit", limit=4),
    ]
    return built


def build_mutations(catalog: Catalog, version: int) -> Built:
    schema = Schema(NestedField(1, "id", LongType(), required=True), optional_field(2, "cat", StringType()), optional_field(3, "v", DoubleType()))
    properties = {"format-version": str(version)}
    if version >= 2:
        properties["write.delete.mode"] = "copy-on-write"
    table = catalog.create_table(f"db.mutations_v{version}", schema=schema, properties=properties)
    built = Built(table, ["several appends", "delete by filter", "overwrite by filter", "full overwrite", "tags"], [])

    def rows(ids: list[int]) -> dict[str, list[Any]]:
        return {"id": ids, "cat": [["a", "b", "c"][i % 3] for i in ids], "v": [i * 1.5 for i in ids]}

    _append(table, rows(list(range(0, 10))))
    built.snapshots["first"] = current_snapshot_id(table)
    _append(table, rows(list(range(10, 20))))
    _append(table, rows(list(range(20, 30))))
    built.snapshots["before_delete"] = current_snapshot_id(table)
    table.manage_snapshots().create_tag(built.snapshots["before_delete"], "before_delete").commit()
    table.delete(parse("id < 5 or cat = 'c'"))
    built.snapshots["deleted"] = current_snapshot_id(table)
    table.overwrite(pa.Table.from_pydict(rows([100, 101, 103]), schema=table.schema().as_arrow()), overwrite_filter=parse("cat = 'b'"))
    built.snapshots["overwritten"] = current_snapshot_id(table)
    table.manage_snapshots().create_tag(built.snapshots["overwritten"], "after_overwrite").commit()
    table.overwrite(pa.Table.from_pydict(rows([200, 201]), schema=table.schema().as_arrow()))
    _append(table, rows([300, 301, 302]))

    built.scans = [
        ScanSpec("full"),
        ScanSpec("first snapshot", snapshot="first"),
        ScanSpec("tag before delete", ref="before_delete"),
        ScanSpec("after delete", snapshot="deleted"),
        ScanSpec("after delete filtered", snapshot="deleted", filter="v > 20.0"),
        ScanSpec("tag after overwrite", ref="after_overwrite"),
        ScanSpec("filter", filter="cat in ('a', 'b')"),
        ScanSpec("limit", limit=2),
    ]
    return built


def build_upgraded(catalog: Catalog) -> Built:
    """A v1 table upgraded to v2 in place: v1 manifests (no sequence numbers) live on beside v2 ones."""
    schema = Schema(NestedField(1, "id", LongType(), required=True), optional_field(2, "cat", StringType()), optional_field(3, "v", DoubleType()))
    table = catalog.create_table("db.upgraded_v1_to_v2", schema=schema, properties={"format-version": "1"})
    built = Built(table, ["format upgrade v1 → v2", "case-insensitive names"], [])

    def rows(ids: list[int]) -> dict[str, list[Any]]:
        return {"id": ids, "cat": [["a", "b", None][i % 3] for i in ids], "v": [i / 4 for i in ids]}

    _append(table, rows(list(range(0, 12))))
    built.snapshots["v1"] = current_snapshot_id(table)
    with table.transaction() as transaction:
        transaction.upgrade_table_version(2)
    _append(table, rows(list(range(12, 24))))
    built.snapshots["upgraded"] = current_snapshot_id(table)
    table.delete(parse("id >= 20 or cat = 'b'"))
    _append(table, rows(list(range(24, 30))))
    built.scans = [
        ScanSpec("full"),
        ScanSpec("v1 snapshot", snapshot="v1"),
        ScanSpec("first v2 snapshot", snapshot="upgraded", filter="v > 1.0"),
        ScanSpec("filter", filter="cat is null or id < 3"),
        ScanSpec("case-insensitive select and filter", select=["ID", "Cat"], filter="CAT = 'a'", case_sensitive=False),
    ]
    return built
