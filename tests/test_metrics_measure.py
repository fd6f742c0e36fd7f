"""`measure`: the result contract, defaults, agreement with the single metrics, robustness."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_helpers import corpus_files, corpus_text

from novelcraft import metrics
from novelcraft.metrics import Measurement, measure
from novelcraft.models import Character, SpeechStyle

METRIC_NAMES = {
    "length",
    "length_with_spaces",
    "scene_count",
    "ending_hook",
    "avg_sentence_length",
    "dialogue_ratio",
    "explanation_density",
    "repetition_rate",
    "repeated_4grams",
    "voice",
}
CAST = [
    Character(
        name="민준",
        speech_style=SpeechStyle(endings=["-거든", "~ㅂ니다", "-"], banned_endings=["-요", "~"]),
    ),
    Character(name="*", speech_style=SpeechStyle(endings=["..."], banned_endings=["?"])),
]
# Everything Unicode has (lone surrogates included) plus the characters the parser cares about.
_TRICKY = list("“”\"「」『』‘’'\n\r\t ***###◇─🙝🙟…?!.가나다요유디민준이는 ᆸᄀ\x00\ufeff")
_ANY_TEXT = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=()), st.sampled_from(_TRICKY)),
    max_size=400,
)


def test_json_form_is_the_check_contract():
    data = measure(corpus_text(corpus_files()[0])).to_json()
    assert METRIC_NAMES | {"passed", "warnings"} <= set(data)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["passed"] == data["guard"]["passed"]
    for warning in data["warnings"]:
        assert {"metric", "actual", "expected", "severity", "suggestion"} <= set(warning)
    assert Measurement.model_validate(data).to_json() == data


def test_defaults_need_no_characters_or_settings():
    result = measure("“가자.” 그가 말했다.")
    assert result.voice == []
    assert measure("“가자.” 그가 말했다.", (), None).to_json() == result.to_json()


def test_measure_agrees_with_the_single_metric_functions():
    text = corpus_text(corpus_files()[1])
    result = measure(text)
    assert result.length == metrics.length(text)
    assert result.length_with_spaces == metrics.length_with_spaces(text)
    assert result.scene_count == metrics.scene_count(text)
    assert result.avg_sentence_length == metrics.avg_sentence_length(text)
    assert result.dialogue_ratio == metrics.dialogue_ratio(text)
    assert result.explanation_density == metrics.explanation_density(text)
    assert result.repetition_rate == metrics.repetition_rate(text)
    assert result.repeated_4grams == metrics.repeated_4grams(text)


def test_voice_score_summarises_the_characters():
    text = "“했거든.” 민준이 말했다.\n“몰라.” 민준이 말했다."
    result = measure(text, CAST[:1])
    assert result.voice_score == 0.5
    assert result.banned_ending_count == 0
    assert measure(text).voice_score is None


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=_ANY_TEXT, banned=st.lists(st.text(max_size=4), max_size=3))
def test_any_unicode_is_measured_without_raising(text, banned):
    result = measure(text, CAST, banned_elements=banned)
    assert 0.0 <= result.dialogue_ratio <= 1.0
    assert 0.0 <= result.repetition_rate <= 1.0
    assert 0.0 <= result.explanation_density <= 1.0
    assert result.length <= len(text) and result.scene_count >= 0
    assert result.passed == (not result.guard.failures)
    json.dumps(result.to_json(), ensure_ascii=False)
