"""The analyst's frames (`Workspace.frame`, DESIGN §14) on a scripted season: every expected
value is computed from the texts and answers the scripted backend gave."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd
import pytest
from fake_llm import ScriptedBackend

from novelcraft.api.tables import frame_to_csv, frame_to_parquet, parquet_to_frame
from novelcraft.backends.base import BackendTimeout, Completion
from novelcraft.backends.offline import OfflineBackend, purpose_of
from novelcraft.errors import BadInput, NotFound
from novelcraft.frame_schema import COLUMNS, conform
from novelcraft.metrics import measure
from novelcraft.models import Season
from novelcraft.pipeline import edit_episode, generate_episode, revise_episode
from novelcraft.workspace import Workspace

# Episode 3's draft: far too short, no scenes, and 강도윤 says -습니다 (banned in his profile).
SHORT_DRAFT = (
    '강도윤이 말했다. "그 일은 제가 맡겠습니다."\n\n'
    '서하린이 고개를 저었다. "그건 안 돼요."\n\n'
    "두 사람은 말없이 서 있었다.\n"
)


@dataclass
class Call:
    episode: int
    purpose: str
    prompt_chars: int
    output_chars: int
    ok: bool
    error_kind: str | None
    tokens: tuple[int | None, int | None] = (None, None)


@dataclass
class Season3Script:
    """The offline writer, except: episode 2's first draft is one line (the retry fixes it),
    episode 3's only draft is SHORT_DRAFT, episode 1's summary times out once and then
    answers with token counts, and episode 1's events answer takes at least 50 ms."""

    episode: int = 0
    calls: list[Call] = field(default_factory=list)
    drafts: dict[int, list[str]] = field(default_factory=dict)
    offline: OfflineBackend = field(default_factory=OfflineBackend)

    def __call__(self, prompt, schema, options):
        purpose = purpose_of(prompt)
        n = self.episode
        earlier = [c for c in self.calls if c.episode == n and c.purpose == purpose]
        if purpose == "summary" and n == 1 and not earlier:
            self.calls.append(Call(n, purpose, len(prompt), 0, False, "timeout"))
            raise BackendTimeout("fake: no answer")
        if purpose == "draft" and n == 2 and not earlier:
            text = "너무 짧은 초고.\n"
        elif purpose == "draft" and n == 3:
            text = SHORT_DRAFT
        else:
            plain = OfflineBackend.Options(purpose=purpose, miss_share=0.0, explain_share=0.0)
            text = self.offline.execute(prompt, schema=schema, options=plain)
        if purpose == "draft":
            self.drafts.setdefault(n, []).append(text)
        if purpose == "summary" and n == 1:
            self.calls.append(Call(n, purpose, len(prompt), len(text), True, None, (11, 7)))
            return Completion(text=text, usage={"input_tokens": 11, "output_tokens": 7})
        if purpose == "events" and n == 1:
            time.sleep(0.05)
        self.calls.append(Call(n, purpose, len(prompt), len(text), True, None))
        return text


def _scripted_season(ws, bible_path):
    """Seasons 1 = episode 1 and 2 = episode 2 (episode 3 lies outside both), then three
    episodes by the scripted backend."""
    slug = ws.import_bible(bible_path)
    bible = ws.get_bible(slug)
    bible.seasons = [
        Season(number=1, title="첫 시즌", first_episode=1, last_episode=1),
        Season(number=2, title="둘째 시즌", first_episode=2, last_episode=2),
    ]
    ws.replace_bible(slug, bible)
    script = Season3Script()
    backend = ScriptedBackend(default=script)
    for number in (1, 2):
        script.episode = number
        generate_episode(ws.run(slug, backend), number)
    script.episode = 3
    generate_episode(ws.run(slug, backend, use_retry=False, with_editor=False), 3)
    return ws, slug, script


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """One scripted season shared by the tests that only read it."""
    ws = Workspace.open(tmp_path_factory.mktemp("season") / "ws", create=True)
    yield _scripted_season(ws, str(resources.files("novelcraft") / "data/sample_bible.yaml"))
    ws.close()


@pytest.fixture
def own_season(workspace, sample_bible_path):
    """A scripted season of its own, for tests that add to it."""
    return _scripted_season(workspace, sample_bible_path)


def _measure(ws, slug, text):
    bible = ws.get_bible(slug)
    return measure(
        text, bible.characters, ws.settings, banned_elements=bible.project.banned_elements
    )


def test_every_frame_has_exactly_its_schema_columns_and_dtypes(season):
    ws, slug, _ = season
    for kind, columns in COLUMNS.items():
        frame = ws.frame(kind, slug)
        assert list(frame.columns) == list(columns), kind
        assert {c: str(frame[c].dtype) for c in frame} == {
            c: str(pd.Series([], dtype=t).dtype) for c, t in columns.items()
        }, kind


def test_metrics_frame_has_one_row_per_measurement_with_season_and_values(season):
    ws, slug, script = season
    frame = ws.frame("metrics", slug)
    expected_rows = []
    for n in (1, 2, 3):
        for attempt, text in enumerate(script.drafts[n], 1):
            expected_rows.append((n, "pass1", attempt, text))
        expected_rows.append((n, "final", 1, ws.get_episode(slug, n).content))
    assert list(zip(frame["episode"], frame["stage"], frame["attempt"], strict=True)) == [
        (n, stage, attempt) for n, stage, attempt, _ in expected_rows
    ]
    assert frame["project"].tolist() == [slug] * len(expected_rows)
    seasons = {1: (1, "첫 시즌"), 2: (2, "둘째 시즌")}
    for row, (n, _stage, _attempt, text) in zip(frame.itertuples(), expected_rows, strict=True):
        m = _measure(ws, slug, text)
        assert (None if pd.isna(row.season) else (row.season, row.season_title)) == seasons.get(n)
        assert row.length == m.length and row.length_with_spaces == m.length_with_spaces
        assert row.scene_count == m.scene_count and row.ending_hook == m.ending_hook
        assert row.avg_sentence_length == pytest.approx(m.avg_sentence_length)
        assert row.dialogue_ratio == pytest.approx(m.dialogue_ratio)
        assert row.explanation_density == pytest.approx(m.explanation_density)
        assert row.repetition_rate == pytest.approx(m.repetition_rate)
        assert row.repeated_4grams == m.repeated_4grams
        assert row.banned_endings == m.banned_ending_count
        assert row.passed == m.passed
        assert row.warning_count == len(m.warnings)
        warned = ",".join(w.metric for w in m.warnings) or None
        assert (None if pd.isna(row.warning_metrics) else row.warning_metrics) == warned
    # Episode 2 was drafted twice: both pass1 rows are the newest of their stage only once.
    ep2 = frame[(frame["episode"] == 2) & (frame["stage"] == "pass1")]
    assert ep2["latest"].tolist() == [False, True]
    assert frame[frame["stage"] == "final"]["latest"].all()


def test_metrics_latest_follows_a_new_measurement(own_season):
    ws, slug, _ = own_season
    episode = ws.get_episode(slug, 1)
    run = ws.run(slug, OfflineBackend())
    edit_episode(run, 1, episode.content + "\n한 줄 더.\n", expected_revision=episode.revision)
    finals = ws.frame("metrics", slug).query("episode == 1 and stage == 'final'")
    # A new measurement is a new row, or replaces the row of its stage and attempt (a store
    # that keys rows so): either way exactly one is the latest, and it is the edited text's.
    latest = finals[finals["latest"]]
    assert len(latest) == 1
    assert latest["length"].iloc[0] == _measure(ws, slug, ws.get_episode(slug, 1).content).length
    assert latest["length"].iloc[0] != _measure(ws, slug, episode.content).length


def test_calls_frame_lists_every_attempt_with_episode_season_and_error_kind(season):
    ws, slug, script = season
    frame = ws.frame("calls", slug)
    got = list(
        zip(frame["episode"], frame["purpose"], frame["prompt_chars"], frame["output_chars"],
            frame["ok"], frame["error_kind"].fillna("-"), strict=True)
    )  # fmt: skip
    want = [
        (c.episode, c.purpose, c.prompt_chars, c.output_chars, c.ok, c.error_kind or "-")
        for c in script.calls
    ]
    assert got == want
    assert set(frame["backend"]) == {"fake"} and set(frame["model"]) == {"fake-model"}
    assert frame["season"].isna().tolist() == [c.episode == 3 for c in script.calls]
    assert frame["season"].dropna().tolist() == [c.episode for c in script.calls if c.episode < 3]
    tokens = frame[frame["prompt_tokens"].notna()]
    assert list(zip(tokens["episode"], tokens["purpose"], strict=True)) == [(1, "summary")]
    assert (tokens["prompt_tokens"].iloc[0], tokens["output_tokens"].iloc[0]) == (11, 7)
    events_1 = frame[(frame["episode"] == 1) & (frame["purpose"] == "events")]
    assert events_1["duration_ms"].iloc[0] >= 50
    assert frame["job_id"].isna().all()


def test_calls_of_a_job_without_an_episode_number_find_it_through_the_job(own_season):
    ws, slug, _ = own_season
    pid = ws.project_id(slug)
    ws.store.execute(
        "INSERT INTO generation_jobs (id, project_id, episode_number, job_type) "
        "VALUES ('job-old', ?, 2, 'episode')",
        [pid],
    )
    ws.store.execute(
        "INSERT INTO llm_calls (job_id, project_id, backend, model, purpose, prompt_chars, ok) "
        "VALUES ('job-old', ?, 'codex', 'm', 'draft', 5, true)",
        [pid],
    )
    last = ws.frame("calls", slug).iloc[-1]
    assert (last["job_id"], last["episode"], last["season"], last["backend"]) == (
        "job-old", 2, 2, "codex",
    )  # fmt: skip


def test_voice_frame_is_the_final_measurement_per_character(season):
    ws, slug, _ = season
    frame = ws.frame("voice", slug)
    names = [c.name for c in ws.get_bible(slug).characters]
    assert frame["episode"].tolist() == [n for n in (1, 2, 3) for _ in names]
    assert frame["character"].tolist() == names * 3
    for n in (1, 2, 3):
        voices = _measure(ws, slug, ws.get_episode(slug, n).content).voice
        rows = frame[frame["episode"] == n]
        assert rows["lines"].tolist() == [v.lines for v in voices]
        assert rows["allowed_lines"].tolist() == [v.allowed_lines for v in voices]
        shares = [None if pd.isna(s) else pytest.approx(s) for s in rows["allowed_share"]]
        assert shares == [v.allowed_share for v in voices]
        assert rows["banned_count"].tolist() == [len(v.banned) for v in voices]
        assert [None if pd.isna(t) else t for t in rows["top_ending"]] == [
            next(iter(v.endings), None) for v in voices
        ]
    doyun = frame[(frame["episode"] == 3) & (frame["character"] == "강도윤")].iloc[0]
    assert (doyun["lines"], doyun["banned_count"], doyun["banned_endings"]) == (1, 1, "-습니다")
    assert frame[frame["episode"] < 3]["banned_endings"].isna().all()


def _checks(m) -> str:
    return ",".join(sorted({f.check for f in m.guard.failures}))


def test_guard_frame_tells_retried_fixed_and_final_pass(season):
    ws, slug, script = season
    frame = ws.frame("guard", slug).set_index("episode")
    first_short = _measure(ws, slug, script.drafts[2][0])
    last_short = _measure(ws, slug, SHORT_DRAFT)
    flags = ["attempts", "retried", "first_pass", "fixed_by_retry", "final_pass"]
    assert frame.loc[1, flags].tolist() == [1, False, True, False, True]
    assert frame.loc[2, flags].tolist() == [2, True, False, True, True]
    assert frame.loc[3, flags].tolist() == [1, False, False, False, False]
    assert pd.isna(frame.loc[1, "first_failures"]) and pd.isna(frame.loc[2, "final_failures"])
    assert frame.loc[2, "first_failures"] == _checks(first_short)
    assert frame.loc[3, "first_failures"] == frame.loc[3, "final_failures"] == _checks(last_short)
    assert "banned_endings" in frame.loc[3, "first_failures"].split(",")
    assert frame["length"].tolist() == [ws.get_episode(slug, n).length for n in (1, 2, 3)]
    assert frame["season"].tolist()[:2] == [1, 2] and pd.isna(frame["season"].iloc[2])


def test_frames_of_every_project_and_of_one(own_season, sample_bible_path):
    ws, slug, _ = own_season
    other = ws.import_bible(sample_bible_path, slug="other")
    generate_episode(ws.run(other, OfflineBackend()), 1)
    for kind in COLUMNS:
        both = ws.frame(kind)
        assert set(both["project"]) == {slug, other}, kind
        assert len(both) == len(ws.frame(kind, slug)) + len(ws.frame(kind, other)), kind
        assert set(ws.frame(kind, other)["project"]) == {other}


def test_an_unknown_kind_or_project_is_one_clear_error(season):
    ws, slug, _ = season
    with pytest.raises(
        BadInput, match=r"알 수 없는 프레임 종류입니다: 'metrics; DROP' \(가능한 값: metrics"
    ):
        ws.frame("metrics; DROP", slug)
    with pytest.raises(NotFound):
        ws.frame("metrics", "no-such-project")


def test_a_frame_survives_the_api_s_parquet_and_csv_unchanged(season):
    """What the API sends (parquet or CSV) conforms back to the very same frame."""
    ws, slug, _ = season
    for kind in COLUMNS:
        frame = ws.frame(kind, slug)
        parquet = parquet_to_frame(frame_to_parquet(frame))
        pd.testing.assert_frame_equal(conform(parquet, kind), frame)
        text = io.StringIO(frame_to_csv(frame).decode("utf-8"))
        pd.testing.assert_frame_equal(conform(pd.read_csv(text), kind), frame, check_exact=False)


def test_conform_names_missing_columns(season):
    ws, slug, _ = season
    frame = ws.frame("guard", slug).drop(columns=["attempts"])
    with pytest.raises(BadInput, match="guard 프레임에 열이 없습니다: attempts"):
        conform(frame, "guard")


def test_a_revision_s_calls_belong_to_the_revised_episode(own_season):
    ws, slug, _ = own_season
    before = len(ws.frame("calls", slug))
    revise_episode(ws.run(slug, OfflineBackend()), 2, "대사를 줄여 주세요")
    added = ws.frame("calls", slug).iloc[before:]
    assert added["purpose"].tolist() == ["revise", "events", "summary"]
    assert added["episode"].tolist() == [2, 2, 2] and added["season"].tolist() == [2, 2, 2]


def test_odd_json_in_an_imported_episode_gives_missing_values_not_an_error(own_season):
    """An archive from elsewhere may carry any JSON; a frame shows what it cannot read as
    missing instead of failing the whole notebook."""
    ws, slug, _ = own_season
    ws.store.execute(
        "UPDATE episodes SET pipeline = ?, style_metrics = ? WHERE project_id = ? "
        "AND episode_number = 1",
        [
            '{"attempts": [{"passed": "maybe", "failures": 7}]}',
            '{"voice": [{"name": "누군가", "lines": "many", "banned": 3, "endings": []}]}',
            ws.project_id(slug),
        ],
    )
    guard = ws.frame("guard", slug).set_index("episode")
    assert guard.loc[1, "attempts"] == 1 and pd.isna(guard.loc[1, "first_pass"])
    assert pd.isna(guard.loc[1, "first_failures"])
    voice = ws.frame("voice", slug)
    odd = voice[voice["episode"] == 1]
    assert odd["character"].tolist() == ["누군가"]
    assert pd.isna(odd["lines"].iloc[0]) and odd["banned_count"].iloc[0] == 0
    assert pd.isna(odd["top_ending"].iloc[0])
