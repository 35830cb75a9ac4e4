"""JSON and timestamps written the way the OB Go server writes them.

The node marshals maps with Go's ``encoding/json``: keys sorted, four-space
indent, ``<`` ``>`` ``&`` written as ``\\u003c`` ``\\u003e`` ``\\u0026``, other
non-ASCII text left as UTF-8. A client that only passes tests against
Python's own ``json.dumps`` output can break on the real thing, so the
simulated node writes every byte the Go way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

__all__ = ["drop_nulls", "dumps", "quote", "rfc3339_nano", "rfc3339_seconds"]

INDENT: Final = "    "

_SHORT_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NEEDS_ESCAPE: Final = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')
_GO_FLOAT_FIXED_LIMIT: Final = 1e21
"""Go writes floats below this magnitude without an exponent."""


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return f"\\u{ord(char):04x}"


def quote(text: str) -> str:
    """A JSON string literal with Go's escaping (HTML-safe, ``\\u0008`` not ``\\b``)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"JSON has no {value!r}")
    if value.is_integer() and abs(value) < _GO_FLOAT_FIXED_LIMIT:
        return str(int(value))
    return repr(value)


def _write(value: Any, depth: int, sort_keys: bool, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(quote(value))
    elif isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
        if not items:
            out.append("{}")
            return
        if sort_keys:
            items.sort(key=lambda kv: kv[0])
        inner = "\n" + INDENT * (depth + 1)
        out.append("{")
        for index, (key, item) in enumerate(items):
            out.append(("," if index else "") + inner + quote(key) + ": ")
            _write(item, depth + 1, sort_keys, out)
        out.append("\n" + INDENT * depth + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = "\n" + INDENT * (depth + 1)
        out.append("[")
        for index, item in enumerate(value):
            out.append(("," if index else "") + inner)
            _write(item, depth + 1, sort_keys, out)
        out.append("\n" + INDENT * depth + "]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any, *, sort_keys: bool = True) -> str:
    """``value`` as Go's ``json.MarshalIndent(v, "", "    ")`` writes it.

    Args:
        value: JSON-like data (dicts, lists, str, int, float, bool, None).
        sort_keys: Go sorts map keys; protobuf messages (the profile endpoint)
            keep their field order instead, which ``False`` reproduces.
    """
    out: list[str] = []
    _write(value, 0, sort_keys, out)
    return "".join(out)


def drop_nulls(value: Any) -> Any:
    """A copy of ``value`` without the dict keys whose value is None, at every depth.

    The node's sanitiser deletes such keys, so "missing" is how the wire says
    "empty"; None inside a list stays as ``null``.
    """
    if isinstance(value, Mapping):
        return {str(k): drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [drop_nulls(v) for v in value]
    return value


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def rfc3339_nano(moment: datetime) -> str:
    """Go's ``time.RFC3339Nano``: fraction without trailing zeros, zone or ``Z``.

    Naive datetimes are taken as UTC.
    """
    moment = _aware(moment)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return stamp + ("." + fraction if fraction else "") + _zone(moment)


def rfc3339_seconds(moment: datetime) -> str:
    """Whole seconds in UTC with ``Z``, as ``GET /ob/notifications`` writes timestamps."""
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
