"""What ``obnotify --demo`` watches: a seeded node on loopback that plays its scenario.

The scenario waits for the app to connect, so its first events are not played to nobody.
"""

from __future__ import annotations

import asyncio

from obnotify.demo import scenario
from obnotify.demo.node import SimNode

__all__ = ["start_demo"]

DEMO_WALLET_INTERVAL = 15.0
"""Seconds between the demo wallet's balance changes."""


async def start_demo(delay: float, kind: str = "ob") -> tuple[SimNode, asyncio.Task[None]]:
    """Start the demo node of ``kind`` and the task playing its events ``delay`` seconds apart."""
    if kind == "mobazha":
        from obnotify.demo import mobazha

        mobazha_node = mobazha.MobazhaSimNode(wallet_interval=DEMO_WALLET_INTERVAL)
        mobazha.seed(mobazha_node)
        await mobazha_node.start()
        return mobazha_node, asyncio.create_task(mobazha.play_when_watched(mobazha_node, delay))
    node = SimNode(wallet_interval=DEMO_WALLET_INTERVAL)
    scenario.seed(node)
    await node.start()

    async def play() -> None:
        await node.wait_for_clients(1, timeout=3600)
        await scenario.play(node, delay)

    return node, asyncio.create_task(play())
