"""The per-node SQLite store: history, seen keys, the catch-up cursor, small state, profiles.

One file per node (:class:`obnotify.store.database.Store`), its rows one type
(:class:`obnotify.store.row.HistoryRow`), its schema an append-only list of
migrations (:mod:`obnotify.store.schema`). The row and the errors
(:mod:`obnotify.store.errors`) load without SQLite, so the window can name them.
"""
