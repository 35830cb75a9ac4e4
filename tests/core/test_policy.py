"""The rules that follow from the user's settings alone: history, muted groups, pause, quiet hours."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

import pytest

from obnotify.core.policy import (
    Delivery,
    NotificationSettings,
    QuietHours,
    Source,
    counts_unread,
    delivery,
    hushed,
    private,
    silenced,
    styled,
)
from obnotify.core.render import Category, Toast, Urgency

NOON = datetime(2026, 11, 24, 12, 0)
ORDER = Toast(title="New order", body="Mug: 1 BTC paid.")
DISPUTE = Toast(title="Dispute opened", body="...", urgency=Urgency.CRITICAL)


def dropped(
    settings: NotificationSettings,
    toast: Toast = ORDER,
    *,
    source: Source = Source.SOCKET,
    category: Category = Category.ORDERS,
    now: datetime = NOON,
    paused_until: datetime | None = None,
) -> bool:
    return silenced(settings, toast, category, source, now=now, paused_until=paused_until)


def test_live_events_go_through() -> None:
    assert not dropped(NotificationSettings())
    assert not dropped(NotificationSettings(), source=Source.CATCH_UP)


def test_history_of_a_first_start_never_toasts() -> None:
    assert dropped(NotificationSettings(), source=Source.HISTORY)
    assert dropped(NotificationSettings(), DISPUTE, source=Source.HISTORY)


def test_muted_categories() -> None:
    settings = NotificationSettings(muted=frozenset({Category.FOLLOWERS}))
    assert dropped(settings, category=Category.FOLLOWERS)
    assert not dropped(settings, category=Category.ORDERS)


def test_pause_mutes_all_but_critical_until_its_end() -> None:
    settings = NotificationSettings()
    until = NOON + timedelta(hours=1)
    assert dropped(settings, paused_until=until)
    assert not dropped(settings, DISPUTE, category=Category.DISPUTES, paused_until=until)
    assert not dropped(settings, now=until, paused_until=until)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(3, 0), True),
        (time(7, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_cross_midnight(moment: time, quiet: bool) -> None:
    settings = NotificationSettings(quiet_hours=QuietHours(time(22, 0), time(7, 0)))
    now = datetime.combine(NOON.date(), moment)
    assert dropped(settings, now=now) is quiet
    assert hushed(settings, Urgency.NORMAL, now=now, paused_until=None) is quiet
    assert not dropped(settings, DISPUTE, now=now, category=Category.DISPUTES)


def test_daytime_quiet_hours() -> None:
    hours = QuietHours(time(9, 0), time(17, 0))
    assert hours.contains(NOON) and not hours.contains(datetime(2026, 11, 24, 18, 0))


def test_the_settings_are_one_value_nobody_can_change() -> None:
    settings = NotificationSettings(muted=frozenset({Category.CHAT}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.burst_limit = 99  # type: ignore[misc]
    assert settings == NotificationSettings(muted=frozenset({Category.CHAT}))
    assert hash(settings) == hash(NotificationSettings(muted=frozenset({Category.CHAT})))


def test_delivery_modes_history_and_off_never_toast() -> None:
    settings = NotificationSettings(
        muted=frozenset({Category.FOLLOWERS}), off=frozenset({Category.FUNDS})
    )
    assert delivery(settings, Category.ORDERS) is Delivery.TOAST
    assert delivery(settings, Category.FOLLOWERS) is Delivery.HISTORY
    assert delivery(settings, Category.FUNDS) is Delivery.OFF
    assert counts_unread(settings, Category.FOLLOWERS)
    assert not counts_unread(settings, Category.FUNDS)
    assert dropped(settings, category=Category.FUNDS)
    assert not dropped(settings, category=Category.ORDERS)


def test_privacy_keeps_who_and_what_but_not_text_or_amounts() -> None:
    chat = Toast(title="Alice · order Qm12ab", body="my address is 1 Main St")
    assert private(chat, Category.ORDER_CHAT) == Toast(title=chat.title, body="New message")
    paid = Toast(title="Payment received", body="0.25 BTC ($12,345.67) for order Qm12ab")
    hidden = private(paid, Category.FUNDS)
    assert "0.25" not in hidden.body and "12,345" not in hidden.body
    assert "Qm12ab" in hidden.body and "(amount hidden)" in hidden.body
    assert private(Toast(title="t", body="3 new orders"), Category.ORDERS).body == "3 new orders"
    order = private(Toast(title="Order Qm1234ab", body="1500 sats"), Category.ORDERS)
    assert (order.title, order.body) == ("Order Qm1234ab", "(amount hidden)")


def test_styled_sets_sound_sticky_and_privacy() -> None:
    settings = NotificationSettings(
        silent=frozenset({Category.CHAT}), critical_sticky=True, privacy=True
    )
    chat = styled(settings, Toast(title="Bob", body="hello"), Category.CHAT)
    assert (chat.sound, chat.sticky, chat.body) == (False, False, "New message")
    dispute = styled(
        settings, Toast(title="Dispute", body="opened", urgency=Urgency.CRITICAL), Category.DISPUTES
    )
    assert (dispute.sound, dispute.sticky) == (True, True)
    plain = styled(NotificationSettings(), Toast(title="x", body="1.5 BTC"), Category.FUNDS)
    assert (plain.sound, plain.sticky, plain.body) == (True, False, "1.5 BTC")
