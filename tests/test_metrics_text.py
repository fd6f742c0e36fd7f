"""Text structure: scenes, paragraphs, dialogue quotes, line endings, lengths."""

from __future__ import annotations

import unicodedata

import pytest
from metrics_helpers import corpus_files, corpus_text, lines

from novelcraft.metrics import Document, dialogue_ratio, length, length_with_spaces, measure
from novelcraft.metrics.text import dialogue_spans, is_scene_marker, split_paragraphs

STORIES = corpus_files()
UNSU = next(p for p in STORIES if "unsu" in p.name)


@pytest.mark.parametrize("marker", ["###", "***", "* * *", "＊＊＊", "◇◇◇", "───", "🙝🙟"])
def test_every_scene_marker_splits_scenes(marker):
    text = f"첫 장면이다.\n{marker}\n둘째 장면이다.\n\n  {marker}  \n셋째 장면이다."
    assert Document(text).scene_count == 3


def test_markers_at_the_edges_or_doubled_make_no_empty_scene():
    text = "***\n\n첫 장면.\n***\n***\n둘째 장면.\n###\n"
    assert Document(text).scene_count == 2


def test_marker_characters_inside_a_sentence_are_not_markers():
    assert not is_scene_marker("그는 ***라고 적었다.")
    assert not is_scene_marker("**")
    assert Document("그는 ***라고 적었다.\n다음 줄.").scene_count == 1


def test_corpus_scene_count_follows_its_ornament_lines():
    text = corpus_text(UNSU)
    ornaments = [i for i, line in enumerate(text.split("\n")) if line.strip() == "🙝🙟"]
    assert ornaments[0] == 0  # the story opens with one, which must not count as a scene
    assert Document(text).scene_count == len(ornaments)


def test_quote_styles_give_the_same_dialogue_ratio():
    curly = corpus_text(UNSU)
    straight = curly.replace("“", '"').replace("”", '"')
    corner = curly.replace("“", "「").replace("”", "」")
    double_corner = curly.replace("“", "『").replace("”", "』")
    styles = ['"{}"', "「{}」", "“{}”", '"{}”', "『{}』"]
    mixed_lines = []
    for n, line in enumerate(curly.split("\n")):
        style = styles[n % len(styles)]
        mixed_lines.append(line.replace("“", style[0]).replace("”", style[-1]))
    mixed = "\n".join(mixed_lines)
    ratios = [dialogue_ratio(t) for t in (curly, straight, corner, double_corner, mixed)]
    assert ratios[0] > 0.1
    assert ratios == pytest.approx([ratios[0]] * 5, abs=1e-12)


def test_single_quotes_are_thoughts_not_dialogue():
    assert dialogue_ratio("‘이상하다.’ 그는 생각했다. '정말 이상해.'") == 0.0
    assert dialogue_ratio("“가자.”") == 1.0


def test_unbalanced_quote_only_changes_its_own_paragraph():
    paragraphs = [p for p in lines(corpus_text(UNSU)) if not is_scene_marker(p)]
    target = next(i for i, p in enumerate(paragraphs) if p.count("”") >= 1 and len(p) > 80)
    broken = list(paragraphs)
    cut = broken[target].index("”")
    broken[target] = broken[target][:cut] + broken[target][cut + 1 :]
    before = split_paragraphs("\n".join(paragraphs))[0]
    after = split_paragraphs("\n".join(broken))[0]
    assert len(before) == len(after)
    changed = [
        i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a.dialogue != b.dialogue
    ]
    assert changed == [target]
    # The story-level ratio moves by at most that one paragraph's share of the text.
    share = len("".join(paragraphs[target].split())) / length("\n".join(paragraphs))
    moved = abs(dialogue_ratio("\n".join(broken)) - dialogue_ratio("\n".join(paragraphs)))
    assert 0 < moved <= share


def test_open_quote_runs_to_the_end_of_its_paragraph_only():
    unclosed = "그가 “가자. 이제 가야 해."
    assert dialogue_spans(unclosed) == [(unclosed.index("“"), len(unclosed))]
    two = "“나도 갈래.” “안 돼!” 그가 말했다."
    assert [two[a:b] for a, b in dialogue_spans(two)] == ["“나도 갈래.”", "“안 돼!”"]
    # A 『』 quote nested in a 「」 quote stays inside it.
    nested = "「그가 『가라』고 했어.」 끝."
    assert [nested[a:b] for a, b in dialogue_spans(nested)] == ["「그가 『가라』고 했어.」"]


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_crlf_and_cr_score_exactly_like_lf(story):
    text = corpus_text(story)
    expected = measure(text).to_json()
    assert measure(text.replace("\n", "\r\n")).to_json() == expected
    assert measure(text.replace("\n", "\r")).to_json() == expected


def test_decomposed_hangul_scores_like_composed():
    text = corpus_text(UNSU)
    nfd = unicodedata.normalize("NFD", text)
    assert len(nfd) > len(text)
    assert measure(nfd).to_json() == measure(text).to_json()


def test_lengths_count_characters_without_and_with_spaces():
    text = "가나 다라.\n\n  마바사  \n"
    assert length(text) == 8
    # Spaces inside the text count, line breaks and the outer blank do not.
    assert length_with_spaces(text) == len("가나 다라.") + len("  마바사")


def test_paragraphs_are_split_before_sentences():
    # No full stop at the end of the first line: a sentence must still not cross it.
    doc = Document("그는 창밖을 보았다\n비가 내리고 있었다.")
    assert [s.paragraph for s in doc.sentences] == [0, 1]
