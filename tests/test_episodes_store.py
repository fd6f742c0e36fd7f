"""Episodes: versions on every save, optimistic locking, transactions, reading commands."""

from __future__ import annotations

import json
import threading

import pytest

from novelcraft.errors import BadInput, NotFound, RevisionConflict
from novelcraft.models import Outline


@pytest.fixture
def project(workspace, sample_bible_path):
    return workspace.import_bible(sample_bible_path)


def test_save_creates_a_version_and_bumps_the_revision(workspace, project):
    created = workspace.create_episode(project, 1, title="서장", content="첫 문장.\n둘째 문장.")
    assert created.revision == 1 and created.length == len("첫문장.둘째문장.")
    saved = workspace.save_episode(project, 1, "고친 문장.", expected_revision=1)
    assert saved.revision == 2 and saved.content == "고친 문장."
    kinds = [(v.version, v.kind, v.content) for v in workspace.episode_versions(project, 1)]
    assert kinds == [(1, "user", "첫 문장.\n둘째 문장."), (2, "user", "고친 문장.")]


def test_saving_the_same_text_twice_makes_no_version(workspace, project):
    workspace.create_episode(project, 1, content="원문")
    first = workspace.save_episode(project, 1, "고친 글", expected_revision=1)
    again = workspace.save_episode(project, 1, "고친 글", expected_revision=first.revision)
    stale_but_same = workspace.save_episode(project, 1, "고친 글", expected_revision=1)
    assert again.revision == first.revision == stale_but_same.revision == 2
    assert [v.content for v in workspace.episode_versions(project, 1)] == ["원문", "고친 글"]


def test_a_stale_save_is_refused_and_changes_nothing(workspace, project):
    workspace.create_episode(project, 1, content="원문")
    workspace.save_episode(project, 1, "첫 탭의 수정", expected_revision=1)
    with pytest.raises(RevisionConflict, match="다른 곳에서 먼저 저장되었습니다"):
        workspace.save_episode(project, 1, "둘째 탭의 수정", expected_revision=1)
    episode = workspace.get_episode(project, 1)
    assert episode.content == "첫 탭의 수정" and episode.revision == 2
    assert len(workspace.episode_versions(project, 1)) == 2


def test_concurrent_saves_from_two_threads_one_wins(workspace, project):
    workspace.create_episode(project, 1, content="원문")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def save(text):
        barrier.wait()
        try:
            workspace.save_episode(project, 1, text, expected_revision=1)
            results.append("ok")
        except RevisionConflict:
            results.append("conflict")
        except Exception as exc:  # DuckDB's own write-write conflict is also a lost race
            results.append(f"error:{type(exc).__name__}")

    threads = [threading.Thread(target=save, args=(t,)) for t in ("가", "나")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    episode = workspace.get_episode(project, 1)
    assert episode.revision == 2 and episode.content in ("가", "나")
    assert len(workspace.episode_versions(project, 1)) == 2


def test_duplicate_episode_number_is_refused(workspace, project):
    workspace.create_episode(project, 3, content="a")
    with pytest.raises(BadInput, match="이미 있습니다"):
        workspace.create_episode(project, 3, content="b")
    assert workspace.count_episodes(project) == 1


def test_unknown_episode_and_project(workspace, project):
    with pytest.raises(NotFound, match="9화가 없습니다"):
        workspace.get_episode(project, 9)
    with pytest.raises(NotFound, match="작품 'nope'이\\(가\\) 없습니다"):
        workspace.list_episodes("nope")
    with pytest.raises(BadInput, match="1 이상이어야 합니다"):
        workspace.get_episode(project, -1)


def test_outline_is_stored_and_validated(workspace, project):
    outline = Outline.model_validate(
        {
            "scenes": [
                {"scene_number": i, "goal": "목표", "conflict": "갈등", "characters": ["강도윤"]}
                for i in (1, 2, 3)
            ],
            "ending_hook": "문이 열린다",
        }
    )
    workspace.create_episode(project, 1, outline=outline)
    assert workspace.get_episode(project, 1).outline == outline


def test_delete_project_removes_everything(workspace, project):
    workspace.create_episode(project, 1, content="a")
    workspace.delete_project(project)
    assert workspace.list_projects() == []
    for table in ("episodes", "episode_versions", "characters", "seasons", "relationships"):
        assert workspace.store.scalar(f"SELECT count(*) FROM {table}") == 0


def test_episodes_and_show_commands(cli, project, workspace, ws_dir):
    workspace.create_episode(project, 1, title="서장", content="“살았다.” 도윤이 말했다.")
    workspace.create_episode(project, 2, title="재회", content="둘째 화.")
    workspace.close()

    listed = cli("--workspace", ws_dir, "episodes", project, "--json")
    assert listed.code == 0
    rows = json.loads(listed.out)
    assert [r["episode_number"] for r in rows] == [1, 2]
    assert set(rows[0]) == {
        "episode_number",
        "title",
        "status",
        "length",
        "passed",
        "stale_because",
    }

    shown = cli("--workspace", ws_dir, "show", project, "1", "--json")
    data = json.loads(shown.out)
    assert data["content"] == "“살았다.” 도윤이 말했다."
    assert set(data) == {
        "episode_number",
        "title",
        "status",
        "content",
        "summary",
        "outline",
        "events",
    }

    human = cli("--workspace", ws_dir, "show", project, "2")
    assert "2화 재회" in human.out and "둘째 화." in human.out

    missing = cli("--workspace", ws_dir, "show", project, "7")
    assert missing.code == 2 and missing.err.count("\n") == 1 and "7화가 없습니다" in missing.err
    unknown = cli("--workspace", ws_dir, "episodes", "nope")
    assert unknown.code == 2 and "작품 'nope'이(가) 없습니다" in unknown.err
    not_a_number = cli("--workspace", ws_dir, "show", project, "one")
    assert not_a_number.code == 2 and "Traceback" not in not_a_number.err


def test_the_stored_length_counts_every_character_but_whitespace():
    from novelcraft.store.episodes import text_length

    # Ideographic and no-break spaces, a file separator and tabs are whitespace to Python;
    # a zero-width space is not.
    text = "가\u3000나\xa0다\x1c라\t마\n\n바\u200b사 "
    assert text_length(text) == sum(1 for c in text if not c.isspace()) == 8
