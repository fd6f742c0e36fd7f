"""`offline`: the deterministic demo writer (DESIGN §5). Needs nothing; labelled a demo.

It answers every task NovelCraft asks of a model — bootstrap JSON, outlines, manuscripts,
style corrections, revisions, summaries and events — from the prompt alone, seeded by the
prompt, so the same inputs always give the same text and a retry with feedback gives a new one.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from typing import Any

from novelcraft.backends import demo_bootstrap, demo_foreshadows, demo_revise, demo_writer
from novelcraft.backends import prompt_reading as read
from novelcraft.backends.base import Backend, BackendOptions, register


class OfflineOptions(BackendOptions):
    # Share of first drafts that miss the length range, as real models do (exercises retry).
    miss_share: float = 0.15
    # Share of first drafts that slip into explanatory narration (exercises the style pass).
    explain_share: float = 0.3
    # Simulated seconds per call, for benchmarks of the pipeline around a slow model.
    latency: float = 0.0


_PURPOSES = (
    ("bootstrap", "## 컨셉"),
    ("outline", "장면별 아웃라인"),
    ("draft", "화를 작성해주세요"),
    ("style", "문체를 교정해주세요"),
    ("revise", "특정 부분을 수정해주세요"),
    ("events", "이벤트를 추출해주세요"),
    ("summary", "요약해주세요"),
    ("check", "연결 시험입니다"),
)


def purpose_of(prompt: str) -> str:
    for purpose, marker in _PURPOSES:
        if marker in prompt:
            return purpose
    return "draft"


@register
class OfflineBackend(Backend):
    backend_id = "offline"
    label = "데모 작가 (오프라인, 결정적)"
    supports_schema = True
    Options = OfflineOptions

    def default_model(self) -> str:
        return "demo-writer-1"

    def answers_at_once(self) -> bool:
        return not self.settings.offline_latency

    def execute(self, prompt: str, *, schema: dict | None, options: OfflineOptions) -> str:
        latency = (
            options.latency
            if "latency" in options.model_fields_set
            else self.settings.offline_latency
        )
        if latency:
            time.sleep(latency)
        # Workspace settings decide the shares unless a caller set them for this call.
        shares = {
            "miss_share": self.settings.offline_miss_share,
            "explain_share": self.settings.offline_explain_share,
        }
        options = options.model_copy(
            update={k: v for k, v in shares.items() if k not in options.model_fields_set}
        )
        seed = int.from_bytes(hashlib.sha256(prompt.encode("utf-8")).digest()[:8], "big")
        rng = random.Random(seed)
        purpose = options.purpose if options.purpose in dict(_PURPOSES) else purpose_of(prompt)
        handler = getattr(self, f"_{purpose}")
        return handler(prompt, rng, options)

    # --- tasks ------------------------------------------------------------------------

    def _check(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        return "확인"

    def _draft(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        low, high = read.length_range(prompt)
        retried = bool(read.feedback(prompt))
        target = rng.uniform(low + 0.2 * (high - low), high - 0.2 * (high - low))
        if rng.random() < (options.miss_share / 4 if retried else options.miss_share):
            target = low * 0.82 if rng.random() < 0.5 else high * 1.12
        explain = not retried and rng.random() < options.explain_share
        world = read.section(prompt, "작품 설정")
        genre = read.bullet_values(world).get("장르", "")
        return demo_writer.write_episode(
            rng,
            read.voices(prompt),
            read.outline(prompt),
            int(target),
            explain=explain,
            setting=demo_writer.project_setting(genre, world),
        )

    def _style(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        text = read.section(prompt, "원고")
        warned = set(re.findall(r"^- (\w+):", read.section(prompt, "경고된 메트릭"), re.M))
        return demo_writer.correct_style(text, warned) + "\n"

    def _revise(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        text = read.section(prompt, "원본 원고")
        instruction = read.section(prompt, "수정 지시").strip()
        return demo_revise.apply(text, instruction, read.voices(prompt), rng) + "\n"

    def _summary(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        number = read.episode_number(prompt)
        text = read.section(prompt, f"{number}화 원고")
        scenes = [s.strip() for s in re.split(r"^###\s*$", text, flags=re.M) if s.strip()]
        picks = [goals[0] for goals in map(self._goals, scenes) if goals]
        last = text.strip().split("\n\n")[-1].strip() if text.strip() else ""
        summary = f"{number}화: " + " / ".join(picks[:3])
        if last:
            summary += f". 마지막: {last}"
        return summary[:200]

    @staticmethod
    def _goals(scene: str) -> list[str]:
        return demo_writer.find_marked("goal_lines", scene)

    def _events(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        number = read.episode_number(prompt)
        text = read.section(prompt, f"{number}화 원고")
        names = [n.strip() for n in read.section(prompt, "등장 가능한 캐릭터").split(",")]
        names = [n for n in names if n]
        scenes = [s for s in re.split(r"^###\s*$", text, flags=re.M) if s.strip()]

        def present(chunk: str) -> list[str]:
            return [n for n in names if n in chunk][:3]

        events: list[dict[str, Any]] = []
        for scene in scenes[:4]:
            goal = re.search(r"마음속으로 되뇌었다\. ([^.\n]+)\.", scene)
            twist = re.search(r"그때였다\. ([^.\n]+)\.", scene)
            if goal:
                events.append(
                    {
                        "event_type": "plot",
                        "description": goal.group(1) + ".",
                        "characters_involved": present(scene),
                    }
                )
            if twist:
                events.append(
                    {
                        "event_type": "relationship" if rng.random() < 0.5 else "plot",
                        "description": twist.group(1) + ".",
                        "characters_involved": present(scene),
                    }
                )
        last = text.strip().split("\n\n")[-1].strip() if text.strip() else "다음 화의 단서"
        events.append(
            {
                "event_type": "foreshadow",
                "description": last[:120],
                "characters_involved": present(last),
            }
        )
        foreshadows = demo_foreshadows.plan(number, prompt, names)
        resolved = foreshadows.resolved
        if not events[:-1]:
            events.insert(
                0,
                {
                    "event_type": "plot",
                    "description": f"{number}화의 사건이 벌어진다.",
                    "characters_involved": names[:2],
                },
            )
        # At most 8 events; the closing hook and the planted foreshadows always stay.
        hook = next(e for e in reversed(events) if e["event_type"] == "foreshadow")
        rest = [e for e in events if e is not hook][: 7 - len(foreshadows.planted)]
        events = [*rest, hook, *foreshadows.planted]
        return json.dumps({"events": events, "resolved_foreshadows": resolved}, ensure_ascii=False)

    def _outline(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        p = demo_writer.phrases()
        voices = read.voices(prompt)
        names = [v.name for v in voices] or p["names"][:3]
        mains = [v.name for v in voices if v.role == "main"] or names[:1]
        goals = rng.sample(p["scene_goals"], k=min(5, len(p["scene_goals"])))
        conflicts = rng.sample(p["scene_conflicts"], k=min(5, len(p["scene_conflicts"])))
        scenes = []
        for i in range(rng.randint(3, 5)):
            cast = [rng.choice(mains)]
            cast += [n for n in rng.sample(names, k=min(2, len(names))) if n not in cast]
            scenes.append(
                {
                    "scene_number": i + 1,
                    "goal": goals[i],
                    "conflict": conflicts[i],
                    "twist": rng.choice(p["scene_twists"]) if rng.random() < 0.5 else None,
                    "characters": cast,
                    "emotion_intensity": rng.randint(3, 9),
                }
            )
        low, high = read.length_range(prompt)
        return json.dumps(
            {
                "scenes": scenes,
                "ending_hook": rng.choice(p["hook_lines"]),
                "estimated_word_count": (low + high) // 2,
            },
            ensure_ascii=False,
        )

    def _bootstrap(self, prompt: str, rng: random.Random, options: OfflineOptions) -> str:
        concept = read.bullet_values(read.section(prompt, "컨셉"))
        return json.dumps(demo_bootstrap.answer(concept, rng), ensure_ascii=False)
