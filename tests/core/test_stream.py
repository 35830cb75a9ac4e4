"""Splitting a text stream into frames: every layout ``obnotify render`` is fed, and broken ones."""

from __future__ import annotations

import io
import json

from obnotify.core.stream import MAX_DOCUMENT_CHARS, split_documents, unwrap_capture

from .frames import GUIDE, V014, capture_files


def split(text: str) -> list[str]:
    return list(split_documents(io.StringIO(text)))


def test_one_document_per_line() -> None:
    assert split('{"a": 1}\n{"b": 2}\n[3]\n') == ['{"a": 1}\n', '{"b": 2}\n', "[3]\n"]


def test_last_line_without_newline() -> None:
    assert split('{"a": 1}\n{"b": 2}') == ['{"a": 1}\n', '{"b": 2}']


def test_pretty_printed_documents() -> None:
    text = GUIDE["order"] + "\n" + V014["disputeOpen"] + "\n" + GUIDE["status-publishing"] + "\n"
    docs = split(text)
    assert [json.loads(d) for d in docs] == [
        json.loads(GUIDE["order"]),
        json.loads(V014["disputeOpen"]),
        json.loads(GUIDE["status-publishing"]),
    ]
    assert docs[0] == GUIDE["order"] + "\n"


def test_blank_lines_between_and_inside() -> None:
    docs = split('\n\n{"a": 1}\n\n   \n{\n\n  "b": 2\n}\n\n')
    assert docs == ['{"a": 1}\n', '{\n\n  "b": 2\n}\n']
    assert split("") == [] and split("\n\n  \n") == []


def test_capture_lines() -> None:
    for path in capture_files():
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        docs = split("".join(lines))
        assert len(docs) == len([line for line in lines if line.strip()])
        for doc, line in zip(docs, lines, strict=False):
            assert unwrap_capture(doc) == json.loads(line)["frame"]


def test_garbage_between_documents_is_its_own_bad_document() -> None:
    docs = split('{"a": 1}\ngarbage here\n{"b": 2}\n')
    assert docs == ['{"a": 1}\n', "garbage here\n", '{"b": 2}\n']


def test_unclosed_document_does_not_swallow_the_next() -> None:
    docs = split('{"unclosed": [1,\n{"b": 2}\n{\n    "c": 3\n}\n')
    assert docs == ['{"unclosed": [1,\n', '{"b": 2}\n', '{\n    "c": 3\n}\n']


def test_unclosed_document_at_the_end() -> None:
    assert split('{"a": 1}\n{"b": [\n  1,\n') == ['{"a": 1}\n', '{"b": [\n  1,\n']


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"a": "}{[\\"]"}\n{"b": "\\\\"}\n{\n  "c": "{{{"\n}\n'
    assert split(text) == ['{"a": "}{[\\"]"}\n', '{"b": "\\\\"}\n', '{\n  "c": "{{{"\n}\n']


def test_unterminated_string_is_cut_at_the_line() -> None:
    docs = split('{"a": "no end\n  }\n{"b": 1}\n')
    assert docs == ['{"a": "no end\n  }\n', '{"b": 1}\n']


def test_stray_closing_bracket() -> None:
    assert split(']\n{"a": 1}\n') == ["]\n", '{"a": 1}\n']


def test_crlf() -> None:
    assert split('{"a": 1}\r\n\r\n{\r\n "b": 2\r\n}\r\n') == [
        '{"a": 1}\r\n',
        '{\r\n "b": 2\r\n}\r\n',
    ]


def test_endless_document_is_cut_at_the_limit() -> None:
    chunk = " " + "x" * (1024 * 1024) + "\n"
    lines = ['{"a": [\n'] + [chunk] * 6 + ['{"b": 1}\n']
    docs = list(split_documents(lines))
    assert len(docs[0]) == len('{"a": [\n') + 4 * len(chunk) > MAX_DOCUMENT_CHARS
    assert docs[1:] == [chunk, chunk, '{"b": 1}\n']


def test_unwrap_capture() -> None:
    frame = '{\n    "status": "publishing"\n}'
    line = json.dumps({"t": 1795474019.158, "frame": frame})
    assert unwrap_capture(line) == frame
    assert unwrap_capture(json.dumps({"frame": frame})) == frame
    assert unwrap_capture(json.dumps({"t": None, "frame": frame})) == frame
    for not_capture in (
        frame,
        '{"frame": 5}',
        '{"frame": "x", "other": 1}',
        '{"t": "now", "frame": "x"}',
        '{"frame": "x"',
        '{"notification": {"title": "\\"frame\\""}}',
    ):
        assert unwrap_capture(not_capture) == not_capture
