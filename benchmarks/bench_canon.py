"""Canon ledger benchmark (DESIGN §13): the continuity report for 300 episodes (goal <= 1 s)
and the repeated-function check of one outline against the last K (goal <= 20 ms).

The workspace holds the sample bible and 300 episodes with the offline writer's outlines,
~8,000-character texts and 6 events each (a hook foreshadow paid off next episode, a
long-range one every 5 episodes, state and relationship events). Prints medians of several
runs and the ratio to the goal. Run: `.venv/bin/python benchmarks/bench_canon.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from novelcraft.backends.offline import OfflineBackend
from novelcraft.canon.repetition import check_outline
from novelcraft.context import voice_profiles
from novelcraft.ledger_steps import events_with_due, repetition_warning
from novelcraft.models import Outline
from novelcraft.prompts import ExtractedEvent
from novelcraft.store import canon as canon_rows

PARAGRAPH = (
    "도윤은 서류철을 덮고 창밖을 보았다. 비가 그칠 기미는 보이지 않았다. "
    "\u201c또 야근이야?\u201d 하린이 보온병을 내밀며 물었다. 그는 대답 대신 고개를 끄덕였다.\n"
)


def _text(n: int) -> str:
    return "".join(f"{n}화. {PARAGRAPH}" for _ in range(8000 // 80))


def _events(n: int) -> list[ExtractedEvent]:
    events = [
        ExtractedEvent(event_type="plot", description=f"{n}화의 사건이 벌어진다.",
                       characters_involved=["강도윤"]),
        ExtractedEvent(event_type="plot", description=f"{n}화에서 증인이 입을 연다.",
                       characters_involved=["서하린"]),
        ExtractedEvent(event_type="character_state", description=f"강도윤이 {n}화에서 지친다.",
                       characters_involved=["강도윤"]),
        ExtractedEvent(event_type="relationship", description=f"{n}화: 하린과 도윤의 거리.",
                       characters_involved=["서하린", "강도윤"]),
        ExtractedEvent(event_type="foreshadow", description=f"{n}화 끝의 훅",
                       characters_involved=["강도윤"]),
    ]  # fmt: skip
    if n % 5 == 1:
        events.append(
            ExtractedEvent(event_type="foreshadow", description=f"{n}화의 긴 복선", due_by=n + 8)
        )
    return events


def _pays(planted: int, n: int) -> bool:
    """Long foreshadows (due 8 later): on time, 3 late, or never, in turn."""
    turn = (planted // 5) % 3
    return (turn == 0 and n - planted == 6) or (turn == 1 and n - planted == 11)


def build(root: Path, episodes: int):
    from novelcraft.workspace import Workspace

    ws = Workspace.open(root, create=True)
    bible_path = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))
    slug = ws.import_bible(bible_path)
    bible = ws.get_bible(slug)
    voices = voice_profiles(bible.characters, 4000)
    offline = OfflineBackend()
    pid = ws.project_id(slug)
    for n in range(1, episodes + 1):
        prompt = f"{n}화의 장면별 아웃라인을 설계해주세요.\n## 등장 캐릭터\n{voices}\n"
        answer = offline.execute(prompt, schema=None, options=offline.Options(purpose="outline"))
        episode = ws.create_episode(
            slug, n, content=_text(n), outline=Outline.model_validate(json.loads(answer))
        )
        open_rows = canon_rows.foreshadow_rows(ws.store, pid, before=n)
        paid = [r["id"] for r in open_rows if r["resolved_in_episode"] is None and (
            (r["episode_number"] == n - 1 and "훅" in r["description"])
            or (r["description"].endswith("긴 복선") and _pays(r["episode_number"], n))
        )]  # fmt: skip
        canon_rows.replace_events(
            ws.store, pid, episode.id, n, events_with_due(_events(n), n, bible, ws.settings), paid
        )
    return ws, slug, bible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--episodes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ws, slug, bible = build(Path(tmp) / "ws", args.episodes)
        print(f"setup: {args.episodes} episodes in {time.perf_counter() - t0:.1f} s")
        try:
            reports = []
            for _ in range(args.runs):
                start = time.perf_counter()
                report = ws.canon_report(slug)
                reports.append(time.perf_counter() - start)
            report_s = statistics.median(reports)
            first = report.seasons[0]
            print(
                f"canon report, {args.episodes} episodes ({len(report.foreshadows)} foreshadows, "
                f"{sum(len(s.findings) for s in report.seasons)} findings): "
                f"median {report_s * 1000:.0f} ms (goal 1000 ms, {report_s / 1.0:.2f}x of goal)"
            )
            print(f"  season 1: payoff rate {first.payoff_rate}, overdue {first.overdue}")

            pid = ws.project_id(slug)
            number = args.episodes
            outline = ws.get_episode(slug, number).outline
            checks, pure = [], []
            outlines = canon_rows.outlines(ws.store, pid, before=number, limit=10)
            names = [c.name for c in bible.characters]
            for _ in range(args.runs * 5):
                start = time.perf_counter()
                repetition_warning(ws.store, pid, bible, ws.settings, number, outline)
                checks.append(time.perf_counter() - start)
                start = time.perf_counter()
                check_outline(number, outline, sorted(outlines.items()), threshold=0.8, names=names)
                pure.append(time.perf_counter() - start)
            check_ms = statistics.median(checks) * 1000
            print(
                f"repeated-function check per outline (last 10, with the store read): "
                f"median {check_ms:.2f} ms (goal 20 ms, {check_ms / 20:.3f}x of goal)"
            )
            print(f"  of which the comparison alone: {statistics.median(pure) * 1000:.2f} ms")
            print(f"(median of {args.runs} runs; figures from a shared, busy machine)")
        finally:
            ws.close()


if __name__ == "__main__":
    main()
