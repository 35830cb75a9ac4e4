"""What each way an attempt to connect can end means, decided without a socket or a clock."""

from __future__ import annotations

import ssl

import pytest
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosedError, InvalidStatus, InvalidURI
from websockets.frames import Close, CloseCode
from websockets.http11 import Response

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.node.link import Then, classify


def _status(code: int) -> InvalidStatus:
    return InvalidStatus(Response(code, "", Headers()))


def test_a_refusal_without_credentials_asks_again_with_them_at_once() -> None:
    verdict = classify(_status(401), sent_credentials=False, has_credentials=True)
    assert verdict is not None and verdict.then is Then.ASK_AGAIN


@pytest.mark.parametrize("code", [401, 403])
def test_refused_credentials_wait_for_the_user_and_say_the_code(code: int) -> None:
    verdict = classify(_status(code), sent_credentials=True, has_credentials=True)
    assert verdict is not None
    assert (verdict.state, verdict.then) == (ConnState.AUTH_FAILED, Then.WAIT_FOR_USER)
    assert f"HTTP {code}" in verdict.detail


def test_a_node_that_wants_credentials_none_are_set_for_waits_for_the_user() -> None:
    verdict = classify(_status(403), sent_credentials=False, has_credentials=False)
    assert verdict is not None and verdict.then is Then.WAIT_FOR_USER


def test_a_bad_address_waits_for_the_user() -> None:
    verdict = classify(
        InvalidURI("ws://", "no host"), sent_credentials=False, has_credentials=False
    )
    assert verdict is not None
    assert (verdict.state, verdict.then) == (ConnState.UNREACHABLE, Then.WAIT_FOR_USER)


@pytest.mark.parametrize(
    ("exc", "state", "says"),
    [
        (ConnectionRefusedError(111, "refused"), ConnState.UNREACHABLE, "is the node running"),
        (TimeoutError(), ConnState.UNREACHABLE, "timed out"),
        (_status(502), ConnState.UNREACHABLE, "HTTP 502"),
        (
            ConnectionClosedError(None, Close(CloseCode.MESSAGE_TOO_BIG, "")),
            ConnState.UNREACHABLE,
            "larger than",
        ),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER]"), ConnState.TLS_FAILED, ""),
    ],
)
def test_what_may_pass_is_tried_again_after_the_backoffs_delay(
    exc: BaseException, state: ConnState, says: str
) -> None:
    verdict = classify(exc, sent_credentials=True, has_credentials=True)
    assert verdict is not None
    assert (verdict.state, verdict.then) == (state, Then.RETRY)
    assert says in verdict.detail


def test_a_bug_is_not_taken_for_a_network_fault() -> None:
    assert classify(KeyError("x"), sent_credentials=False, has_credentials=False) is None


def test_a_node_that_accepts_and_drops_at_once_is_no_hot_loop() -> None:
    """The link retries after the backoff's delay; one that never lasts keeps it climbing."""
    backoff = Backoff(rng=None)
    delays = []
    for _ in range(6):
        backoff.connection_ended(0.0)
        delays.append(backoff.next_delay())
    assert min(delays) >= backoff.initial / 2, "never a hot loop"
    assert delays[-1] > 4 * backoff.initial, "dropped at once, again and again: waits grow"
