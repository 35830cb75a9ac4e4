"""The suite's one way to wait: the value waited for, one scale for every deadline, and a
failure that says what was awaited and what was seen."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from waiting import SCALE_VARIABLE, scaled, until, wait_until


def test_the_first_truthy_value_is_returned() -> None:
    looks = itertools.count()
    assert wait_until(lambda: next(looks) >= 3 and "ready", interval=0) == "ready"

    async def scenario() -> str:
        flag: list[str] = []
        asyncio.get_running_loop().call_later(0.02, flag.append, "set")
        return await until(lambda: flag and flag[0])

    assert asyncio.run(scenario()) == "set"


def test_a_timeout_names_what_was_awaited_and_the_last_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SCALE_VARIABLE, "5")
    with pytest.raises(AssertionError) as failure:
        wait_until(list, 0.04, message=lambda: "the list")
    assert "after 0.2s waiting for the list (last value: [])" in str(failure.value)
    with pytest.raises(AssertionError, match=r"after 0\.2s waiting for the flag \(last value: 0\)"):
        asyncio.run(until(lambda: 0, 0.04, message="the flag"))


def test_one_scale_stretches_every_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCALE_VARIABLE, raising=False)
    assert scaled(20) == 20
    monkeypatch.setenv(SCALE_VARIABLE, "2.5")
    assert scaled(20) == 50
    for wrong in ("fast", "0", "-1"):
        monkeypatch.setenv(SCALE_VARIABLE, wrong)
        with pytest.raises(ValueError, match=SCALE_VARIABLE):
            scaled(1)
