"""A simulated OB Go server node for tests and ``obnotify --demo``.

:class:`SimNode` serves the socket and the REST API (:mod:`obnotify.demo.rest`)
on one loopback port and behaves like a real openbazaar-go node, quirks
included, or misbehaves as its :class:`~obnotify.demo.faults.Faults` say, and
keeps a :class:`~obnotify.demo.journal.Journal` of what it was asked and sent;
:class:`ThreadedSimNode` runs it in a background thread with blocking calls;
:class:`FrameFactory` builds every frame in either server generation;
:mod:`obnotify.demo.scenario` seeds a node and plays every event kind;
:class:`obnotify.demo.mobazha.MobazhaSimNode` speaks Mobazha instead
(``obnotify --demo --kind mobazha``).
"""

from __future__ import annotations

from obnotify.demo.frames import (
    NOTIFICATION_TYPES,
    PUSH_ONLY_TYPES,
    Balance,
    FrameFactory,
    Generation,
    Thumbnail,
    currency_info,
)
from obnotify.demo.gojson import dumps as go_dumps
from obnotify.demo.node import COOKIE_NAME, DEFAULT_PEER_ID, AuthMode, SimNode
from obnotify.demo.sanitize import sanitize_html, sanitize_value
from obnotify.demo.threaded import ThreadedSimNode

__all__ = [
    "COOKIE_NAME",
    "DEFAULT_PEER_ID",
    "NOTIFICATION_TYPES",
    "PUSH_ONLY_TYPES",
    "AuthMode",
    "Balance",
    "FrameFactory",
    "Generation",
    "SimNode",
    "ThreadedSimNode",
    "Thumbnail",
    "currency_info",
    "go_dumps",
    "sanitize_html",
    "sanitize_value",
]
