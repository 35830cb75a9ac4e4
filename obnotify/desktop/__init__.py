"""The operating system without Qt widgets: notifications, the thumbnail cache, autostart, secrets.

Nothing is imported here, so a platform-specific module is loaded only when it is used.
"""

from __future__ import annotations

__all__: list[str] = []
