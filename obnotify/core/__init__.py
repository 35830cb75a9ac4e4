"""The pure core: frames to typed events, money, toast texts, policy.

Nothing here does I/O or imports Qt, asyncio networking or desktop_notifier, so
it can be tested fast and exhaustively.
"""
