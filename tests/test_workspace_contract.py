"""One contract, two Workspaces (CONVENTIONS §15): every test of `WorkspaceContract` runs
against the local Workspace and against a RemoteWorkspace talking to a real owner's HTTP API
on loopback. Same answers, same exceptions; a client never needs a second code path."""

from __future__ import annotations

import time
import zipfile

import pytest
from fake_llm import wait_until

from novelcraft.api.record import read_record
from novelcraft.errors import BadInput, NotFound, RevisionConflict
from novelcraft.frame_schema import COLUMNS
from novelcraft.models import Character, Episode, JobInfo, Outline, Scene
from novelcraft.reports import GuardSummary
from novelcraft.workspace import Workspace
from novelcraft.workspace.remote import RemoteWorkspace

JOB_TIMEOUT = 120


@pytest.fixture(params=["local", "remote"])
def client(request, ws_dir, sample_bible_path):
    """(the Workspace under test, the sample project's slug). The owner runs jobs in both."""
    owner = Workspace.open(ws_dir, create=True)
    slug = owner.import_bible(sample_bible_path)
    remote = None
    try:
        if request.param == "local":
            owner.serve(workers=1, serve_api=False)
            yield owner, slug
        else:
            owner.serve(workers=1)
            record = read_record(owner.paths)
            remote = RemoteWorkspace(owner.paths, record.url, record.token, owner_pid=record.pid)
            yield remote, slug
    finally:
        if remote is not None:
            remote.close()
        owner.close()


def finish(ws, job_id: str) -> JobInfo:
    assert wait_until(lambda: ws.get_job(job_id).finished, timeout=JOB_TIMEOUT)
    return ws.get_job(job_id)


def outline_for(characters: list[str]) -> Outline:
    return Outline(
        scenes=[
            Scene(scene_number=i, goal=f"목표 {i}", conflict=f"갈등 {i}", characters=characters)
            for i in (1, 2, 3)
        ],
        ending_hook="문이 열렸다?",
    )


class TestWorkspaceContract:
    def test_projects_and_bible(self, client):
        ws, slug = client
        (project,) = ws.list_projects()
        assert project.slug == slug and ws.get_project(slug) == project
        bible = ws.get_bible(slug)
        assert ws.export_bible(slug).startswith("format: novelcraft-bible/1")
        changed = bible.project.model_copy(update={"genre": "회귀 판타지 (수정)"})
        assert ws.update_project(slug, changed).genre == "회귀 판타지 (수정)"
        ws.replace_bible(slug, bible)
        assert ws.get_bible(slug) == bible
        with pytest.raises(NotFound, match="no-such"):
            ws.get_project("no-such")
        with pytest.raises(NotFound):
            ws.get_bible("no-such")
        with pytest.raises(BadInput, match="이미 있습니다"):
            ws.create_project(bible, slug=slug)
        copy = ws.create_project(bible, slug="copy")
        assert {p.slug for p in ws.list_projects()} == {slug, copy}
        ws.delete_project(copy)
        assert [p.slug for p in ws.list_projects()] == [slug]

    def test_characters(self, client):
        ws, slug = client
        cast = ws.list_characters(slug)
        assert len(cast) == 5
        newcomer = Character(name="한서윤", role="minor", personality="조용함")
        assert ws.save_character(slug, newcomer) == newcomer
        with pytest.raises(BadInput, match="이미 있습니다"):
            ws.save_character(slug, newcomer)
        renamed = newcomer.model_copy(update={"personality": "수다스러움"})
        ws.save_character(slug, renamed, name="한서윤")
        assert ws.list_characters(slug)[-1].personality == "수다스러움"
        ws.delete_character(slug, "한서윤")
        assert [c.name for c in ws.list_characters(slug)] == [c.name for c in cast]
        with pytest.raises(NotFound, match="한서윤"):
            ws.delete_character(slug, "한서윤")

    def test_episodes_and_optimistic_locking(self, client):
        ws, slug = client
        created = ws.create_episode(slug, 1, title="첫 화")
        assert isinstance(created, Episode) and created.title == "첫 화"
        text = "### \n\n" + "그는 문을 열었다. " * 50
        saved = ws.save_author_edit(slug, 1, text, expected_revision=created.revision)
        assert saved.revision == created.revision + 1 and saved.content == text
        with pytest.raises(RevisionConflict, match="다른 곳에서 먼저 저장되었습니다"):
            ws.save_author_edit(slug, 1, "다른 글", expected_revision=created.revision)
        assert ws.get_episode(slug, 1).content == text  # the stale save changed nothing
        assert [v.kind for v in ws.episode_versions(slug, 1)] == ["user"]
        assert set(ws.episode_columns(slug, 1)) == {"style_metrics", "context_sizes", "pipeline"}
        assert ws.metrics_by_episode(slug)[1]["length"] == saved.length
        with pytest.raises(BadInput):
            ws.save_author_edit(slug, 1, "   ", expected_revision=saved.revision)
        ws.create_episode(slug, 2)
        assert [e.episode_number for e in ws.list_episodes(slug, offset=1, limit=5)] == [2]
        assert ws.count_episodes(slug) == 2
        assert ws.last_episode_number(slug) == 2
        ws.delete_episode(slug, 2)
        with pytest.raises(NotFound):
            ws.get_episode(slug, 2)
        with pytest.raises(NotFound):
            ws.episode_versions(slug, 99)
        with pytest.raises(NotFound):
            ws.list_episodes("no-such")

    def test_author_outline(self, client):
        ws, slug = client
        names = [c.name for c in ws.list_characters(slug)][:2]
        episode = ws.save_outline(slug, 3, outline_for(names))
        assert episode.outline == outline_for(names)
        with pytest.raises(BadInput, match="바이블에 없는 인물입니다"):
            ws.save_outline(slug, 3, outline_for(["아무개"]))
        assert ws.get_episode(slug, 3).outline == outline_for(names)

    def test_batch_job_end_to_end(self, client):
        ws, slug = client
        estimate = ws.estimate_batch(slug, 1, 2)
        assert estimate["episodes"] == 2 and estimate["calls"] > 0
        job_id, attached = ws.submit_batch_checked(slug, 1, 1)
        assert not attached
        job = finish(ws, job_id)
        assert job.status == "completed" and job.output == {"episodes": 1, "passed": 1}
        assert job.step == "completed" and job.step_label == "완료"
        assert [j.id for j in ws.list_jobs(slug)] == [job_id]
        (child,) = ws.list_jobs(parent=job_id, limit=None)
        assert child.status == "completed" and child.step_label == "1화 완료"
        assert any("1화" in line.message for line in ws.job_logs(job_id))
        assert len(ws.job_logs(job_id, last=2)) == 2
        rows = ws.metrics_rows(slug)
        assert [r["episode_number"] for r in rows] == [1] and rows[0]["passed"] is True
        summary = ws.guard_summary(slug)
        assert isinstance(summary, GuardSummary) and summary.episodes == 1
        assert ws.guard_summary(slug, 5, 9).episodes == 0
        with pytest.raises(BadInput, match=r"이미 끝난 작업입니다 \(완료\)"):
            ws.cancel_job(job_id)
        with pytest.raises(NotFound):
            ws.get_job("ffffffffffff")
        with pytest.raises(BadInput, match="끝 회차"):
            ws.submit_batch(slug, 5, 2)
        with pytest.raises(NotFound):
            ws.submit_batch("no-such", 1, 2)
        # The analyst's frames (DESIGN §14): the same columns and dtypes on both sides.
        for kind, columns in COLUMNS.items():
            frame = ws.frame(kind, slug)
            assert list(frame.columns) == list(columns), kind
            assert frame.equals(ws.frame(kind)), kind  # one project: every project's rows
        assert ws.frame("guard", slug)[["episode", "final_pass"]].values.tolist() == [[1, True]]
        calls = ws.frame("calls", slug)
        assert set(calls["episode"]) == {1} and set(calls["job_id"]) == {child.id}
        assert len(ws.frame("voice", slug)) == len(ws.get_bible(slug).characters)
        with pytest.raises(BadInput, match="알 수 없는 프레임 종류입니다"):
            ws.frame("nope", slug)
        with pytest.raises(NotFound):
            ws.frame("metrics", "no-such")

    def test_canon_ledger(self, client):
        from novelcraft.canon.models import CanonReport

        ws, slug = client
        assert finish(ws, ws.submit_batch(slug, 1, 2)).status == "completed"
        report = ws.canon_report(slug)
        assert isinstance(report, CanonReport) and report.as_of_episode == 2
        long = [f for f in report.foreshadows if f.due_source == "answer"]
        assert [(f.planted_episode, f.due_episode, f.status) for f in long] == [
            (1, 4, "open"), (2, 5, "open"),
        ]  # fmt: skip
        assert ws.foreshadows(slug) == report.foreshadows
        moved = ws.move_foreshadow_due(slug, long[0].id, 9)
        assert (moved.due_episode, moved.due_source) == (9, "author")
        assert ws.drop_foreshadow(slug, long[1].id).status == "dropped"
        assert ws.drop_foreshadow(slug, long[1].id, False).status == "open"
        with pytest.raises(BadInput, match="1화보다 뒤여야 합니다"):
            ws.move_foreshadow_due(slug, long[0].id, 1)
        with pytest.raises(NotFound, match="복선 999999이\\(가\\) 없습니다"):
            ws.drop_foreshadow(slug, 999999)
        with pytest.raises(NotFound):
            ws.canon_report("no-such")
        assert isinstance(ws.character_states(slug), list)
        assert ws.character_states(slug, before_episode=1) == []
        assert ws.stale_reasons(slug) == [] and ws.stale_reasons(slug, source_episode=1) == []
        (voice,) = ws.voice_distinctiveness(slug, season=1)
        assert voice.season == 1 and voice.lines > 0 and voice.accuracy > voice.chance
        with pytest.raises(BadInput, match="시즌 9이\\(가\\) 없습니다"):
            ws.voice_distinctiveness(slug, season=9)

    def test_other_job_kinds(self, client):
        ws, slug = client
        outline = finish(ws, ws.submit_outline(slug, 1))
        assert outline.status == "completed" and outline.output["scenes"] >= 3
        finish(ws, ws.submit_episode(slug, 1))
        before = ws.get_episode(slug, 1).revision
        revised = finish(ws, ws.submit_revise(slug, 1, "대사를 더 짧게"))
        assert revised.status == "completed" and ws.get_episode(slug, 1).revision > before
        assert finish(ws, ws.submit_rederive(slug, 1)).status == "completed"
        with pytest.raises(BadInput, match="instruction"):
            ws.submit_revise(slug, 1, "  ")
        with pytest.raises(NotFound):
            ws.submit_revise(slug, 7, "없는 화")
        concept = {"name": "새 이야기", "genre": "무협", "tone": "진지", "protagonist": "검객"}
        boot = finish(ws, ws.submit_bootstrap(concept))
        assert boot.status == "completed" and boot.output["slug"] in {
            p.slug for p in ws.list_projects()
        }
        with pytest.raises(BadInput, match="기획에 다음 항목이 있어야 합니다"):
            ws.submit_bootstrap({"name": "x"})

    def test_cancel_of_a_queued_job(self, client):
        ws, slug = client
        ws.settings.backend.offline_latency = 0.2
        first = ws.submit_batch(slug, 1, 2)
        second = ws.submit_batch(slug, 3, 3)  # waits behind the first: the project is busy
        canceled = ws.cancel_job(second)
        assert canceled.cancel_requested and canceled.status == "canceled"
        assert ws.cancel_job(first).cancel_requested
        assert finish(ws, first).status in ("canceled", "completed")

    def test_archives_and_backup(self, client, tmp_path):
        ws, slug = client
        finish(ws, ws.submit_batch(slug, 1, 1))
        target = ws.export_project(slug, "zip", tmp_path / "out.zip")
        assert "bible.yaml" in zipfile.ZipFile(target).namelist()
        text = ws.export_project(slug, "txt", tmp_path / "out.txt").read_text(encoding="utf-8")
        assert text.startswith("1화")
        with pytest.raises(BadInput):
            ws.export_project(slug, "pdf", tmp_path / "out.pdf")
        copy = ws.import_archive(target, "copy")
        assert copy == "copy" and ws.get_episode(copy, 1).content == ws.get_episode(slug, 1).content
        backup = ws.backup(tmp_path / "backups")
        assert backup.is_dir() and backup.parent == tmp_path / "backups"


def test_local_and_remote_answer_with_equal_models(ws_dir, sample_bible_path):
    """The same rows through both Workspaces compare equal as pydantic models."""
    with Workspace.open(ws_dir, create=True) as local:
        slug = local.import_bible(sample_bible_path)
        local.serve(workers=1)
        record = read_record(local.paths)
        with RemoteWorkspace(local.paths, record.url, record.token) as remote:
            job_id = remote.submit_batch(slug, 1, 1)
            deadline = time.monotonic() + JOB_TIMEOUT
            while not local.get_job(job_id).finished and time.monotonic() < deadline:
                time.sleep(0.1)
            assert remote.list_projects() == local.list_projects()
            assert remote.get_bible(slug) == local.get_bible(slug)
            assert remote.list_episodes(slug) == local.list_episodes(slug)
            assert remote.get_episode(slug, 1) == local.get_episode(slug, 1)
            assert remote.episode_events(slug, 1) == local.episode_events(slug, 1)
            assert remote.episode_versions(slug, 1) == local.episode_versions(slug, 1)
            assert remote.get_job(job_id) == local.get_job(job_id)
            assert remote.job_logs(job_id) == local.job_logs(job_id)
            assert remote.metrics_rows(slug) == local.metrics_rows(slug)
            assert remote.guard_summary(slug) == local.guard_summary(slug)
            assert remote.episode_columns(slug, 1) == local.episode_columns(slug, 1)


# What only the process that owns the store can do: run the pipeline in-process, own the queue.
OWNER_ONLY = {
    "open",
    "run",
    "generate",
    "backend",
    "tasks",
    "serve",
    "stop_serving",
    "save_episode",
}


def test_the_remote_workspace_offers_every_client_method_of_the_local_one():
    import inspect

    def public(cls) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_")}

    missing = public(Workspace) - public(RemoteWorkspace) - OWNER_ONLY
    assert not missing, f"RemoteWorkspace lacks {sorted(missing)}"
    for name in public(Workspace) & public(RemoteWorkspace):
        local, remote = getattr(Workspace, name), getattr(RemoteWorkspace, name)
        if not callable(local) or isinstance(local, type):
            continue
        named = {
            p.name for p in inspect.signature(local).parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        }  # fmt: skip
        remote_sig = inspect.signature(remote).parameters
        absorbs = any(p.kind == p.VAR_KEYWORD for p in remote_sig.values())
        assert named <= set(remote_sig) or absorbs, (name, named, list(remote_sig))


def test_analysis_frames_arrive_as_the_same_dataframe(ws_dir, sample_bible_path):
    """A remote frame is the local one (same columns and rows); bad kinds and projects fail
    alike on both."""
    with Workspace.open(ws_dir, create=True) as local:
        slug = local.import_bible(sample_bible_path)
        local.serve(workers=1)
        record = read_record(local.paths)
        with RemoteWorkspace(local.paths, record.url, record.token) as remote:
            expected = local.frame("metrics", slug)
            got = remote.frame("metrics", slug)
            assert list(got.columns) == list(expected.columns) and len(got) == len(expected)
            for ws in (local, remote):
                with pytest.raises(BadInput, match="알 수 없는 프레임 종류입니다"):
                    ws.frame("no-such-kind", slug)
            with pytest.raises(NotFound):
                remote.frame("metrics", "no-such-project")
