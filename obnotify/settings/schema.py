"""What the settings file may hold, described once as msgspec structs (:class:`SettingsFile`).

A value of the wrong kind or out of range is refused with a message naming the key and what
it should be, both read from this description, so the message and the check cannot
disagree; a key the description does not know is a warning with the nearest known one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import msgspec

from obnotify.core.policy import BURST_LIMIT, Delivery
from obnotify.core.render import Category
from obnotify.core.tray_state import TrayStyle
from obnotify.settings.validation import shown
from obnotify.settings.values import BURST_LIMITS, HISTORY_LIMIT, HISTORY_LIMITS

__all__ = [
    "CATEGORIES",
    "NodeTable",
    "NotificationsTable",
    "SettingsFile",
    "UnknownKey",
    "schema_problem",
    "unknown_keys",
]

AuthKind = Literal["none", "basic", "cookie"]
TlsKind = Literal["system", "ca", "pin"]
NodeKind = Literal["ob", "mobazha", "auto"]
"""The protocol a node speaks (:data:`obnotify.node.config.KINDS`); "auto" asks the node."""
HistoryLimit = Annotated[int, msgspec.Meta(ge=HISTORY_LIMITS[0], le=HISTORY_LIMITS[1])]
BurstLimit = Annotated[int, msgspec.Meta(ge=BURST_LIMITS[0], le=BURST_LIMITS[1])]


class NodeTable(msgspec.Struct):
    """One ``[[node]]`` as the file may hold it."""

    url: str = ""
    name: str = ""
    enabled: bool = True
    auth: AuthKind | Literal[""] = ""
    user: str = ""
    cookie_file: str = ""
    tls: TlsKind | Literal[""] = ""
    ca: str = ""
    pin: str = ""
    proxy: str = ""
    allow_insecure_auth: bool = False
    kind: NodeKind = "ob"


class NotificationsTable(msgspec.Struct):
    """``[notifications]``, with its ``delivery`` and ``sound`` tables by category."""

    privacy: bool = False
    quiet_hours: str = ""
    burst_limit: BurstLimit = BURST_LIMIT
    critical_sticky: bool = False
    delivery: dict[str, Delivery] = msgspec.field(default_factory=dict)
    sound: dict[str, bool] = msgspec.field(default_factory=dict)
    muted: list[str] = msgspec.field(default_factory=list)
    """The categories ``history`` stood for before ``delivery`` existed."""


class GeneralTable(msgspec.Struct):
    start_at_login: bool = False
    history_limit: HistoryLimit | None = None
    tray_style: TrayStyle = TrayStyle.COLOUR


class OldHistoryTable(msgspec.Struct):
    """``[history] limit``, which ``[general] history_limit`` replaced."""

    limit: HistoryLimit = HISTORY_LIMIT


class SettingsFile(msgspec.Struct):
    """The whole settings file: the one description its values are checked against."""

    node: list[NodeTable] | NodeTable = msgspec.field(default_factory=list)
    notifications: NotificationsTable = msgspec.field(default_factory=NotificationsTable)
    general: GeneralTable = msgspec.field(default_factory=GeneralTable)
    history: OldHistoryTable = msgspec.field(default_factory=OldHistoryTable)


CATEGORIES: Final = tuple(c.value for c in Category)
"""The keys of ``[notifications.delivery]`` and ``[notifications.sound]``."""
_TABLES: Final[dict[str, tuple[str, ...]]] = {
    "": tuple(f.name for f in msgspec.structs.fields(SettingsFile)),
    "node": tuple(f.name for f in msgspec.structs.fields(NodeTable)),
    "notifications": tuple(f.name for f in msgspec.structs.fields(NotificationsTable)),
    "notifications.delivery": CATEGORIES,
    "notifications.sound": CATEGORIES,
    "general": tuple(f.name for f in msgspec.structs.fields(GeneralTable)),
    "history": tuple(f.name for f in msgspec.structs.fields(OldHistoryTable)),
}
"""The keys each table knows, read from the description above."""


@dataclass(frozen=True)
class UnknownKey:
    """A key of the settings file that obnotify does not know, and so ignores."""

    place: str
    """Where it is: ``the top level``, ``[notifications]``, ``node 2``, ..."""
    key: str
    hint: str
    """The nearest known key (``did you mean 'url'?``) or the keys known there."""

    def __str__(self) -> str:
        return f"{self.place}: unknown key '{self.key}' is ignored; {self.hint}"


def _unknown(table: object, known: tuple[str, ...], place: str) -> list[UnknownKey]:
    """Each key of ``table`` not in ``known``, with the nearest known one."""
    if not isinstance(table, Mapping):
        return []
    out = []
    for key in table:
        if key in known:
            continue
        near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean '{near[0]}'?" if near else f"known keys: {', '.join(known)}."
        out.append(UnknownKey(place, str(key), hint))
    return out


def unknown_keys(data: Mapping[str, Any]) -> list[UnknownKey]:
    """The keys of the parsed file obnotify ignores, each with its place and a hint."""
    found = _unknown(data, _TABLES[""], "the top level")
    nodes = data.get("node")
    for i, table in enumerate(nodes if isinstance(nodes, list) else [nodes]):
        found += _unknown(table, _TABLES["node"], f"node {i + 1}")
    for name in ("notifications", "general", "history"):
        table = data.get(name)
        found += _unknown(table, _TABLES[name], f"[{name}]")
        if name == "notifications" and isinstance(table, Mapping):
            for sub in ("delivery", "sound"):
                place = f"notifications.{sub}"
                found += _unknown(table.get(sub), _TABLES[place], f"[{place}]")
    return found


def _should_be(kind: msgspec.inspect.Type) -> str:
    """What a value of this declared type is, in the words of someone editing the file."""
    mi = msgspec.inspect
    if isinstance(kind, mi.UnionType):
        kinds = [k for k in kind.types if not isinstance(k, mi.NoneType)]
        if len(kinds) == 1:
            return _should_be(kinds[0])
        if all(isinstance(k, mi.LiteralType) for k in kinds):
            return _should_be(mi.LiteralType(tuple(v for k in kinds for v in k.values)))  # type: ignore[attr-defined]
        return "one or more [[node]] tables (two brackets each)"
    if isinstance(kind, mi.BoolType):
        return "true or false"
    if isinstance(kind, mi.StrType):
        return 'text in quotes, e.g. "value"'
    if isinstance(kind, mi.IntType):
        return f"a whole number from {kind.ge} to {kind.le}"
    if isinstance(kind, mi.LiteralType):
        return "one of " + ", ".join(repr(v) for v in kind.values if v != "")
    if isinstance(kind, mi.EnumType):
        return "one of " + ", ".join(repr(member.value) for member in kind.cls)
    if isinstance(kind, mi.ListType):
        return 'a list in brackets, e.g. ["chat", "funds"]'
    if isinstance(kind, mi.DictType):
        return f"a table whose values are each {_should_be(kind.value_type)}"
    return "a table"


def schema_problem(path: Path, data: Mapping[str, Any], error: msgspec.ValidationError) -> str:
    """The message for a value of the wrong type or out of range: where, and what it should be.

    msgspec names where the value is (``$.node[0].url``); what it should be is read from
    :class:`SettingsFile`, so the message and the check cannot disagree.
    """
    mi = msgspec.inspect
    match = re.search(r" - at `\$(.*)`$", str(error))
    steps = re.findall(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]", match.group(1)) if match else []
    kind: mi.Type = mi.type_info(SettingsFile)
    value: object = data
    names: list[str] = []
    node = ""
    for field_name, index in steps:
        if isinstance(kind, mi.UnionType):
            # ``node`` is a list of tables or a single one: follow what the file has.
            want = mi.ListType if isinstance(value, list) else mi.StructType
            kind = next(k for k in kind.types if isinstance(k, want))
        if field_name and isinstance(kind, mi.StructType):
            kind = next(f.type for f in kind.fields if f.encode_name == field_name)
            value = value.get(field_name) if isinstance(value, Mapping) else None
            names.append(field_name)
        elif index == "..." and isinstance(kind, mi.DictType):
            inner = kind.value_type
            bad = [
                k
                for k, v in (value.items() if isinstance(value, Mapping) else ())
                if not _fits(v, inner)
            ]
            names.append(str(bad[0]) if bad else "...")
            value = value.get(bad[0]) if bad and isinstance(value, Mapping) else None
            kind = inner
        elif index.isdigit() and isinstance(kind, mi.ListType):
            kind = kind.item_type
            value = (
                value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            )
            if names == ["node"]:
                node, names = f"node {int(index) + 1}", []
            else:
                names[-1] += f"[{index}]"
    table, key = ".".join(names[:-1]), (names[-1] if names else "")
    if node:
        where = f"{node}, {key}" if key else node
    elif table:
        where = f"[{table}] {key}"
    else:
        where = f"[{key}]" if isinstance(kind, (mi.StructType, mi.UnionType)) else key
    return f"{path}: {where} must be {_should_be(kind)}, not {shown(value)}."


def _fits(value: object, kind: msgspec.inspect.Type) -> bool:
    """Whether one value passes its declared type (to name the bad key of a table)."""
    if isinstance(kind, msgspec.inspect.LiteralType):
        return value in kind.values
    if isinstance(kind, msgspec.inspect.EnumType):
        return value in {member.value for member in kind.cls}
    if isinstance(kind, msgspec.inspect.BoolType):
        return isinstance(value, bool)
    return True
