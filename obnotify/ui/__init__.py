"""The Qt user interface: tray, window, item models, icons.

The only package that imports PySide6. Widgets are given data through plain
methods and report the user's wishes through signals; the composition root
connects them to the node link, the store and the notifier.
"""
