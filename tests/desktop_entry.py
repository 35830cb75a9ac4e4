"""Reading a desktop entry's Exec line back into the program and its arguments.

As the Desktop Entry spec reads it: the value's string escapes first (``\\s``, ``\\n``,
``\\t``, ``\\r``, ``\\\\``), then the quoting of arguments (inside double quotes a backslash
escapes ``"``, `````, ``$`` and ``\\``), then ``%%`` as ``%``. Only the
standard library: the installed-package test uses it too.
"""

from __future__ import annotations

import re

__all__ = ["entry_value", "exec_argv"]

_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s"]+)')


def entry_value(entry: str, key: str) -> str:
    """The raw value of ``key`` in the entry's [Desktop Entry] group; KeyError if absent."""
    for line in entry.splitlines():
        name, equals, value = line.partition("=")
        if equals and name.strip() == key:
            return value.strip()
    raise KeyError(key)


def exec_argv(entry: str) -> list[str]:
    """The entry's Exec line as the argument vector a launcher starts."""
    value = re.sub(r"\\(.)", lambda match: _STRING_ESCAPES[match[1]], entry_value(entry, "Exec"))
    args = []
    for quoted, bare in _ARGUMENT.findall(value):
        arg = re.sub(r"\\(.)", r"\1", quoted) if quoted else bare
        args.append(arg.replace("%%", "%"))
    return args
