"""How many frames per second the protocol core decodes and renders on one core.

The captures recorded from real nodes (``tests/fixtures/captures``) and the
examples of ``tests/core/frames.py`` (the demo scenario when neither is there)
are cycled through ``decode_frame`` and ``render_record`` 200,000 times, in a
process pinned to one core, and timed with ``perf_counter``: decode alone, render
alone, both, and both per kind of frame.

A node can replay hundreds of stored notifications and a burst of chat at once;
the core must keep up with far more than that without the tray app stalling.
The goal is at least 50,000 frames per second for decode plus render.

Run from the repository: ``python benchmarks/decode_render.py [--frames N]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from harness import ROOT as REPO
from harness import emit, figure, method

from obnotify.core.decode import decode_frame
from obnotify.core.events import Profile
from obnotify.core.render import RenderContext, render_record
from obnotify.demo import gojson
from obnotify.demo.sanitize import sanitize_value
from obnotify.demo.scenario import build_scenario

GOAL = 50_000


def say(text: str) -> None:
    """What a person reads, on stderr: stdout carries only the JSON line."""
    print(text, file=sys.stderr)


def scenario_frames() -> list[str]:
    """The demo scenario of both generations, as the simulated node sends it: the stand-in
    when neither the captures nor the test examples can be found."""
    return [
        gojson.dumps(sanitize_value(step.frame))
        for generation in ("0.13", "0.14")
        for step in build_scenario(generation)  # type: ignore[arg-type]
    ]


def load_frames() -> tuple[list[str], list[str]]:
    """Every frame available, and where they came from."""
    frames: list[str] = []
    sources: list[str] = []
    captures = REPO / "tests" / "fixtures" / "captures"
    capture_files = sorted(captures.glob("*.jsonl"))
    for path in capture_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                frames.append(json.loads(line)["frame"])
    if capture_files:
        sources.append(f"{len(frames)} captured frames from {captures.relative_to(REPO)}")
    examples = REPO / "tests" / "core" / "frames.py"
    if examples.exists():
        spec = importlib.util.spec_from_file_location("obnotify_bench_frames", examples)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            examples_frames = list(module.ALL_FRAMES.values())
            frames.extend(examples_frames)
            sources.append(
                f"{len(examples_frames)} example frames from {examples.relative_to(REPO)}"
            )
    if not frames:
        frames = scenario_frames()
        sources.append(f"{len(frames)} frames of the demo scenario")
    return frames, sources


def pin_one_core() -> str:
    """Run on one core, so the figure is per core whatever the machine."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity here)"


def timed(label: str, work: Callable[[], None], count: int) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    rate = count / elapsed
    say(
        f"  {label:<34} {rate:>12,.0f} frames/s   ({elapsed * 1e6 / count:6.2f} µs/frame, {elapsed:.2f} s)"
    )
    return rate


def run(frames: Sequence[str], count: int) -> dict[str, float]:
    stream = [frames[i % len(frames)] for i in range(count)]
    as_bytes = [f.encode("utf-8") for f in stream]
    events = [decode_frame(f) for f in stream]
    ctx = RenderContext(
        peers={
            "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy": Profile(
                peer_id="QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy", name="Alice"
            )
        }
    )

    def decode_only() -> None:
        for f in stream:
            decode_frame(f)

    def decode_bytes() -> None:
        for f in as_bytes:
            decode_frame(f)

    def render_only() -> None:
        for e in events:
            render_record(e, ctx)

    def decode_and_render() -> None:
        for f in stream:
            render_record(decode_frame(f), ctx)

    return {
        "decode": timed("decode (text)", decode_only, count),
        "decode_bytes": timed("decode (bytes)", decode_bytes, count),
        "render": timed("render_record (decoded events)", render_only, count),
        "both": timed("decode + render_record", decode_and_render, count),
    }


def by_kind(frames: Sequence[str], per_kind: int) -> list[tuple[float, str, int]]:
    """Decode plus render per kind of frame: where the time goes."""
    groups: dict[str, list[str]] = {}
    for f in frames:
        record = render_record(decode_frame(f))
        kind = str(record.get("type") or record["kind"])
        groups.setdefault(kind, []).append(f)
    ctx = RenderContext()
    rows: list[tuple[float, str, int]] = []
    for kind, group in groups.items():
        stream = [group[i % len(group)] for i in range(per_kind)]
        start = time.perf_counter()
        for f in stream:
            render_record(decode_frame(f), ctx)
        rows.append((per_kind / (time.perf_counter() - start), kind, len(group)))
    for rate, kind, n in sorted(rows):
        say(f"  {kind:<34} {rate:>12,.0f} frames/s   ({n} distinct)")
    return sorted(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--frames", type=int, default=200_000, help="frames per measurement (default 200,000)"
    )
    parser.add_argument(
        "--per-kind", type=int, default=20_000, help="frames per kind in the breakdown"
    )
    args: Any = parser.parse_args(argv)
    frames, sources = load_frames()
    pinned = pin_one_core()
    say(f"obnotify core benchmark: Python {sys.version.split()[0]}, {pinned}")
    for source in sources:
        say(f"  frames: {source}")
    kinds = Counter(str(render_record(decode_frame(f))["kind"]) for f in frames)
    say("  mix: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    say(f"\n{args.frames:,} frames, cycled through the mix:")
    rates = run(frames, args.frames)
    say(f"\nBy kind ({args.per_kind:,} frames each, slowest first):")
    kinds_by_rate = by_kind(frames, args.per_kind)
    slowest_rate, slowest_kind, _ = kinds_by_rate[0]
    emit(
        "decode_render",
        [
            figure(
                "decode + render, one core",
                round(rates["both"]),
                "frames/s",
                goal=f">= {GOAL:,}/s",
                met=rates["both"] >= GOAL,
                note=f"decode alone {rates['decode']:,.0f}/s, render alone "
                f"{rates['render']:,.0f}/s; slowest kind {slowest_kind} "
                f"{slowest_rate:,.0f}/s; {len(frames)} distinct frames",
            )
        ],
        method=method(__doc__),
        pinned=pinned,
        sources=sources,
        frames=args.frames,
        rates={name: round(rate) for name, rate in rates.items()},
        by_kind={kind: round(rate) for rate, kind, _ in kinds_by_rate},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
