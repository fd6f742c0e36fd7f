"""The human baseline shipped with the package: up to date and credited."""

from __future__ import annotations

import pytest
from metrics_helpers import CORPUS_DIR, corpus_files, corpus_text

from novelcraft.metrics import measure
from novelcraft.metrics.baseline import (
    BASELINE_METRICS,
    compute_baseline,
    load_baseline,
    parse_attribution,
)


def test_every_corpus_story_has_its_attribution_file():
    for story in corpus_files():
        source = story.with_name(story.stem + ".source.txt")
        assert source.exists(), source
        fields = parse_attribution(source.read_text(encoding="utf-8"))
        assert fields["title"] and fields["author"]
        assert fields["source"].startswith("https://ko.wikisource.org/")


def test_packaged_baseline_matches_a_fresh_computation():
    shipped = load_baseline()
    fresh = compute_baseline(CORPUS_DIR)
    assert [s.file for s in shipped.stories] == [p.name for p in corpus_files()]
    for old, new in zip(shipped.stories, fresh.stories, strict=True):
        assert old.metrics == pytest.approx(new.metrics, abs=1e-4), old.file
        assert old.attribution == new.attribution
    assert shipped.median == pytest.approx(fresh.median, abs=1e-4)


def test_baseline_values_are_the_measured_values():
    shipped = {s.file: s.metrics for s in load_baseline().stories}
    story = corpus_files()[0]
    result = measure(corpus_text(story)).to_json()
    for name in BASELINE_METRICS:
        assert shipped[story.name][name] == pytest.approx(result[name], abs=1e-4)


def test_baseline_credits_authors_and_licence():
    baseline = load_baseline()
    assert len(baseline.stories) == 3
    for story in baseline.stories:
        assert story.title and story.author and story.source.startswith("https://")
        assert "CC BY-SA" in story.attribution
    assert set(baseline.median) == set(BASELINE_METRICS)
