"""The user's settings file: which nodes to watch and how to be notified.

``config.toml`` in the platform's config dir (``$XDG_CONFIG_HOME/obnotify`` on Linux). User
choices live here; machine state (cursors, seen ids, balances) lives in the store. Passwords
are never here: they are in the OS keyring.

One module a job, so that each caller loads only what it needs: the typed values
(:mod:`.values`), where the file is and the tray style read before the icon shows
(:mod:`.location`), what a new file holds (:mod:`.example`), what the file may hold
(:mod:`.schema`), the checks of what a user types, with messages that say what to fix
(:mod:`.validation`), reading with the standard library (:mod:`.reading`), and writing with
tomlkit, which keeps the user's comments and order (:mod:`.writing`). The app reads the file
at every start but writes it only when the user changes something, so tomlkit is loaded then.
"""
