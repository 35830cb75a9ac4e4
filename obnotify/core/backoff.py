"""The reconnect schedule: exponential backoff with jitter, pure and seeded for tests.

Long waits are for a node that keeps refusing. A connection that worked says the
node is there: when it drops, the next attempt comes after the first, short delay
(jittered, so that many clients of one node do not return at the same instant),
however long the node had been away before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

__all__ = ["Backoff"]

STABLE_AFTER: Final = 10.0
"""A connection that lived this long worked: the next attempt starts the schedule over. One
that drops sooner (a node that accepts and closes at once) keeps it climbing."""


@dataclass
class Backoff:
    """Delays of about 1 s doubling to 60 s, each with ±25 % jitter.

    Never zero: a node that accepts and drops at once must not make the client
    reconnect in a hot loop.
    """

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.25
    stable_after: float = STABLE_AFTER
    rng: random.Random | None = None
    attempt: int = 0

    def next_delay(self) -> float:
        """The wait before the next attempt; each call moves one step up the schedule."""
        base = min(self.maximum, self.initial * self.factor ** min(self.attempt, 32))
        self.attempt += 1
        rng = self.rng or random
        return max(self.initial / 2, base * (1 + rng.uniform(-self.jitter, self.jitter)))

    def connection_ended(self, lived: float) -> None:
        """Start over after a connection that worked; keep climbing after one that did not."""
        if lived >= self.stable_after:
            self.attempt = 0

    def reset(self) -> None:
        self.attempt = 0
