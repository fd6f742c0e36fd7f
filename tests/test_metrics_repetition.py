"""Repetition: copy coverage and stock 4-grams, calibrated on the public-domain corpus."""

from __future__ import annotations

import pytest
from metrics_helpers import (
    corpus_files,
    corpus_text,
    with_long_paragraphs_doubled,
    with_sentence_inserted,
)

from novelcraft.metrics import repeated_4gram_list, repeated_4grams, repetition_rate
from novelcraft.metrics.repetition import repeated_passages

STORIES = corpus_files()
STOCK = "그는 고개를 천천히 끄덕이며 깊은 한숨을 내쉬었다."


def unique_text(n: int) -> str:
    """n distinct Hangul syllables: no 12-character window can occur twice."""
    return "".join(chr(0xAC00 + i) for i in range(n))


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_real_prose_scores_low(story):
    text = corpus_text(story)
    assert repetition_rate(text) < 0.03
    assert repeated_4grams(text) == 0


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_three_duplicated_long_paragraphs_score_high(story):
    padded = with_long_paragraphs_doubled(corpus_text(story), 3)
    assert repetition_rate(padded) >= 0.10


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_a_stock_sentence_five_times_is_a_repeated_4gram(story):
    text = with_sentence_inserted(corpus_text(story), STOCK, 5)
    assert repeated_4grams(text) >= 1
    grams = [gram for gram, count in repeated_4gram_list(text)]
    assert "그는 고개를 천천히 끄덕이며" in grams
    assert all(count >= 5 for _, count in repeated_4gram_list(text))


def test_stock_phrases_inside_dialogue_do_not_count():
    text = "\n".join(f"“{STOCK}” 그녀가 {i}번째로 말했다." for i in range(5))
    assert repeated_4grams(text) == 0
    narrated = "\n".join(f"{STOCK} 그녀가 {i}번째로 말했다." for i in range(5))
    assert repeated_4grams(narrated) >= 1


def test_punctuation_does_not_hide_a_repeated_phrase():
    text = "그는 문을 열고 나갔다. 그는 문을 열고 나갔다, 그는 문을 열고 나갔다!"
    assert repeated_4gram_list(text) == [("그는 문을 열고 나갔다", 3)]


def test_twice_is_not_a_stock_phrase():
    assert repeated_4grams("그는 문을 열고 나갔다.\n그는 문을 열고 나갔다.") == 0


def test_coverage_counts_exactly_the_copied_characters():
    body = unique_text(300)
    copy = body[100:112]
    text = body + copy
    assert repetition_rate(text) == pytest.approx(24 / len(text))
    # Whitespace is not part of the text: a copy broken by spaces is still a copy.
    assert repetition_rate(body + " ".join(copy)) == pytest.approx(24 / len(text))


def test_eleven_characters_are_below_the_span():
    body = unique_text(300)
    assert repetition_rate(body + body[100:111]) == 0.0
    assert repetition_rate(body + body[100:112], span=13) == 0.0


def test_repeated_passages_quote_the_copy_as_written():
    body = " ".join(unique_text(200)[i : i + 5] for i in range(0, 200, 5))
    copied = "그날 밤 그는 끝내 돌아오지 않았다"
    text = f"{body[:200]} {copied}\n{body[200:]}\n{copied}"
    assert repeated_passages(text)[0] == copied
