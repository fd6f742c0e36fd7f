"""Guard (hard checks) and warnings (soft metrics), with thresholds from settings."""

from __future__ import annotations

from metrics_helpers import (
    corpus_files,
    corpus_text,
    episode_from_corpus,
    with_long_paragraphs_doubled,
)

from novelcraft.metrics import ending_hook, measure
from novelcraft.settings import GenerationSettings, MetricSettings, Settings

HOOK = "\n\n그때였다. 문밖에서 누군가 그의 이름을 불렀다."


def checks(result) -> list[str]:
    return [f.check for f in result.guard.failures]


def test_episode_in_range_with_scenes_and_hook_passes():
    episode = episode_from_corpus(7500, scenes=4) + HOOK
    result = measure(episode)
    assert 7000 <= result.length <= 9000
    assert result.scene_count == 4
    assert result.ending_hook, result.ending_hook_reason
    assert result.guard.passed and result.passed
    assert checks(result) == []


def test_length_out_of_range_says_by_how_much():
    short = episode_from_corpus(3000, scenes=3) + HOOK
    result = measure(short)
    assert checks(result) == ["length"]
    reason = result.guard.failures[0].reason
    assert f"{result.length:,}자" in reason and f"{7000 - result.length:,}자" in reason
    long = episode_from_corpus(9500, scenes=3) + HOOK
    assert checks(measure(long)) == ["length"]
    # The range comes from settings.
    relaxed = Settings(generation=GenerationSettings(min_length=1000, max_length=20000))
    assert measure(short, settings=relaxed).passed
    assert measure(long, settings=relaxed).passed


def test_too_few_scenes():
    result = measure(episode_from_corpus(7500, scenes=2) + HOOK)
    assert checks(result) == ["scene_count"]
    assert "2개" in result.guard.failures[0].reason
    lenient = Settings(generation=GenerationSettings(min_scenes=2))
    assert measure(episode_from_corpus(7500, scenes=2) + HOOK, settings=lenient).passed


def test_ending_hook_rules():
    ok, reason = ending_hook("그는 문을 닫았다.\n그런데 문고리가 저절로 돌아갔다?")
    assert ok and "?" in reason
    ok, reason = ending_hook("그는 문을 닫았다.\n\n“내일 보자.”")
    assert not ok and "대사" in reason
    ok, _ = ending_hook("그는 문을 닫았다.\n\n“거기 누구야?”")
    assert ok
    ok, reason = ending_hook("그는 문을 닫았다.\n\n그리고 잠이 들었다.")
    assert not ok and "훅 신호" in reason
    ok, reason = ending_hook("그리고 잠이 들었다. 설마 그가 살아 있을 줄은 몰랐다.", ["설마"])
    assert ok and "설마" in reason
    # Only the last paragraph counts.
    assert not ending_hook("정말일까?\n\n그리고 잠이 들었다.")[0]


def test_configured_hook_phrases_are_used():
    text = (
        episode_from_corpus(7500, scenes=3)
        + "\n\n그는 조용히 웃었다. 그 웃음의 의미는 아무도 몰랐다"
    )
    assert "ending_hook" in checks(measure(text))
    custom = Settings(metrics=MetricSettings(hook_phrases=["아무도 몰랐다"]))
    assert "ending_hook" not in checks(measure(text, settings=custom))


def test_banned_elements_fail_wherever_they_appear():
    episode = episode_from_corpus(7500, scenes=3) + HOOK
    assert measure(episode, banned_elements=["회귀", "각성"]).passed
    tainted = episode.replace("그때였다.", "그때였다. “각성했구나!”")
    result = measure(tainted, banned_elements=["회귀", "각성", "  "])
    assert checks(result) == ["banned_elements"]
    assert "각성" in result.guard.failures[0].reason and "1번" in result.guard.failures[0].reason


def test_failures_are_all_listed_at_once():
    result = measure("“좋아.”", banned_elements=["좋아"])
    assert checks(result) == ["length", "scene_count", "ending_hook", "banned_elements"]
    assert all(f.reason for f in result.guard.failures)


def test_corpus_warns_on_dialogue_ratio_not_on_repetition():
    for story in corpus_files():
        result = measure(corpus_text(story))
        by_metric = {w.metric: w for w in result.warnings}
        assert "dialogue_ratio" in by_metric
        warning = by_metric["dialogue_ratio"]
        assert warning.actual == result.dialogue_ratio < warning.expected_min == 0.4
        assert warning.expected == "40%–60%" and "대사" in warning.suggestion
        assert "repetition_rate" not in by_metric and "repeated_4grams" not in by_metric


def test_repetition_warning_quotes_the_copied_passage():
    story = corpus_files()[0]
    result = measure(with_long_paragraphs_doubled(corpus_text(story), 3))
    warning = next(w for w in result.warnings if w.metric == "repetition_rate")
    assert warning.severity == "major"
    assert warning.examples and all(e in corpus_text(story) for e in warning.examples)
    # Warnings are soft: they never fail the guard by themselves.
    assert "repetition_rate" not in checks(result)


def test_severity_grows_with_the_distance_from_the_range():
    settings = Settings(metrics=MetricSettings(dialogue_ratio_min=0.3, dialogue_ratio_max=0.6))
    near = measure(
        "“가자, 어서 가자.” 그는 마을 어귀까지 쉬지 않고 걸었다. 해가 지고 있었다.",
        settings=settings,
    )
    far = measure(
        "그는 마을 어귀까지 쉬지 않고 걸었다. 해가 지고 있었다. 바람이 차가웠다. "
        "길가의 메밀꽃이 달빛에 하얗게 빛났다. 그는 걸음을 멈추었다. “가자.”",
        settings=settings,
    )
    assert 0.15 < near.dialogue_ratio < 0.3
    assert far.dialogue_ratio < 0.15
    severity = [
        next(w.severity for w in r.warnings if w.metric == "dialogue_ratio") for r in (near, far)
    ]
    assert severity == ["minor", "major"]
