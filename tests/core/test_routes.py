"""Chat routes read back into where a reply goes, never trusting what the node put in them."""

from __future__ import annotations

import pytest

from obnotify.core.routes import ChatTarget, chat_target

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
ORDER = "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ"


def test_direct_and_order_chat() -> None:
    assert chat_target(f"ob://chat/{PEER}") == ChatTarget(PEER, "")
    assert chat_target(f"ob://chat/{PEER}?subject={ORDER}") == ChatTarget(PEER, ORDER)


@pytest.mark.parametrize(
    "route",
    [
        "",
        f"ob://{PEER}",
        f"ob://transactions/sales?orderId={ORDER}",
        f"https://chat/{PEER}",
        f"ob://chat/{PEER}/../x",
        "ob://chat/",
        f"ob://chat/{PEER}?subject=a b",
        "ob://chat/<script>",
    ],
)
def test_anything_else_is_no_chat(route: str) -> None:
    assert chat_target(route) is None
