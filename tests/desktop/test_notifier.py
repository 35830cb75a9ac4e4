"""The notifier: Toast to desktop-notifier, escaping, buttons, inline reply, the recorder.

The unit tests hand the backend a fake DesktopNotifier; the desktop tests send
real toasts to dunst in the private desktop session and read them back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from desktop_notifier import Capability, ReplyField
from desktop_notifier import Urgency as NativeUrgency
from waiting import until, wait_until

from obnotify import APP_ID, notifier_app_name
from obnotify.core.render import Toast, Urgency
from obnotify.desktop.notifier import (
    DesktopNotifierBackend,
    RecordingNotifier,
    escape_body,
    escape_for,
    freedesktop_capabilities,
    uses_body_markup,
)
from obnotify.resources import APP_ICON_PNG

CHAT = Toast(
    title="Alice <3 · order QmYhUk…",
    body="Is it <b>still</b> available? Tom & Jerry",
    urgency=Urgency.CRITICAL,
    route="ob://chat/QmPeer",
    actions=(("reply", "Reply"),),
    group="chat:QmPeer:",
)
ORDER = Toast(
    title="New order from Bob",
    body="Walnut bowl: 0.001 BTC paid.",
    actions=(("mark-read", "Mark as read"),),
)


class Answers:
    """Records what the user did with each toast, as the app's sender would receive it."""

    def __init__(self) -> None:
        self.got: list[tuple[str, ...]] = []

    def clicked(self, toast_id: str) -> None:
        self.got.append(("clicked", toast_id))

    def pressed(self, toast_id: str, action: str) -> None:
        self.got.append(("pressed", toast_id, action))

    def replied(self, toast_id: str, text: str) -> None:
        self.got.append(("replied", toast_id, text))


class FakeDesktopNotifier:
    """Stands in for desktop_notifier.DesktopNotifier: records ``send`` and dispatches; the
    backend sets its handlers, which a test calls as the server's signals would."""

    def __init__(self, *, app_name: str, app_icon: Any, capabilities: frozenset[Any]) -> None:
        self.app_name = app_name
        self.app_icon = app_icon
        self.capabilities = capabilities
        self.sent: list[dict[str, Any]] = []
        self.cleared: list[str] = []
        self.dispatch = True
        self.answers: asyncio.Event | None = None
        """When given, ``send`` writes at once and answers only once this is set."""
        self.asked = 0
        self.capability_calls = 0
        self.loop = asyncio.get_running_loop()
        self.on_clicked: Any = None
        self.on_button_pressed: Any = None
        self.on_replied: Any = None

    async def get_capabilities(self) -> frozenset[Any]:
        # A real server takes a round trip to answer, and the first answer comes slowest.
        self.capability_calls += 1
        for _ in range(max(1, 5 - self.capability_calls)):
            await asyncio.sleep(0)
        return self.capabilities

    async def request_authorisation(self) -> bool:
        self.asked += 1
        return True

    async def send(self, **kwargs: Any) -> str:
        self.sent.append(kwargs)
        identifier = f"id-{len(self.sent)}"
        if self.answers is not None:
            await self.answers.wait()
        if self.dispatch:
            kwargs["on_dispatched"]()
        return identifier

    async def clear(self, identifier: str) -> None:
        self.cleared.append(identifier)


def backend_with(
    capabilities: set[Capability],
) -> tuple[DesktopNotifierBackend, list[FakeDesktopNotifier]]:
    made: list[FakeDesktopNotifier] = []

    def factory(**kwargs: Any) -> FakeDesktopNotifier:
        fake = FakeDesktopNotifier(capabilities=frozenset(capabilities), **kwargs)
        made.append(fake)
        return fake

    return DesktopNotifierBackend(app_name="obnotify", escape_markup=True, factory=factory), made


def test_platform_choices() -> None:
    assert uses_body_markup("linux") and uses_body_markup("freebsd14")
    assert not uses_body_markup("win32") and not uses_body_markup("darwin")
    assert escape_body('a <b>&</b> "q"') == 'a &lt;b&gt;&amp;&lt;/b&gt; "q"'
    assert escape_for(("body", "body-markup", "actions"))
    assert not escape_for(("body", "actions"))
    assert escape_for(None)


def test_the_server_decides_whether_the_body_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    import obnotify.desktop.notifier as module

    toast = Toast(title="t", body="a <b> & c")
    for answer, body in [(("body",), "a <b> & c"), (None, "a &lt;b&gt; &amp; c")]:

        async def reported(answer: tuple[str, ...] | None = answer) -> tuple[str, ...] | None:
            return answer

        monkeypatch.setattr(module, "freedesktop_capabilities", reported)
        made: list[FakeDesktopNotifier] = []

        def factory(made: list[FakeDesktopNotifier] = made, **kwargs: Any) -> FakeDesktopNotifier:
            made.append(FakeDesktopNotifier(capabilities=frozenset(), **kwargs))
            return made[-1]

        backend = DesktopNotifierBackend(factory=factory)
        asyncio.run(backend.show(toast, image_path=None))
        assert made[0].sent[0]["message"] == body
        assert backend.escape_markup is (answer is None)


def test_no_session_bus_means_the_server_cannot_be_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/obnotify-test-bus")
    assert asyncio.run(freedesktop_capabilities()) is None


def test_toast_maps_onto_desktop_notifier_with_an_inline_reply() -> None:
    backend, made = backend_with({Capability.BUTTONS, Capability.REPLY_FIELD})
    answers = Answers()
    backend.listen(answers)

    async def scenario() -> str | None:
        return await backend.show(CHAT, image_path=Path("/tmp/avatar.png"), inline_reply=True)

    identifier = asyncio.run(scenario())
    assert identifier == "id-1"
    (fake,) = made
    assert fake.app_name == "obnotify"
    assert Path(fake.app_icon.path) == APP_ICON_PNG
    sent = fake.sent[0]
    assert sent["title"] == CHAT.title
    assert sent["message"] == "Is it &lt;b&gt;still&lt;/b&gt; available? Tom &amp; Jerry"
    assert sent["urgency"] is NativeUrgency.Critical
    assert sent["buttons"] == []
    assert isinstance(sent["reply_field"], ReplyField)
    assert Path(sent["attachment"].path) == Path("/tmp/avatar.png")
    assert sent["thread"] == "chat:QmPeer:"
    assert (sent["sound"], sent["timeout"]) == (None, -1)
    assert sent["reply_field"].on_replied is None, "no callbacks of its own"
    assert "on_clicked" not in sent
    fake.on_replied("id-1", "On my way")
    fake.on_clicked("id-1")
    assert answers.got == [("replied", "id-1", "On my way"), ("clicked", "id-1")]


def test_reply_falls_back_to_a_button_and_buttons_report_their_action() -> None:
    backend, made = backend_with({Capability.BUTTONS})
    answers = Answers()
    backend.listen(answers)

    async def scenario() -> None:
        await backend.show(CHAT, image_path=None, inline_reply=True)
        await backend.show(ORDER, image_path=None)

    asyncio.run(scenario())
    chat, order = made[0].sent
    assert chat["reply_field"] is None and chat["attachment"] is None
    assert [(b.identifier, b.title) for b in chat["buttons"]] == [("reply", "Reply")]
    assert [(b.identifier, b.title) for b in order["buttons"]] == [("mark-read", "Mark as read")]
    assert order["urgency"] is NativeUrgency.Normal
    assert chat["buttons"][0].on_pressed is None, "no callbacks of its own"
    made[0].on_button_pressed("id-1", "reply")
    made[0].on_button_pressed("id-2", "mark-read")
    assert answers.got == [("pressed", "id-1", "reply"), ("pressed", "id-2", "mark-read")]


def test_failing_answers_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    backend, made = backend_with(set())

    class Broken(Answers):
        def clicked(self, toast_id: str) -> None:
            raise RuntimeError("boom")

    backend.listen(Broken())
    asyncio.run(backend.show(ORDER, image_path=None))
    made[0].on_clicked("id-1")
    assert "toast click handler failed" in caplog.text


def test_a_toast_that_was_not_dispatched_has_no_id() -> None:
    backend, made = backend_with(set())

    async def scenario() -> tuple[str | None, str | None]:
        first = await backend.show(ORDER, image_path=None)
        made[0].dispatch = False
        second = await backend.show(ORDER, image_path=None)
        await backend.clear("id-1")
        return first, second

    assert asyncio.run(scenario()) == ("id-1", None)
    assert made[0].cleared == ["id-1"]


def test_toasts_given_at_once_go_out_in_order_without_waiting_for_answers() -> None:
    backend, made = backend_with(set())
    titles = [f"toast {n}" for n in range(12)]

    async def scenario() -> list[str | None]:
        answers = asyncio.Event()

        async def show(title: str) -> str | None:
            if made:
                made[0].answers = answers
            return await backend.show(
                Toast(title=title, body=""),
                image_path=None,
            )

        # From a cold start: the first toast asks the server what it can do, the others wait.
        shows = [asyncio.create_task(show(title)) for title in titles]

        await until(
            lambda: made and len(made[0].sent) == len(titles),
            message=lambda: f"{len(titles)} toasts written; written: {made and made[0].sent}",
        )
        assert not any(task.done() for task in shows), "all written, none answered yet"
        answers.set()
        return await asyncio.gather(*shows)

    identifiers = asyncio.run(scenario())
    (fake,) = made
    assert [sent["title"] for sent in fake.sent] == titles
    assert identifiers == [f"id-{n + 1}" for n in range(len(titles))]
    assert fake.asked == 1


def test_getting_ready_asks_the_server_once_so_the_first_toast_only_writes() -> None:
    backend, made = backend_with(set())

    async def scenario() -> str | None:
        await backend.prepare()
        await backend.prepare()
        return await backend.show(ORDER, image_path=None)

    assert asyncio.run(scenario()) == "id-1"
    (fake,) = made
    assert fake.capability_calls == 1 and fake.asked == 1


def test_notifier_is_made_inside_the_running_loop_only() -> None:
    backend, made = backend_with(set())
    assert made == [], "not made with the backend, before any loop runs"
    asyncio.run(backend.show(ORDER, image_path=None))
    assert len(made) == 1


def test_recording_notifier_keeps_toasts_and_answers_as_a_user_would() -> None:
    recorder = RecordingNotifier()
    answers = Answers()
    recorder.listen(answers)

    async def scenario() -> str | None:
        identifier = await recorder.show(ORDER, image_path=None)
        assert identifier is not None
        await recorder.clear(identifier)
        return identifier

    identifier = asyncio.run(scenario())
    assert recorder.titles == ["New order from Bob"]
    assert recorder.cleared == [identifier] and recorder.shown[0].cleared
    recorder.shown[0].click()
    recorder.shown[0].press("mark-read")
    assert answers.got == [("clicked", identifier), ("pressed", identifier, "mark-read")]
    assert asyncio.run(RecordingNotifier(fail=True).show(ORDER, image_path=None)) is None


def test_notifier_module_needs_no_qt() -> None:
    source = Path(sys.modules[DesktopNotifierBackend.__module__].__file__ or "")
    assert "PySide6" not in source.read_text(encoding="utf-8")


# A program that shows one toast through DesktopNotifierBackend and reports, one JSON line
# each, what the user did with it; it stays up until the toast is clicked or pressed.
TOAST_PROGRAM = r"""
import asyncio
import html
import json
import sys
from pathlib import Path

from obnotify.core.render import Toast, Urgency
from obnotify.desktop.notifier import DesktopNotifierBackend

report = Path(sys.argv[1])


def note(event, **data):
    with report.open("a") as stream:
        stream.write(json.dumps({"event": event, **data}) + "\n")


async def main():
    done = asyncio.Event()

    class Answers:
        def clicked(self, toast_id):
            note("clicked", identifier=toast_id)
            done.set()

        def pressed(self, toast_id, action):
            note("action", identifier=toast_id, action=action)
            done.set()

        def replied(self, toast_id, text):
            note("replied", identifier=toast_id, text=text)

    backend = DesktopNotifierBackend()
    backend.listen(Answers())
    toast = Toast(
        title="Order <b>#42</b> & paid",
        body="Buyer <i>alice</i> & <a href='x'>co</a> paid",
        urgency=Urgency.CRITICAL,
        actions=(("mark-read", "Mark as read"),),
    )
    identifier = await backend.show(toast, image_path=None)
    note("shown", identifier=identifier)
    await asyncio.wait_for(done.wait(), 60)


asyncio.run(main())
"""


def _events(report: Path) -> list[dict[str, Any]]:
    if not report.exists():
        return []
    return [json.loads(line) for line in report.read_text().splitlines() if line.endswith("}")]


def _start(desktop: Any, tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    program = tmp_path / "toast.py"
    program.write_text(TOAST_PROGRAM)
    report = tmp_path / "events.jsonl"
    return desktop.spawn([sys.executable, str(program), str(report)], name="toast"), report


def _wait_event(desktop: Any, report: Path, name: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        return next((e for e in _events(report) if e["event"] == name), None)

    event: dict[str, Any] = wait_until(found, message=lambda: f"{name!r} in {_events(report)}")
    return event


RAW_BODY = "Buyer <i>alice</i> & <a href='x'>co</a> paid"
ESCAPED_BODY = "Buyer &lt;i&gt;alice&lt;/i&gt; &amp; &lt;a href='x'&gt;co&lt;/a&gt; paid"


def _server_capabilities(desktop: Any) -> list[str]:
    """What ``freedesktop_capabilities`` reports when run inside the desktop session."""
    program = (
        "import asyncio, json\n"
        "from obnotify.desktop.notifier import freedesktop_capabilities\n"
        "print(json.dumps(asyncio.run(freedesktop_capabilities())))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        env=desktop.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    answer: list[str] = json.loads(result.stdout)
    return answer


@pytest.mark.desktop
def test_dunst_gets_the_app_name_an_escaped_body_and_the_button(
    fresh_desktop: Any, tmp_path: Path
) -> None:
    _process, report = _start(fresh_desktop, tmp_path)
    shown = _wait_event(fresh_desktop, report, "shown")
    assert shown["identifier"]
    toast = fresh_desktop.wait_for_toast(lambda t: t["summary"] == "Order <b>#42</b> & paid")
    assert toast["appname"] == "obnotify"  # the name KDE and GNOME print, not the id
    reads_markup = "body-markup" in _server_capabilities(fresh_desktop)
    assert toast["body"] == (ESCAPED_BODY if reads_markup else RAW_BODY)
    assert toast["urgency"] == "critical"
    assert toast["icon_path"] == str(APP_ICON_PNG)
    assert fresh_desktop.toast_actions(toast["id"]) == {"default": "", "mark-read": "Mark as read"}
    fresh_desktop.action(toast["id"], action_name="mark-read")
    assert _wait_event(fresh_desktop, report, "action")["action"] == "mark-read"


@pytest.mark.desktop
def test_every_toast_names_the_desktop_entry(fresh_desktop: Any, tmp_path: Path) -> None:
    """GNOME and KDE file a toast under its application, and keep it, by this hint only."""
    _process, report = _start(fresh_desktop, tmp_path)
    _wait_event(fresh_desktop, report, "shown")
    toast = fresh_desktop.wait_for_toast(lambda t: t["summary"] == "Order <b>#42</b> & paid")
    assert toast["desktop_entry"] == APP_ID == "org.obnotify.ObNotify"


def test_toasts_carry_the_human_name_on_linux_and_the_id_elsewhere() -> None:
    assert notifier_app_name("linux") == "obnotify"
    assert notifier_app_name("win32") == notifier_app_name("darwin") == APP_ID


@pytest.mark.desktop
def test_the_notification_server_is_asked_about_body_markup(fresh_desktop: Any) -> None:
    capabilities = _server_capabilities(fresh_desktop)
    assert "actions" in capabilities and "body" in capabilities


@pytest.mark.desktop
def test_clicking_the_toast_reports_it_by_its_id(fresh_desktop: Any, tmp_path: Path) -> None:
    _process, report = _start(fresh_desktop, tmp_path)
    _wait_event(fresh_desktop, report, "shown")
    toast = fresh_desktop.wait_for_toast(lambda t: t["summary"] == "Order <b>#42</b> & paid")
    fresh_desktop.action(toast["id"])
    _wait_event(fresh_desktop, report, "clicked")


@pytest.mark.desktop
def test_dunst_renders_node_markup_as_literal_text(fresh_desktop: Any, tmp_path: Path) -> None:
    _process, report = _start(fresh_desktop, tmp_path)
    _wait_event(fresh_desktop, report, "shown")
    toast = fresh_desktop.wait_for_toast(lambda t: t["summary"] == "Order <b>#42</b> & paid")
    fresh_desktop.close_all()
    closed = fresh_desktop.wait_for_toast(lambda t: t["id"] == toast["id"] and t["closed"])
    # dunst's rendered text is Pango markup: read once, it must be the body exactly as the node
    # sent it, whether dunst parses markup (and got it escaped) or not (and got it as is).
    assert html.unescape(closed["message"]).endswith("\n" + RAW_BODY)
    assert "<i>" not in closed["message"]


def test_sound_and_sticky_reach_the_server() -> None:
    from desktop_notifier import DEFAULT_SOUND

    backend, made = backend_with(set())
    toast = dataclasses.replace(CHAT, sound=True, sticky=True)

    async def scenario() -> str | None:
        return await backend.show(toast, image_path=None)

    asyncio.run(scenario())
    assert (made[0].sent[0]["sound"], made[0].sent[0]["timeout"]) == (DEFAULT_SOUND, 0)
