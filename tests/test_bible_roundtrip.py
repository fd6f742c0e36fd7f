"""The round-trip law of DESIGN §4: canonical export is a fixpoint, style does not matter."""

from __future__ import annotations

import random

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novelcraft.bible import dump_bible, parse_bible
from novelcraft.models import (
    BehavioralRules,
    Bible,
    Character,
    Progression,
    ProjectInfo,
    Relationship,
    Season,
    SpeechStyle,
)

SLUG = "hoegwihan-geomsaui-du-beonjjae"


def test_sample_bible_is_canonical(sample_bible_text):
    assert dump_bible(parse_bible(sample_bible_text)) == sample_bible_text


def test_sample_bible_is_rich(sample_bible_text):
    bible = parse_bible(sample_bible_text)
    assert len(bible.characters) >= 4
    assert len(bible.seasons) >= 2
    assert bible.relationships
    endings = [tuple(c.speech_style.endings) for c in bible.characters]
    assert len(set(endings)) == len(endings), "every character needs a voice of their own"
    for character in bible.characters:
        assert len(character.speech_style.endings) >= 3
        assert character.speech_style.banned_endings


def test_store_round_trip_is_byte_identical(workspace, sample_bible_path, sample_bible_text):
    slug = workspace.import_bible(sample_bible_path)
    assert slug == SLUG
    assert workspace.export_bible(slug) == sample_bible_text


def test_cli_round_trip_is_byte_identical(cli, sample_bible_path, tmp_path):
    assert cli("init").code == 0
    imported = cli("bible", "import", sample_bible_path)
    assert imported.code == 0, imported.err
    out = tmp_path / "out.yaml"
    assert cli("bible", "export", imported.out.strip(), "-o", out).code == 0
    assert out.read_bytes() == sample_bible_path.read_bytes()


def _shuffled(value, rng: random.Random):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def test_flow_style_reordered_variant_exports_canonically(sample_bible_text):
    data = yaml.safe_load(sample_bible_text)
    for seed in range(5):
        variant = yaml.safe_dump(
            _shuffled(data, random.Random(seed)),
            default_flow_style=True,
            allow_unicode=seed % 2 == 0,
            width=60,
        )
        assert variant != sample_bible_text
        assert dump_bible(parse_bible(variant)) == sample_bible_text


def test_explicit_empty_and_null_fields_export_like_absent_ones(sample_bible_text):
    data = yaml.safe_load(sample_bible_text)
    minor = data["characters"][-1]
    assert "appearance" not in minor and "notes" not in data["relationships"][1]
    minor["appearance"] = None
    minor["notes"] = ""
    minor["behavioral_rules"]["values"] = []
    minor["speech_style"]["catchphrases"] = ["대박"]
    data["relationships"][1]["notes"] = ""
    data["relationships"][1]["since_episode"] = 1
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
    assert dump_bible(parse_bible(text)) == sample_bible_text.replace(
        "      values:\n        - 특종\n", ""
    )


# --- property: any valid bible round-trips ----------------------------------------------

_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\x85\u2028\u2029"
    )
    | st.sampled_from("\n가나다 -:#'\"~[]{}"),
    max_size=40,
)
_word = st.text(alphabet=st.characters(categories=("Lo", "Ll", "Nd")), min_size=1, max_size=8)
_words = st.lists(_text, max_size=4)


@st.composite
def bibles(draw) -> Bible:
    names = draw(st.lists(_word, min_size=1, max_size=5, unique=True))
    characters = [
        Character(
            name=name,
            role=draw(st.sampled_from(["main", "supporting", "minor"])),
            personality=draw(_text),
            speech_style=SpeechStyle(
                endings=draw(_words),
                banned_endings=draw(_words),
                catchphrases=draw(_words),
                formality=draw(_text),
                emotion_style=draw(_text),
            ),
            behavioral_rules=BehavioralRules(values=draw(_words), conflict_style=draw(_text)),
            background=draw(_text),
            progressions=draw(
                st.lists(
                    st.builds(Progression, from_episode=st.integers(1, 300), fact=_word),
                    max_size=2,
                )
            ),
        )
        for name in names
    ]
    seasons, start = [], 1
    for number in range(1, draw(st.integers(0, 3)) + 1):
        length = draw(st.integers(1, 80))
        seasons.append(
            Season(
                number=number,
                title=draw(_text),
                first_episode=start,
                last_episode=start + length - 1,
                arc=draw(_text),
            )
        )
        start += length + draw(st.integers(0, 5))
    relationships = [
        Relationship.model_validate(
            {
                "from": draw(st.sampled_from(names)),
                "to": draw(st.sampled_from(names)),
                "kind": draw(_word),
                "since_episode": draw(st.none() | st.integers(1, 300)),
                "notes": draw(_text),
            }
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Bible(
        project=ProjectInfo(
            name=draw(_word),
            genre=draw(_text),
            synopsis=draw(_text),
            banned_elements=draw(_words),
            references=draw(_words),
        ),
        seasons=seasons,
        characters=characters,
        relationships=relationships,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bibles())
def test_any_bible_round_trips_and_export_is_a_fixpoint(bible):
    text = dump_bible(bible)
    again = parse_bible(text)
    assert again == bible
    assert dump_bible(again) == text
    assert text.endswith("\n")
