"""A keyring backend for end-to-end tests: entries kept in one JSON file the test chooses.

The app is started with ``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring`` and this folder on
its ``PYTHONPATH``; ``OBNOTIFY_TEST_KEYRING_FILE`` names the file. The test puts that file
outside the app's home and XDG folders, so a scan of those folders for a password finds what the
app itself wrote there and not the keyring's own store, and the test can read the file to see
that the password went to the keyring. The keyring itself is used through keyring's own API, as
with any real backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

KEYRING_FILE_VARIABLE = "OBNOTIFY_TEST_KEYRING_FILE"


def stored_entries(path: Path) -> dict[str, dict[str, str]]:
    """service -> username -> password, as kept in ``path`` (empty when nothing is kept)."""
    try:
        entries: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return entries


class FileKeyring(KeyringBackend):
    """Keeps every entry in the JSON file named by ``OBNOTIFY_TEST_KEYRING_FILE``."""

    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_VARIABLE])

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        temporary = self._path.with_name(f".{self._path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(temporary, self._path)

    def get_password(self, service: str, username: str) -> str | None:
        return stored_entries(self._path).get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = stored_entries(self._path)
        entries.setdefault(service, {})[username] = password
        self._write(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = stored_entries(self._path)
        if entries.get(service, {}).pop(username, None) is None:
            raise PasswordDeleteError(f"no password for {username} in {service}")
        self._write(entries)
