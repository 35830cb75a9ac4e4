"""The plain text of chat that the node's sanitiser left as HTML."""

from __future__ import annotations

import pytest

from obnotify.core.plain_text import strip_markup


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ('<a href="http://x" rel="nofollow">link</a>', "link"),
        ("see <b>this</b> &amp; that", "see this & that"),
        ("1 &lt; 2", "1 < 2"),
        ("a<br>b", "a\nb"),
        ("<p>one</p><p>two</p>", "\none\n\ntwo\n"),
        ("x<script>alert(1)</script>y", "xy"),
        ("plain &#39;quoted&#39;", "plain 'quoted'"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_tags_go_their_text_stays(sent: str, shown: str) -> None:
    assert strip_markup(sent) == shown
