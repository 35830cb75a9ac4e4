"""End-to-end tests: real programs on a private desktop (see tests/desktop_session.py)."""
