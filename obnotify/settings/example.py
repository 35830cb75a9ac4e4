"""What a new settings file holds: every key, commented out, with what it may be.

Written as it is when the app first starts without a file, and the base that
:func:`obnotify.settings.writing.save_settings` fills when there is none yet.
"""

from __future__ import annotations

__all__ = ["EXAMPLE"]

EXAMPLE = """\
# obnotify settings. Passwords are kept in the OS keyring, never here.
# Nothing is watched until a [[node]] below is uncommented (or added in Settings).

# [[node]]
# name = "My store"               # shown in the tray menu and the window
# url = "http://127.0.0.1:4002"   # http(s)://host:port of the node's API
# enabled = true
# kind = "ob"                     # "ob", "mobazha" (its API token: keyring or --token-env) or "auto"
# auth = "basic"                  # "none", "basic" (user; password in the keyring) or "cookie"
# user = "alice"
# cookie_file = "~/.openbazaar/.cookie"
# tls = "system"                  # "system", "ca" (ca = file) or "pin" (pin = SHA-256 hex)
# ca = "~/.openbazaar/ssl/rootCA.crt"
# pin = "ab12..."
# proxy = "socks5://127.0.0.1:9050"   # e.g. Tor, for a .onion node

[notifications]
# privacy = false                 # toasts say who and what, never message text or amounts
# quiet_hours = "22:00-07:00"     # only critical toasts then (local time, no time zone)
# burst_limit = 3                 # 1 to 100000; more within 10 s make a summary
# critical_sticky = false         # critical toasts stay until dismissed

[notifications.delivery]
# orders, disputes, chat, order-chat, followers, funds, other: "toast", "history" or "off"
# followers = "history"

[notifications.sound]
# chat = false

[general]
# start_at_login = false
# history_limit = 100000          # 1 to 10000000 events kept per node; the oldest go first
# tray_style = "colour"           # "colour", "mono-light" or "mono-dark"
"""
