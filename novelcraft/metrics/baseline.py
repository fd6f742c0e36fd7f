"""The human baseline: metric values of public-domain Korean stories, shown beside a draft.

The values are computed by `scripts/compute_baseline.py` from a corpus folder (each `X.txt`
beside an `X.source.txt` attribution) and shipped as `novelcraft/data/human_baseline.json`,
attribution included: the transcriptions are CC BY-SA and must stay credited wherever shown.
"""

from __future__ import annotations

import statistics
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from novelcraft.metrics.measure import measure

# The metrics that mean something without a project's characters or an episode's targets.
BASELINE_METRICS = (
    "length",
    "length_with_spaces",
    "scene_count",
    "avg_sentence_length",
    "dialogue_ratio",
    "explanation_density",
    "repetition_rate",
    "repeated_4grams",
)
_ATTRIBUTION_KEYS = {"Title": "title", "Author": "author", "Year": "year", "Copyright": "copyright"}


class BaselineStory(BaseModel):
    file: str
    title: str
    author: str
    year: str = ""
    copyright: str = ""
    source: str = ""
    attribution: str
    metrics: dict[str, float]


class HumanBaseline(BaseModel):
    description: str
    kiwipiepy_version: str
    median: dict[str, float]
    stories: list[BaselineStory]


def parse_attribution(text: str) -> dict[str, str]:
    """Title, author, year, copyright and the first URL of a `.source.txt` file."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in _ATTRIBUTION_KEYS:
            found.setdefault(_ATTRIBUTION_KEYS[key.strip()], value.strip())
        elif line.strip().startswith("https://") and "source" not in found:
            found["source"] = line.strip()
    return found


def story_metrics(text: str) -> dict[str, float]:
    values = measure(text).to_json()
    return {name: round(float(values[name]), 4) for name in BASELINE_METRICS}


def compute_baseline(corpus_dir: Path) -> HumanBaseline:
    """Measure every `*.txt` story (not the `.source.txt` files) of a folder."""
    from kiwipiepy import __version__ as kiwi_version

    stories = []
    for path in sorted(corpus_dir.glob("*.txt")):
        if path.name.endswith(".source.txt"):
            continue
        source = path.with_name(path.stem + ".source.txt")
        attribution = source.read_text(encoding="utf-8") if source.exists() else ""
        fields = parse_attribution(attribution)
        fields.setdefault("title", path.stem)
        fields.setdefault("author", "")
        stories.append(
            BaselineStory(
                file=path.name,
                attribution=attribution,
                metrics=story_metrics(path.read_text(encoding="utf-8")),
                **fields,
            )
        )
    median = {
        name: round(statistics.median(s.metrics[name] for s in stories), 4)
        for name in BASELINE_METRICS
        if stories
    }
    return HumanBaseline(
        description=(
            "Metric values of public-domain Korean short stories (Wikisource transcriptions, "
            "CC BY-SA 4.0), computed by scripts/compute_baseline.py"
        ),
        kiwipiepy_version=kiwi_version,
        median=median,
        stories=stories,
    )


@cache
def load_baseline() -> HumanBaseline:
    data = resources.files("novelcraft").joinpath("data/human_baseline.json").read_text("utf-8")
    return HumanBaseline.model_validate_json(data)
