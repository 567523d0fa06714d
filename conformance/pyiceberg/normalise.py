"""Turns PyArrow tables read by PyIceberg into JSON rows in iceberg-rx's NDJSON value encoding."""

from __future__ import annotations

import base64
import ctypes
import datetime as dt
import decimal
import math
import uuid
from typing import Any

import pyarrow as pa

# JavaScript's Number.MAX_SAFE_INTEGER: larger magnitudes are written as strings.
MAX_SAFE_INTEGER = 2**53 - 1
EPOCH = dt.datetime(1970, 1, 1)


def _int(value: int) -> Any:
    return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else str(value)


def _float(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _float32(value: float) -> Any:
    """The shortest decimal that reads back as the same float32 (0.1f gives 0.1, as iceberg-rx prints it)."""
    if math.isnan(value) or math.isinf(value) or (value.is_integer() and abs(value) <= 2**24):
        return _float(value)
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits - 1}e}")
        if ctypes.c_float(candidate).value == value:
            return candidate
    return value


def _date(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _time(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"


def _epoch_text(units: int, per_second: int, digits: int, zulu: bool) -> str:
    seconds, fraction = divmod(units, per_second)
    moment = EPOCH + dt.timedelta(seconds=seconds)
    text = f"{_date(moment.date())}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{fraction:0{digits}d}"
    return text + ("Z" if zulu else "")


def _timestamp_column(array: pa.Array, unit_type: pa.TimestampType) -> list[Any]:
    """Formats a timestamp column from its raw epoch integers (no Python datetime range or ns limits)."""
    per_second, digits = {"us": (1_000_000, 6), "ns": (1_000_000_000, 9), "ms": (1000, 3), "s": (1, 0)}[unit_type.unit]
    zulu = unit_type.tz is not None
    raw = array.cast(pa.int64()).to_pylist()
    return [None if v is None else _epoch_text(v, per_second, digits, zulu) for v in raw]


def normalise_column(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """Returns the column's values in the NDJSON encoding (one entry per row, None for null)."""
    if isinstance(array, pa.ChunkedArray):
        array = pa.concat_arrays(array.chunks) if array.num_chunks else pa.array([], type=array.type)
    typ = array.type
    if isinstance(typ, pa.ExtensionType):
        if typ.extension_name == "arrow.uuid":
            return [None if v is None else str(uuid.UUID(bytes=v)) for v in array.storage.to_pylist()]
        return normalise_column(array.storage)
    if pa.types.is_timestamp(typ):
        return _timestamp_column(array, typ)
    if pa.types.is_struct(typ):
        children = {typ.field(i).name: normalise_column(array.field(i)) for i in range(typ.num_fields)}
        valid = array.is_valid().to_pylist()
        return [
            {name: values[row] for name, values in children.items()} if valid[row] else None
            for row in range(len(array))
        ]
    if pa.types.is_map(typ):
        keys = normalise_column(array.keys)
        items = normalise_column(array.items)
        offsets = array.offsets.to_pylist()
        valid = array.is_valid().to_pylist()
        return [
            [{"key": keys[i], "value": items[i]} for i in range(offsets[row], offsets[row + 1])] if valid[row] else None
            for row in range(len(array))
        ]
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        elements = normalise_column(array.values)
        offsets = array.offsets.to_pylist()
        valid = array.is_valid().to_pylist()
        return [elements[offsets[row] : offsets[row + 1]] if valid[row] else None for row in range(len(array))]
    if pa.types.is_float32(typ):
        return [None if v is None else _float32(v) for v in array.to_pylist()]
    if pa.types.is_dictionary(typ):
        return normalise_column(array.dictionary_decode())
    return [None if v is None else _scalar(v) for v in array.to_pylist()]


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):  # before date: datetime is a date
        raise TypeError("timestamps are formatted from raw epoch values")
    if isinstance(value, dt.date):
        return _date(value)
    if isinstance(value, dt.time):
        return _time(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, str):
        return value
    raise TypeError(f"no NDJSON encoding for {type(value).__name__}")


def normalise_table(table: pa.Table) -> list[dict[str, Any]]:
    """Returns the rows of an Arrow table as JSON objects keyed by top-level column name."""
    columns = {name: normalise_column(table.column(i)) for i, name in enumerate(table.column_names)}
    return [{name: values[row] for name, values in columns.items()} for row in range(table.num_rows)]
