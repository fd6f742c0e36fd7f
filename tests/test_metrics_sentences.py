"""Kiwi sentences and endings: the singleton, sentence length, explanation density, endings."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from metrics_helpers import corpus_files, corpus_text

from novelcraft.metrics import (
    Document,
    avg_sentence_length,
    explanation_density,
    get_kiwi,
    measure,
)
from novelcraft.metrics.endings import (
    display_ending,
    normalize_ending,
    sentence_ending,
    uses_ending,
)
from novelcraft.metrics.text import non_space_len


def ending_of(text: str):
    sentence = Document(text).sentences[-1]
    return sentence_ending(list(sentence.tokens), sentence.text)


def test_one_kiwi_per_process_even_from_threads():
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda _: id(get_kiwi()), range(8)))
    assert len(set(found)) == 1


def test_measuring_from_threads_gives_the_serial_result():
    texts = [corpus_text(p) for p in corpus_files()]
    serial = [measure(t).to_json() for t in texts]
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(lambda t: measure(t).to_json(), texts * 2))
    assert threaded == serial * 2


def test_decimal_points_and_ellipses_do_not_end_sentences():
    text = "그러니까 말이야, 3.5킬로그램이 넘는다니까. 그는…… 말을 잇지 못했다."
    naive_pieces = [p for p in text.replace("!", ".").replace("?", ".").split(".") if p.strip()]
    assert len(naive_pieces) > 2
    assert len(Document(text).sentences) == 2
    assert avg_sentence_length(text) == pytest.approx(non_space_len(text) / 2)


def test_quoted_sentences_are_sentences_of_their_own():
    text = "“어디 가니?” 그가 물었다. “집에.”"
    assert [s.text for s in Document(text).sentences] == ["“어디 가니?”", "그가 물었다.", "“집에.”"]
    assert [s.in_dialogue for s in Document(text).sentences] == [True, False, True]


def test_explanation_density_counts_final_predicates_in_narration():
    narration = (
        "그는 문을 열었다. 그것은 운명이었던 것이다. 비가 왔기 때문이다. "
        "누구나 그럴 수 있었다. 바람이 불었다. 그는 웃었다. 그녀도 웃었다. 밤이 깊었다."
    )
    assert explanation_density(narration) == pytest.approx(3 / 8)
    # The same predicates inside dialogue are speech (할 거야 = future), not exposition.
    spoken = "“내가 할 거야.” 그가 말했다. “그럴 수 있다.” 그녀가 답했다."
    assert explanation_density(spoken) == 0.0
    # 것/수 not in final position do not count.
    assert explanation_density("그가 한 것을 보았다. 수많은 사람이 있었다.") == 0.0


@pytest.mark.parametrize("written", ["-거든", "~거든", "거든", " -거든 ", "～거든"])
def test_ending_markers_are_normalised(written):
    assert normalize_ending(written) == unicodedata.normalize("NFD", "거든")


def test_jamo_final_endings_match_bible_spelling():
    wanted = normalize_ending("-ㅂ니다")
    # Kiwi returns 'ᆸ니다' (a bare final consonant); 습니다 is the same ending after a consonant
    # and also ends in the ㅂ니다 jamo sequence.
    for text in ("감사합니다.", "그렇게 하십니다.", "가겠습니다."):
        found = ending_of(text)
        assert found.morph, text
        assert uses_ending(found, wanted), text
    assert uses_ending(ending_of("가겠습니다."), normalize_ending("-습니다"))
    assert not uses_ending(ending_of("감사합니다."), normalize_ending("-습니다"))
    assert not uses_ending(ending_of("감사해요."), wanted)
    assert display_ending(normalize_ending("-ㄹ게")) == "ㄹ게"
    assert ending_of("내가 할게.").label == "-ㄹ게"


def test_pre_final_endings_are_part_of_the_ending():
    found = ending_of("그건 네가 했잖아!")
    assert found.label == "-었잖아"
    assert uses_ending(found, normalize_ending("-잖아"))
    assert not uses_ending(found, normalize_ending("-거든"))


def test_sentence_without_ending_falls_back_to_the_last_word():
    found = ending_of("“충주집 말이야, 그 애숭이가?”")
    assert found.last_word == unicodedata.normalize("NFD", "애숭이가")
