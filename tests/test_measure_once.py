"""Each text is measured once: measurements by content hash, Kiwi analyses by paragraph."""

from __future__ import annotations

import pytest
from metrics_helpers import corpus_files, corpus_text

from novelcraft.backends.offline import OfflineBackend, purpose_of
from novelcraft.metrics import Document, measure
from novelcraft.metrics.measure_cache import MeasureCache, measurements
from novelcraft.metrics.sentences import analysis_counts, clear_analysis_cache
from novelcraft.models import Character
from novelcraft.pipeline import generate_episode
from novelcraft.settings import Settings


@pytest.fixture
def fresh_caches():
    clear_analysis_cache()
    measurements.clear()
    yield
    clear_analysis_cache()
    measurements.clear()


def _paragraphs(text: str) -> list[str]:
    return [p.text for p in Document(text).paragraphs]


def test_a_changed_paragraph_is_the_only_one_analysed_again(fresh_caches):
    text = corpus_text(corpus_files()[0])
    paragraphs = _paragraphs(text)
    measure(text)
    analysed, _ = analysis_counts()
    assert analysed == len(set(paragraphs))

    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip() == paragraphs[5])
    lines[index] = "그는 한참 동안 아무 말도 하지 않았다."
    edited = "\n".join(lines)
    result = measure(edited)
    assert analysis_counts()[0] == analysed + 1

    clear_analysis_cache()
    assert measure(edited).to_json() == result.to_json()
    assert analysis_counts()[0] == len(set(_paragraphs(edited)))


def test_cached_analyses_give_the_uncached_result(fresh_caches):
    texts = [corpus_text(p) for p in corpus_files()]
    warm = [measure(t).to_json() for t in texts]
    assert [measure(t).to_json() for t in texts] == warm
    _, reused = analysis_counts()
    assert reused >= sum(len(set(_paragraphs(t))) for t in texts)
    for text, expected in zip(texts, warm, strict=True):
        clear_analysis_cache()
        assert measure(text).to_json() == expected


def test_a_repeated_paragraph_is_analysed_once(fresh_caches):
    line = "그는 문을 열고 밖으로 나갔다. 바람이 차가웠다."
    text = "\n".join([line, "그녀가 뒤를 따랐다.", line, line])
    measure(text)
    assert analysis_counts()[0] == 2


def test_measure_cache_hits_only_on_identical_inputs():
    cache = MeasureCache(maxsize=8)
    text = corpus_text(corpus_files()[1])
    hero = Character(name="김첨지", role="main")
    first = cache.measure(text, [hero])
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.measure(text, [hero]).to_json() == first.to_json()
    assert (cache.hits, cache.misses) == (1, 1)
    # Any input that measure reads makes a different entry.
    cache.measure(text + "\n그는 웃었다.", [hero])
    cache.measure(text, [])
    cache.measure(text, [hero], banned_elements=["회귀"])
    strict = Settings()
    strict.generation.min_length = 100_000
    assert not cache.measure(text, [hero], strict).passed
    assert (cache.hits, cache.misses) == (1, 5)


def test_measure_cache_hands_out_copies():
    cache = MeasureCache()
    text = corpus_text(corpus_files()[2])
    first = cache.measure(text)
    first.warnings.clear()
    first.guard.failures.clear()
    again = cache.measure(text)
    assert again.to_json() == measure(text).to_json()


def test_measure_cache_is_bounded():
    cache = MeasureCache(maxsize=2)
    for text in ("첫째 원고다.", "둘째 원고다.", "셋째 원고다."):
        cache.measure(text)
    cache.measure("첫째 원고다.")
    assert (cache.hits, cache.misses) == (0, 4)


class RecordingOffline(OfflineBackend):
    """The offline writer, keeping every manuscript it returned (drafts and style passes)."""

    backend_id = "offline-recording"

    def __init__(self):
        super().__init__()
        self.texts: dict[str, list[str]] = {"draft": [], "style": []}

    def execute(self, prompt, *, schema, options):
        answer = super().execute(prompt, schema=schema, options=options)
        if purpose_of(prompt) in self.texts:
            self.texts[purpose_of(prompt)].append(answer)
        return answer


def test_a_pipeline_run_measures_each_text_once(workspace, sample_bible_path, fresh_caches):
    slug = workspace.import_bible(sample_bible_path)
    # Drafts full of explanations get warned about, so style passes run too.
    workspace.settings.backend.offline_explain_share = 1.0
    backend = RecordingOffline()
    run = workspace.run(slug, backend)
    for number in (1, 2, 3):
        generate_episode(run, number)
    assert len(backend.texts["draft"]) >= 3
    assert backend.texts["style"], "explanations were warned about, so a style pass ran"
    texts = backend.texts["draft"] + backend.texts["style"]
    # The edit step re-reads the saved draft and the final metrics re-read the chosen text:
    # those are cache hits, never a second measurement.
    assert measurements.misses == len(set(texts))
    assert measurements.hits >= 3
    # Kiwi saw each distinct paragraph once, however many texts shared it.
    distinct_paragraphs = {p for t in texts for p in _paragraphs(t)}
    assert analysis_counts()[0] == len(distinct_paragraphs)
