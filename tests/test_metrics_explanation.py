"""Explanation density (DESIGN §7.6): questions and the intent/conjecture 터 do not explain."""

from __future__ import annotations

import pytest

from novelcraft.metrics import Document, explanation_density
from novelcraft.metrics.style import explanation_sentences, is_explanation

# Two plain narration sentences around the one under test: the density is 1/3 when it is an
# explanation and 0 when it is not.
_FRAME = "그는 문을 열었다. {sentence} 바람이 불었다."


def _density_with(sentence: str) -> float:
    return explanation_density(_FRAME.format(sentence=sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "그것은 운명이었던 것이다.",
        "비가 왔기 때문이다.",
        "누구나 그럴 수 있었다.",
        "그게 전부인 셈이었다.",
        "그랬던 것이니까.",
        "그것은 그가 지은 죄였던 것입니다.",
        # Written out, 터이다 states a circumstance (현진건, 운수 좋은 날).
        "한 달에 일 원씩 내는 터이다.",
    ],
)
def test_explaining_predicates_still_count(sentence):
    assert _density_with(sentence) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "sentence",
    [
        # A question mark: the same predicate asked, not told.
        "그것이 운명이었던 것이다?",
        "왜 그랬던 것일까?",
        # -는가 / -ㄴ가 after 수 있다 and 것이다.
        "그가 범인이라는 것을 알 수 있는가.",
        "그것은 무엇을 위한 것인가.",
        # -냐 / -느냐 / -니.
        "대체 무엇을 하는 거냐.",
        "도망칠 수 있겠느냐.",
        "그렇게 끝난 거니.",
        # -ㄹ까 (with or without the polite 요).
        "그것은 진짜 이유였던 것일까.",
        "그럴 수 있을까요.",
        # -ㅂ니까.
        "그것이 전부였던 것입니까.",
        # -ㄹ지: wondering, not telling.
        "살아남을 수 있을지.",
    ],
)
def test_questions_are_not_explanations(sentence):
    assert _density_with(sentence) == 0.0


@pytest.mark.parametrize(
    "sentence",
    ["나는 내일 떠날 테요.", "곧 비가 올 테니까.", "아무도 모를 테지.", "내가 하고 말 테다."],
)
def test_intent_and_conjecture_te_are_not_explanations(sentence):
    # Kiwi parses 테 as 터/NNB + 이/VCP (FACTS), the same shape as an explaining 것이다.
    (parsed,) = Document(sentence).sentences
    assert [t.tag for t in parsed.tokens if t.form in ("터", "이")][:2] == ["NNB", "VCP"]
    assert not is_explanation(parsed)
    assert _density_with(sentence) == 0.0


def test_mixed_narration_counts_only_statements():
    text = (
        "그는 문을 열었다. 그것은 운명이었던 것이다. 그가 범인이라는 것을 알 수 있는가. "
        "대체 무엇을 하는 거냐. 나는 내일 떠날 테요. 곧 비가 올 테니까. 비가 왔기 때문이다. "
        "그것은 진짜 이유였던 것일까."
    )
    assert explanation_density(text) == pytest.approx(2 / 8)
    assert [s.text for s in explanation_sentences(text)] == [
        "그것은 운명이었던 것이다.",
        "비가 왔기 때문이다.",
    ]
