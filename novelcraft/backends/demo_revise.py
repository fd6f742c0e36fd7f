"""The demo writer's revision: it reads the instruction for a few things an author asks for
and does them to the text (shorter lines, less explaining, shorter sentences, a sharper
ending, a renamed person, a dropped scene), limited to the scene the instruction names. It
never pastes the instruction into the manuscript; an instruction it cannot read gets a light
line edit, which the version diff shows for what it is."""

from __future__ import annotations

import random
import re

from novelcraft.backends.demo_writer import correct_style, phrases
from novelcraft.backends.prompt_reading import Voice

_SCENE_BREAK = re.compile(r"\n\s*###\s*\n")
_SCENE_NUMBER = re.compile(r"(\d+)\s*(?:번째\s*)?장면|장면\s*(\d+)")
_RENAME = re.compile(
    r"([가-힣A-Za-z]{1,12})[을를]\s*([가-힣A-Za-z]{1,12}?)(?:으로|로)\s*(?:바꿔|바꾸|고쳐|변경)"
)
_DROP_SCENE = re.compile(r"장면\s*(?:\d+\s*)?(?:을|를|은|는)?\s*(?:통째로\s*)?(?:삭제|빼|없애)")
_QUOTE = re.compile(r'"([^"\n]*)"')
_FIRST_SENTENCE = re.compile(r"^(.*?[.!?…])\s")
MIN_SCENES = 3


def _shorten_dialogue(text: str) -> str:
    def short(match: re.Match) -> str:
        first = _FIRST_SENTENCE.match(match.group(1) + " ")
        return f'"{first.group(1)}"' if first else match.group(0)

    return _QUOTE.sub(short, text)


def _sharper_ending(text: str, voices: list[Voice], rng: random.Random) -> str:
    names = [v.name for v in voices] or ["그"]
    hook = rng.choice(phrases()["hooks"]).format(
        name=names[0], other=names[1] if len(names) > 1 else names[0]
    )
    paragraphs = text.rstrip().split("\n\n")
    paragraphs[-1] = hook
    return "\n\n".join(paragraphs)


def _light_edit(text: str) -> str:
    edited = correct_style(text, {"avg_sentence_length"})
    if edited != text:
        return edited
    # Otherwise drop the last sentence of the longest narration paragraph.
    paragraphs = text.split("\n\n")
    narration = [i for i, p in enumerate(paragraphs) if '"' not in p and p.count(".") > 1]
    if narration:
        i = max(narration, key=lambda k: len(paragraphs[k]))
        paragraphs[i] = paragraphs[i].rstrip().rsplit(". ", 1)[0].rstrip(".") + "."
    return "\n\n".join(paragraphs)


def _edit_scene(scene: str, instruction: str, voices, rng) -> str:
    done = False
    if "대사" in instruction and any(w in instruction for w in ("짧", "줄")):
        scene, done = _shorten_dialogue(scene), True
    if "설명" in instruction and any(w in instruction for w in ("줄", "빼", "없애", "덜")):
        scene, done = correct_style(scene, {"explanation_density"}), True
    if "문장" in instruction and any(w in instruction for w in ("짧", "끊", "나눠")):
        scene, done = correct_style(scene, {"avg_sentence_length"}), True
    return scene if done else _light_edit(scene)


def apply(text: str, instruction: str, voices: list[Voice], rng: random.Random) -> str:
    text = text.strip()
    rename = _RENAME.search(instruction)
    if rename:
        old, new = rename.group(1), rename.group(2)
        return text.replace(old, new)
    scenes = _SCENE_BREAK.split(text)
    wanted = _SCENE_NUMBER.search(instruction)
    index = int(wanted.group(1) or wanted.group(2)) - 1 if wanted else None
    if index is not None and not 0 <= index < len(scenes):
        index = None
    dropping = _DROP_SCENE.search(instruction) is not None
    if index is not None and dropping and len(scenes) > MIN_SCENES:
        del scenes[index]
        return "\n\n###\n\n".join(scenes)
    if any(w in instruction for w in ("엔딩", "마지막", "끝", "긴장", "훅")) and index is None:
        return _sharper_ending(text, voices, rng)
    targets = [index] if index is not None else range(len(scenes))
    for i in targets:
        scenes[i] = _edit_scene(scenes[i], instruction, voices, rng)
    return "\n\n###\n\n".join(scenes)
