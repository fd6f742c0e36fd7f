"""Voice distinctiveness (seed §15): leave-one-out speaker identification from ending
profiles, against chance."""

from __future__ import annotations

import pytest

from novelcraft.canon.voice_distinctiveness import attributed_lines, distinctiveness
from novelcraft.models import Character, SpeechStyle


def test_distinct_endings_are_told_apart_and_shared_ones_are_not():
    distinct = (
        [("도윤", ("w:거든",))] * 6 + [("하린", ("w:네요",))] * 6 + [("만석", ("w:구먼",))] * 6
    )
    result = distinctiveness(1, distinct)
    assert (result.accuracy, result.chance, result.speakers, result.lines) == (1.0, 0.3333, 3, 18)
    shared = [(name, ("w:니다",)) for name in ("도윤", "하린", "만석") for _ in range(6)]
    # Same ending for all: leaving a line out tips the prior against its own speaker.
    assert distinctiveness(1, shared).accuracy == 0.0


def test_one_line_says_nothing_and_one_speaker_has_no_rival():
    lines = [("도윤", ("w:거든",)), ("도윤", ("w:잖아",)), ("하린", ("w:요",))]
    result = distinctiveness(2, lines)
    assert (result.speakers, result.lines, result.accuracy) == (1, 2, None)


def test_lines_are_attributed_from_the_narration():
    characters = [
        Character(name="강도윤", speech_style=SpeechStyle(endings=["-거든"])),
        Character(name="서하린", speech_style=SpeechStyle(endings=["-네요"])),
    ]
    text = (
        '강도윤은 창을 닫았다. "내가 먼저 가 봤거든."\n\n'
        '서하린이 고개를 저었다. "정말 빠르시네요."\n\n'
        '강도윤은 웃었다. "늦으면 안 되거든."\n\n'
        '서하린이 서류를 넘겼다. "그래도 위험하네요."\n'
    )
    lines = attributed_lines([text], characters)
    assert [name for name, _ in lines] == ["강도윤", "서하린", "강도윤", "서하린"]
    assert distinctiveness(1, lines).accuracy == pytest.approx(1.0)
