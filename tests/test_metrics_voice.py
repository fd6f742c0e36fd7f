"""Voice: attributing dialogue to characters, allowed endings, banned endings, dialect."""

from __future__ import annotations

import unicodedata

from metrics_helpers import corpus_files, corpus_text

from novelcraft.metrics import dialogue_lines, measure, voice
from novelcraft.models import Character, SpeechStyle


def character(name: str, endings=(), banned=()) -> Character:
    return Character(
        name=name, speech_style=SpeechStyle(endings=list(endings), banned_endings=list(banned))
    )


MINJUN = character("민준", ["-거든", "~잖아"], ["-습니다"])
SEOYEON = character("한서연", ["-요"], ["-냐"])
CAST = [MINJUN, SEOYEON]


def speakers(text: str, cast=CAST) -> list[str | None]:
    return [
        None if ln.speaker is None else cast[ln.speaker].name for ln in dialogue_lines(text, cast)
    ]


def test_speaker_from_the_paragraph_before_or_after():
    text = (
        "민준이 서연을 바라보았다.\n\n“왜 그래?”\n\n“아무것도 아니에요.”\n\n서연이 고개를 저었다."
    )
    assert speakers(text) == ["민준", "한서연"]


def test_speaker_nearest_in_the_same_paragraph():
    assert speakers("민준은 웃었다. “좋아요.” 서연이 말했다.") == ["한서연"]
    assert speakers("“좋아.” 민준이 말했다. 서연은 웃기만 했다.") == ["민준"]


def test_subject_particle_outranks_a_nearer_object():
    assert speakers("민준은 서연을 보며 “가자.”") == ["민준"]


def test_names_inside_quotes_are_the_person_spoken_to():
    assert speakers("민준이 문을 열었다.\n“서연아, 가자.”") == ["민준"]


def test_no_name_around_means_no_speaker_and_scenes_are_a_wall():
    assert speakers("그가 문을 열었다.\n“가자.”") == [None]
    assert speakers("민준이 문을 열었다.\n***\n“가자.”") == [None]


def test_share_of_lines_with_an_allowed_ending():
    text = "\n".join(
        [
            "“내가 했거든.” 민준이 말했다.",
            "“네가 했잖아!” 민준이 소리쳤다.",
            "“몰라.” 민준이 돌아섰다.",
            "“정말요?” 서연이 물었다.",
        ]
    )
    found = {v.name: v for v in voice(text, CAST)}
    assert (found["민준"].lines, found["민준"].allowed_lines) == (3, 2)
    assert found["민준"].allowed_share == 2 / 3
    assert found["민준"].off_voice_lines == ["“몰라.”"]
    assert found["한서연"].allowed_share == 1.0
    assert found["민준"].banned == [] and found["한서연"].banned == []
    assert sum(found["민준"].endings.values()) == 3


def test_banned_ending_fails_the_guard_with_a_reason():
    text = "“알겠습니다.” 민준이 고개를 숙였다. “정말이냐?” 서연이 물었다."
    result = measure(text, CAST)
    banned = {v.name: [b.ending for b in v.banned] for v in result.voice}
    assert banned == {"민준": ["-습니다"], "한서연": ["-냐"]}
    reasons = [f.reason for f in result.guard.failures if f.check == "banned_endings"]
    assert len(reasons) == 2
    assert "민준" in reasons[0] and "-습니다" in reasons[0] and "알겠습니다" in reasons[0]
    assert not result.passed


def test_banned_ending_written_with_its_stem_is_found():
    court = character("신하", banned=["~하옵니다"])
    found = voice("“그러하옵니다.” 신하가 아뢰었다.", [court])
    assert [b.ending for b in found[0].banned] == ["-하옵니다"]


def test_dialect_yu_endings_are_endings():
    farmer = character("복순", ["-유"])
    text = "복순이 웃었다.\n“그래유.”\n“알았어유.”\n“밥은 먹었어유?”"
    lines = dialogue_lines(text, [farmer])
    yu = unicodedata.normalize("NFD", "유")
    assert all(line.endings and line.endings[-1].morph.endswith(yu) for line in lines)
    assert voice(text, [farmer])[0].allowed_share == 1.0


def test_pyongan_di_endings_are_found_in_gamja():
    gamja = next(p for p in corpus_files() if "gamja" in p.name)
    di = unicodedata.normalize("NFD", "디")
    lines = dialogue_lines(corpus_text(gamja))
    with_di = [ln.text for ln in lines if any(e.morph.endswith(di) for e in ln.endings)]
    assert len(with_di) >= 3
    assert any("말디" in text for text in with_di)


def test_off_voice_warning_needs_enough_lines():
    many = "\n".join(f"“몰라{'.' * (i + 1)}” 민준이 말했다." for i in range(3))
    warnings = [w for w in measure(many, CAST).warnings if w.metric == "voice"]
    assert [(w.character, w.actual) for w in warnings] == [("민준", 0.0)]
    assert warnings[0].examples and "거든" in warnings[0].suggestion
    few = "“몰라.” 민준이 말했다."
    assert [w for w in measure(few, CAST).warnings if w.metric == "voice"] == []


def test_characters_without_profiles_get_counts_but_no_share():
    plain = character("영감")
    found = voice("“오늘은 장이 서겠지.” 영감이 말했다.", [plain])
    assert found[0].lines == 1 and found[0].allowed_share is None
