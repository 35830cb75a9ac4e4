"""Tests of the commands a user types: ``obnotify`` itself, ``watch``, ``render``, ``doctor``."""
