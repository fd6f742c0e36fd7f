"""The episode pipeline end to end on the offline writer, and its rules with a scripted fake."""

from __future__ import annotations

import json
import re

import pytest
from fake_llm import ScriptedBackend

from novelcraft.backends.offline import OfflineBackend, purpose_of
from novelcraft.errors import BadInput, NotFound
from novelcraft.export import export_project, import_archive
from novelcraft.models import Outline
from novelcraft.pipeline import Canceled, generate_episode, plan_outline, revise_episode


@pytest.fixture
def project(workspace, sample_bible_path):
    return workspace.import_bible(sample_bible_path)


@pytest.fixture(scope="module")
def ten_episodes(tmp_path_factory):
    """Episodes 1-10 of the sample bible by the offline writer (shared: it takes a while)."""
    from importlib import resources

    from novelcraft.workspace import Workspace

    root = tmp_path_factory.mktemp("ten")
    ws = Workspace.open(root / "ws", create=True)
    slug = ws.import_bible(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))
    ws.generate(slug, 1, 10)
    yield ws, slug, root
    ws.close()


def test_ten_episodes_all_pass_the_guard_within_the_retries(ten_episodes):
    ws, slug, _ = ten_episodes
    episodes = ws.list_episodes(slug)
    assert [e.episode_number for e in episodes] == list(range(1, 11))
    max_attempts = 1 + ws.settings.generation.max_retries
    for episode in episodes:
        assert episode.passed, episode.episode_number
        assert episode.status == "generated"
        state = json.loads(
            ws.store.scalar("SELECT pipeline FROM episodes WHERE id = ?", [episode.id])
        )
        assert 1 <= len(state["attempts"]) <= max_attempts
        assert (
            ws.settings.generation.min_length
            <= episode.length
            <= (ws.settings.generation.max_length)
        )
        assert 0 < len(episode.summary) <= 200


def test_each_prompt_carries_the_previous_summary_and_open_foreshadows(ten_episodes):
    ws, slug, _ = ten_episodes
    pid = ws.project_id(slug)
    for number in range(2, 11):
        prompt, previous_summary = ws.store.execute(
            "SELECT e.generation_prompt, p.summary FROM episodes e JOIN episodes p "
            "ON p.project_id = e.project_id AND p.episode_number = e.episode_number - 1 "
            "WHERE e.project_id = ? AND e.episode_number = ?",
            [pid, number],
        ).fetchone()
        assert previous_summary and previous_summary.strip() in prompt
        open_foreshadows = ws.store.execute(
            "SELECT description FROM episode_events WHERE project_id = ? AND "
            "event_type = 'foreshadow' AND episode_number = ? AND "
            "(resolved_in_episode IS NULL OR resolved_in_episode >= ?)",
            [pid, number - 1, number],
        ).fetchall()
        assert open_foreshadows, "every episode leaves a hook as a foreshadow"
        for (description,) in open_foreshadows:
            assert description in prompt


def test_no_prompt_exceeds_the_budget_and_sizes_are_stored(ten_episodes):
    ws, slug, _ = ten_episodes
    budget = ws.settings.context.budget_chars
    for prompt, sizes in ws.store.execute(
        "SELECT generation_prompt, context_sizes FROM episodes WHERE project_id = ?",
        [ws.project_id(slug)],
    ).fetchall():
        sizes = json.loads(sizes)
        assert len(prompt) <= budget
        assert sizes["total"] == len(prompt)
        assert sizes["summaries"] <= budget * 0.20 and sizes["voices"] <= budget * 0.15


def test_every_llm_call_is_logged(ten_episodes):
    ws, slug, _ = ten_episodes
    purposes = dict(
        ws.store.execute(
            "SELECT purpose, count(*) FROM llm_calls WHERE project_id = ? GROUP BY purpose",
            [ws.project_id(slug)],
        ).fetchall()
    )
    assert purposes["outline"] == purposes["events"] == purposes["summary"] == 10
    assert purposes["draft"] >= 10


def test_zip_export_then_import_gives_an_identical_project(ten_episodes):
    ws, slug, root = ten_episodes
    archive = export_project(ws, slug, "zip", root / "project.zip")
    copy = import_archive(ws, archive, slug="copy")

    def snapshot(s):
        pid = ws.project_id(s)
        out = {"bible": ws.export_bible(s)}
        for table, sql in {
            "episodes": "SELECT * EXCLUDE (id, project_id) FROM episodes WHERE project_id = ? "
            "ORDER BY episode_number",
            "versions": "SELECT e.episode_number, v.* EXCLUDE (id, episode_id) FROM "
            "episode_versions v JOIN episodes e ON e.id = v.episode_id WHERE e.project_id = ? "
            "ORDER BY 1, version",
            "events": "SELECT * EXCLUDE (id, project_id, episode_id) FROM episode_events "
            "WHERE project_id = ? ORDER BY id",
            "metrics": "SELECT * EXCLUDE (id, project_id, episode_id) FROM episode_metrics "
            "WHERE project_id = ? ORDER BY id",
        }.items():
            out[table] = ws.store.execute(sql, [pid]).fetchall()
        return out

    assert snapshot(copy) == snapshot(slug)
    assert len(snapshot(copy)["episodes"]) == 10


def test_zip_holds_the_deliverables(ten_episodes):
    import zipfile

    ws, slug, root = ten_episodes
    path = export_project(ws, slug, "zip", root / "deliver.zip")
    names = set(zipfile.ZipFile(path).namelist())
    assert {f"episodes/EP{n:03d}.md" for n in range(1, 11)} <= names
    assert {"bible.yaml", "metrics.csv", "events.csv", "guard_summary.csv"} <= names
    for fmt in ("md", "txt"):
        text = export_project(ws, slug, fmt, root / f"out.{fmt}").read_text(encoding="utf-8")
        assert ws.get_episode(slug, 3).content.split("\n")[0] in text
        assert "###" in text
    pieces = sorted(export_project(ws, slug, "munpia", root / "munpia").glob("munpia-*.txt"))
    text = "".join(p.read_text(encoding="utf-8") for p in pieces)
    assert ws.get_episode(slug, 3).content.split("\n")[0] in text
    assert "###" not in text


# --- rules, with a scripted fake wrapped around the offline writer ------------------------


def _offline_except(**answers):
    """A scripted backend: the offline writer, except for the purposes given."""
    offline = OfflineBackend()

    def answer(prompt, schema, options):
        purpose = purpose_of(prompt)
        if purpose in answers:
            value = answers[purpose]
            return value(prompt) if callable(value) else value
        return offline.execute(prompt, schema=schema, options=offline.Options(purpose=purpose))

    return ScriptedBackend(default=answer)


def test_guard_failures_are_fed_back_to_the_retry(workspace, project):
    drafts = []
    offline = OfflineBackend()

    def draft(prompt):
        drafts.append(prompt)
        if len(drafts) == 1:
            return "너무 짧은 초고.\n"
        return offline.execute(prompt, schema=None, options=offline.Options(purpose="draft"))

    run = workspace.run(project, _offline_except(draft=draft))
    episode = generate_episode(run, 1)
    assert episode.passed
    assert len(drafts) == 2
    assert "이전 초고의 문제" not in drafts[0]
    assert "이전 초고의 문제" in drafts[1] and "분량" in drafts[1]
    stages = workspace.store.execute(
        "SELECT stage, attempt, passed FROM episode_metrics ORDER BY id"
    ).fetchall()
    assert stages[:2] == [("pass1", 1, False), ("pass1", 2, True)]


def test_without_retry_a_failing_draft_is_kept_and_marked(workspace, project):
    run = workspace.run(project, _offline_except(draft="짧다.\n"), use_retry=False)
    episode = generate_episode(run, 1)
    assert episode.passed is False and episode.content == "짧다.\n"


def test_an_edit_that_moves_the_length_too_much_keeps_pass_one(workspace, project):
    def style(prompt):
        return "교정본은 한 줄뿐이다.\n"

    offline = OfflineBackend()
    explain = OfflineBackend.Options(purpose="draft", explain_share=1.0, miss_share=0.0)

    def draft(prompt):
        return offline.execute(prompt, schema=None, options=explain)

    logs = []
    run = workspace.run(
        project, _offline_except(style=style, draft=draft), log=lambda level, msg: logs.append(msg)
    )
    episode = generate_episode(run, 1)
    kinds = [v.kind for v in workspace.episode_versions(project, 1)]
    assert kinds == ["pass1"]
    assert "교정본은" not in episode.content
    assert any("1패스 원고를 유지" in m for m in logs)


def test_the_style_pass_fixes_explanatory_drafts(workspace, project):
    offline = OfflineBackend()
    explain = OfflineBackend.Options(purpose="draft", explain_share=1.0, miss_share=0.0)
    backend = _offline_except(draft=lambda p: offline.execute(p, schema=None, options=explain))
    generate_episode(workspace.run(project, backend), 1)
    rows = workspace.store.execute(
        "SELECT stage, explanation_density FROM episode_metrics ORDER BY id"
    ).fetchall()
    first, final = rows[0], rows[-1]
    assert first[0] == "pass1" and first[1] > 0.05
    assert final[0] == "final" and final[1] < 0.05
    assert [v.kind for v in workspace.episode_versions(project, 1)] == ["pass1", "pass2"]
    # Created at revision 1 with its outline; each saved text is a revision an open editor
    # must not overwrite.
    assert workspace.get_episode(project, 1).revision == 3


def test_an_interrupted_run_resumes_at_the_first_unfinished_step(workspace, project):
    class Boom(Exception):
        pass

    def fail_events(prompt):
        raise Boom("backend crashed")

    with pytest.raises(Boom):
        generate_episode(workspace.run(project, _offline_except(events=fail_events)), 1)
    before = workspace.get_episode(project, 1)
    assert before.content and not before.summary
    backend = _offline_except()
    generate_episode(workspace.run(project, backend), 1)
    purposes = [purpose_of(c.prompt) for c in backend.calls]
    assert purposes == ["events", "summary"], "outline and draft are not redone"
    assert workspace.count_episodes(project) == 1
    assert workspace.get_episode(project, 1).summary


def test_a_new_episode_reads_itself_back_only_to_plan_and_to_return(
    workspace, project, monkeypatch
):
    """Each step hands its text on to the next: reading it back cost a query per step."""
    reads = []
    original = type(workspace).get_episode

    def counted(self, slug, number):
        reads.append(number)
        return original(self, slug, number)

    monkeypatch.setattr(type(workspace), "get_episode", counted)
    episode = generate_episode(workspace.run(project, _offline_except()), 1)
    assert reads == [1, 1]
    assert episode.content == workspace.episode_versions(project, 1)[-1].content


class _Crash(Exception):
    pass


def test_a_draft_and_what_its_context_included_commit_together(workspace, project, monkeypatch):
    from novelcraft import ledger_steps

    def crash(*_args):
        raise _Crash("crashed after the draft")

    monkeypatch.setattr(ledger_steps, "record_context", crash)
    with pytest.raises(_Crash):
        generate_episode(workspace.run(project, _offline_except()), 1)
    assert workspace.episode_versions(project, 1) == []  # the draft went with the rest
    assert not workspace.get_episode(project, 1).content
    monkeypatch.undo()
    backend = _offline_except()
    generate_episode(workspace.run(project, backend), 1)
    assert purpose_of(backend.calls[0].prompt) == "draft"  # resumed at the draft
    assert workspace.episode_versions(project, 1)[0].kind == "pass1"


def test_events_and_their_checkpoint_commit_together(workspace, project, monkeypatch):
    from novelcraft.store import generation as gen

    save_state = gen.save_state

    def crash_at_events(store, episode_id, state, **columns):
        if state.get("step") == "events":
            raise _Crash("crashed after the events")
        return save_state(store, episode_id, state, **columns)

    monkeypatch.setattr(gen, "save_state", crash_at_events)
    with pytest.raises(_Crash):
        generate_episode(workspace.run(project, _offline_except()), 1)
    assert workspace.episode_events(project, 1) == []  # rolled back with the checkpoint
    monkeypatch.undo()
    backend = _offline_except()
    generate_episode(workspace.run(project, backend), 1)
    assert [purpose_of(c.prompt) for c in backend.calls] == ["events", "summary"]
    assert workspace.episode_events(project, 1)


def test_extracted_events_are_stored_in_their_order_with_their_fields(workspace, project):
    extracted = [
        {"event_type": "plot", "description": f"사건 {n}", "characters_involved": ["강도윤"]}
        for n in range(1, 5)
    ] + [{"event_type": "foreshadow", "description": "복선", "due_by": 9}]
    answer = json.dumps({"events": extracted, "resolved_foreshadows": []}, ensure_ascii=False)
    generate_episode(workspace.run(project, _offline_except(events=answer)), 1)
    stored = workspace.episode_events(project, 1)
    assert [e.description for e in stored] == ["사건 1", "사건 2", "사건 3", "사건 4", "복선"]
    assert [e.characters_involved for e in stored[:4]] == [["강도윤"]] * 4
    assert stored[4].characters_involved == [] and stored[4].event_type == "foreshadow"
    [planted] = workspace.foreshadows(project)
    assert (planted.description, planted.due_episode, planted.due_source) == ("복선", 9, "answer")


def test_what_a_step_deferred_is_committed_before_a_model_wait(workspace, project):
    """Other threads (the screens, the API) see a failed first draft's call record and metrics
    while the retry is being written."""
    import threading

    from novelcraft.backends.offline import OfflineOptions

    seen = []

    def look():
        store = workspace.store
        seen.append(
            (
                store.scalar("SELECT count(*) FROM llm_calls WHERE purpose = 'draft'"),
                store.scalar("SELECT count(*) FROM episode_metrics WHERE stage = 'pass1'"),
            )
        )

    drafts = []

    def draft(prompt):
        drafts.append(prompt)
        if len(drafts) == 1:
            return "너무 짧은 초고."  # fails the length guard: a retry follows
        other = threading.Thread(target=look)
        other.start()
        other.join()
        return OfflineBackend().execute(prompt, schema=None, options=OfflineOptions())

    generate_episode(workspace.run(project, _offline_except(draft=draft)), 1)
    assert seen[0] == (1, 1)


def test_a_writer_that_answers_at_once_adds_no_commit_before_its_calls(
    workspace, project, monkeypatch
):
    flushes = []
    flush = type(workspace.store).flush
    monkeypatch.setattr(
        type(workspace.store), "flush", lambda self: (flushes.append(1), flush(self))[1]
    )
    assert OfflineBackend().answers_at_once()
    generate_episode(workspace.run(project, OfflineBackend()), 1)
    assert flushes == []
    workspace.settings.backend.offline_latency = 0.01  # a wait: commit before it
    slow = OfflineBackend(workspace.settings.backend)
    assert not slow.answers_at_once()
    generate_episode(workspace.run(project, slow), 2)
    assert len(flushes) >= 4


def test_an_episode_written_at_once_lands_its_call_records_in_one_insert_at_its_end(
    workspace, project, monkeypatch
):
    """A writer that answers at once never waits, so the episode's call records wait for its
    last checkpoint and land there as one INSERT; another thread sees all of them."""
    import threading

    inserts = []
    defer = type(workspace.store).defer

    def counted(self, sql, params, **kw):
        if sql.startswith("INSERT INTO llm_calls"):
            inserts.append(kw.get("loose"))
        return defer(self, sql, params, **kw)

    monkeypatch.setattr(type(workspace.store), "defer", counted)
    generate_episode(workspace.run(project, OfflineBackend()), 1)
    seen = []
    other = threading.Thread(
        target=lambda: seen.append(
            workspace.store.scalar("SELECT count(*) FROM llm_calls WHERE episode_number = 1")
        )
    )
    other.start()
    other.join()
    assert inserts and all(inserts)  # every record was deferred as a loose row
    assert seen == [len(inserts)]


def test_a_user_edited_outline_is_used_as_is(workspace, project):
    outline = Outline.model_validate(
        {
            "scenes": [
                {
                    "scene_number": i,
                    "goal": f"작가의 목표 {i}",
                    "conflict": "작가의 갈등",
                    "characters": ["강도윤", "서하린"],
                }
                for i in (1, 2, 3)
            ],
            "ending_hook": "작가가 정한 훅",
        }
    )
    workspace.create_episode(project, 1, outline=outline)
    backend = _offline_except()
    episode = generate_episode(workspace.run(project, backend), 1)
    assert "outline" not in [purpose_of(c.prompt) for c in backend.calls]
    assert "작가의 목표 2" in episode.content


def test_an_outline_naming_an_unknown_character_is_refused(workspace, project):
    bad = json.dumps(
        {
            "scenes": [
                {"scene_number": i, "goal": "g", "conflict": "c", "characters": ["홍길동"]}
                for i in (1, 2, 3)
            ],
            "ending_hook": "h",
        },
        ensure_ascii=False,
    )
    with pytest.raises(BadInput, match="바이블에 없는 인물입니다: '홍길동'"):
        plan_outline(workspace.run(project, _offline_except(outline=bad)), 1)


def test_revise_makes_a_new_version_and_marks_later_episodes_stale(workspace, project):
    workspace.generate(project, 1, 2)
    before = workspace.get_episode(project, 1)
    instruction = "대사를 더 짧게"
    revised = revise_episode(workspace.run(project, _offline_except()), 1, instruction)
    assert revised.revision > before.revision
    assert instruction not in revised.content  # applied, not pasted in
    quotes = lambda text: re.findall(r'"([^"]*)"', text)  # noqa: E731
    assert sum(map(len, quotes(revised.content))) < sum(map(len, quotes(before.content)))
    assert workspace.episode_versions(project, 1)[-1].kind == "revise"
    assert workspace.get_episode(project, 2).context_stale is True
    with pytest.raises(NotFound):
        revise_episode(workspace.run(project, _offline_except()), 5, "x")


def test_cancel_stops_between_steps(workspace, project):
    calls = []

    def stop():
        return len(calls) >= 1

    backend = _offline_except(
        outline=lambda p: (
            calls.append(p)
            or OfflineBackend().execute(
                p, schema=None, options=OfflineBackend.Options(purpose="outline")
            )
        )
    )
    with pytest.raises(Canceled):
        generate_episode(workspace.run(project, backend, should_stop=stop), 1)
    assert workspace.get_episode(project, 1).outline is not None
    assert workspace.get_episode(project, 1).content == ""


def test_an_authors_edit_rederives_events_and_summary(workspace, project):
    from novelcraft.errors import RevisionConflict
    from novelcraft.pipeline import edit_episode

    workspace.generate(project, 1, 3)
    first = workspace.get_episode(project, 2)
    old_events = workspace.episode_events(project, 2)
    new_text = first.content.replace("###", "###\n\n서하린은 새로 쓴 문단에서 결심했다.", 1)
    run = workspace.run(project, _offline_except())
    edited = edit_episode(run, 2, new_text, expected_revision=first.revision)
    assert edited.content == new_text and edited.status == "edited"
    assert workspace.episode_versions(project, 2)[-1].kind == "user"
    assert workspace.get_episode(project, 3).context_stale is True
    assert workspace.get_episode(project, 1).context_stale is False
    assert workspace.episode_events(project, 2) and old_events
    with pytest.raises(RevisionConflict):
        edit_episode(run, 2, new_text + "다시.", expected_revision=first.revision)


def test_offline_miss_share_comes_from_settings(workspace, project):
    from novelcraft.settings import BackendSettings

    always = OfflineBackend(BackendSettings(offline_miss_share=1.0, offline_explain_share=0.0))
    never = OfflineBackend(BackendSettings(offline_miss_share=0.0, offline_explain_share=0.0))
    run = workspace.run(project, never)
    plan_outline(run, 1)
    prompt = run.render(
        "episode", episode_number=1, genre="g", tone="t", sections=run.context(1).sections,
        banned_elements="", min_length=7000, max_length=9000, target_length=8000, feedback=[],
    )  # fmt: skip
    from novelcraft.metrics import length

    def draft_length(backend):
        return length(backend.complete(prompt, options={"purpose": "draft"}).text)

    assert not 7000 <= draft_length(always) <= 9000
    assert 7000 <= draft_length(never) <= 9000


def test_the_demo_writer_pays_foreshadows_on_time_late_and_never(ten_episodes):
    """The offline writer's long-range foreshadows (DESIGN §13): planted in 1, 2 and 3, each
    due three episodes later; the first is paid on time, the second late, the third never."""
    from novelcraft.backends.demo_foreshadows import long_foreshadows

    ws, slug, _ = ten_episodes
    report = ws.canon_report(slug)
    planted = {f.description: f for f in report.foreshadows if f.description in long_foreshadows()}
    assert sorted((f.planted_episode, f.due_episode, f.resolved_in_episode, f.status, f.late)
                  for f in planted.values()) == [
        (1, 4, 4, "resolved", False),
        (2, 5, 8, "resolved", True),
        (3, 6, None, "overdue", False),
    ]  # fmt: skip
    hooks = [f for f in report.foreshadows if f.description not in long_foreshadows()]
    assert all(f.resolved_in_episode == f.planted_episode + 1 for f in hooks[:-1])
    assert hooks[-1].status == "open" and hooks[-1].planted_episode == 10
    kinds = [f.kind for f in report.seasons[0].findings]
    assert kinds.count("overdue_foreshadow") == 1 and kinds.count("late_payoff") == 1


def test_voice_distinctiveness_of_the_demo_season_beats_chance(ten_episodes):
    ws, slug, _ = ten_episodes
    (season,) = ws.voice_distinctiveness(slug, season=1)
    assert season.speakers >= 3 and season.lines >= 50
    assert season.accuracy > 2 * season.chance
    assert set(season.per_character) <= {c.name for c in ws.get_bible(slug).characters}
