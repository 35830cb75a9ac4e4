"""``python -m obnotify.cli``: the same as the ``obnotify`` command."""

from __future__ import annotations

import sys

from obnotify.cli import main

sys.exit(main())
