"""A project archive is a file someone sent: its rows never become SQL, its errors are one line."""

from __future__ import annotations

import io
import json
import resource
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novelcraft import export
from novelcraft.archive_rows import ROW_MODELS, stored_columns
from novelcraft.errors import BadInput
from novelcraft.slugs import is_valid_slug
from novelcraft.workspace import Workspace


@pytest.fixture(scope="module")
def archive_bytes(tmp_path_factory):
    """A real archive of a project with one episode, a version, an event and a metric row."""
    from importlib import resources

    root = tmp_path_factory.mktemp("source-ws")
    bible = str(resources.files("novelcraft").joinpath("data/sample_bible.yaml"))
    with Workspace.open(root / "ws", create=True) as ws:
        slug = ws.import_bible(bible)
        episode = ws.create_episode(slug, 1, title="첫 화", content="본문입니다.\n" * 20)
        pid = ws.project_id(slug)
        ws.store.execute(
            "INSERT INTO episode_events (project_id, episode_id, episode_number, event_type, "
            "description) VALUES (?, ?, 1, 'plot', '사건')",
            [pid, episode.id],
        )
        ws.store.execute(
            "INSERT INTO episode_metrics (project_id, episode_id, episode_number, stage, "
            "length, length_with_spaces, scene_count, ending_hook, avg_sentence_length, "
            "dialogue_ratio, explanation_density, repetition_rate, repeated_4grams, passed) "
            "VALUES (?, ?, 1, 'final', 10, 12, 3, true, 20, 0.5, 0.01, 0.01, 0, true)",
            [pid, episode.id],
        )
        ws.store.execute(
            "INSERT INTO relationships (project_id, position, from_name, to_name, kind, source) "
            "VALUES (?, 9, '가', '나', '동료', 'extracted')",
            [pid],
        )
        return export.archive_bytes(ws, slug)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewrite(data: bytes, **replace: bytes | str) -> bytes:
    """The archive with some members replaced (keys use `__` for `/` and `_dot_` for `.`)."""
    members = _members(data)
    for key, value in replace.items():
        name = key.replace("__", "/").replace("_dot_", ".")
        members[name] = value.encode() if isinstance(value, str) else value
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, value in members.items():
            zf.writestr(name, value)
    return out.getvalue()


def _first_row(data: bytes, table: str) -> dict:
    return json.loads(_members(data)[f"data/{table}.jsonl"].decode().splitlines()[0])


def _table_names(ws) -> list[str]:
    return ws.store.table_names()


def test_archive_columns_are_columns_of_the_schema(workspace):
    for table, model in ROW_MODELS.items():
        rows = workspace.store.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
        assert set(stored_columns(model)) <= {r[0] for r in rows}, table


def test_every_column_of_an_archived_table_travels_in_the_archive(workspace):
    """A migration that adds a column must add it to the row model too, or archives lose it."""
    relinked = {"id", "project_id", "episode_id"}
    for table, model in ROW_MODELS.items():
        rows = workspace.store.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
        assert {r[0] for r in rows} - relinked == set(stored_columns(model)), table


def test_round_trip_keeps_every_row(archive_bytes, tmp_path, workspace):
    path = tmp_path / "a.zip"
    path.write_bytes(archive_bytes)
    slug = export.import_archive(workspace, path)
    pid = workspace.project_id(slug)
    for table in ("episodes", "episode_events", "episode_metrics"):
        count = workspace.store.scalar(f"SELECT count(*) FROM {table} WHERE project_id = ?", [pid])
        assert count == 1, table
    assert (
        workspace.store.scalar(
            "SELECT count(*) FROM relationships WHERE project_id = ? AND source = 'extracted'",
            [pid],
        )
        == 1
    )
    assert export.archive_bytes(workspace, slug).count(b"data/") == archive_bytes.count(b"data/")


@pytest.mark.parametrize("table", list(ROW_MODELS))
def test_a_crafted_column_name_runs_nothing(archive_bytes, tmp_path, cli, table):
    canary = tmp_path / "pwned.csv"
    row = _first_row(archive_bytes, table)
    evil = f"title) VALUES (1); COPY (SELECT 42) TO '{canary}'; --"
    row[evil] = "x"
    hostile = _rewrite(archive_bytes, **{f"data__{table}_dot_jsonl": json.dumps(row)})
    path = tmp_path / "hostile.zip"
    path.write_bytes(hostile)
    result = cli("--workspace", tmp_path / "ws", "import-archive", path)
    assert result.code == 2
    assert f"data/{table}.jsonl:1:" in result.err and "알 수 없는 열입니다" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not canary.exists()
    assert not (tmp_path / "ws").exists(), "a refused archive creates no workspace"


def test_a_crafted_value_is_stored_as_text(archive_bytes, tmp_path, workspace):
    canary = tmp_path / "pwned.csv"
    row = _first_row(archive_bytes, "episodes")
    row["title"] = f"'); COPY (SELECT 42) TO '{canary}'; --"
    path = tmp_path / "a.zip"
    path.write_bytes(_rewrite(archive_bytes, data__episodes_dot_jsonl=json.dumps(row)))
    slug = export.import_archive(workspace, path)
    assert workspace.get_episode(slug, 1).title == row["title"]
    assert not canary.exists()


@pytest.mark.parametrize(
    ("member", "content", "expected"),
    [
        ("data__episodes_dot_jsonl", '{"episode_number": 1}\n{not json', "data/episodes.jsonl:2:"),
        ("data__episodes_dot_jsonl", "[1, 2]", "data/episodes.jsonl:1: 행은 JSON 객체여야 합니다"),
        (
            "data__episodes_dot_jsonl",
            "[" * 100_000,
            "data/episodes.jsonl:1: 보관 파일의 행으로 보기에는 중첩이 너무 깊습니다",
        ),
        ("manifest_dot_json", "[" * 100_000, "manifest.json"),
        ("data__episodes_dot_jsonl", '{"episode_number": "하나"}', "episode_number"),
        ("data__episodes_dot_jsonl", '{"episode_number": 99999999999}', "episode_number"),
        ("data__episodes_dot_jsonl", '{"episode_number": 1, "outline": "{nope"}', "outline"),
        (
            "data__episodes_dot_jsonl",
            '{"episode_number": 1}\n{"episode_number": 1}',
            "data/episodes.jsonl:2: episode_number 1이(가) 중복됩니다",
        ),
        (
            "data__episode_versions_dot_jsonl",
            '{"episode_number": 7, "version": 1, "kind": "user", "content": "x"}',
            "episode_number 7이(가) data/episodes.jsonl에 없습니다",
        ),
        ("data__episode_metrics_dot_jsonl", '{"episode_number": 1, "stage": "x"}', "stage"),
        ("data__episodes_dot_jsonl", b"\xff\xfe", "data/episodes.jsonl:1: UTF-8 텍스트가 아닙니다"),
        ("manifest_dot_json", '{"format": "novelcraft-archive/1", "slug": "../x"}', "slug"),
        ("manifest_dot_json", '{"format": "novelcraft-archive/1", "slug": 5}', "slug"),
        ("manifest_dot_json", "[]", "manifest.json"),
        ("manifest_dot_json", '{"format": "other"}', "형식이 novelcraft-archive/1이(가) 아닙니다"),
        ("bible_dot_yaml", "a: &x [1]\nb: *x\n", "bible.yaml"),
    ],
)
def test_a_malformed_archive_is_one_line_naming_the_member(
    archive_bytes, tmp_path, cli, member, content, expected
):
    path = tmp_path / "bad.zip"
    path.write_bytes(_rewrite(archive_bytes, **{member: content}))
    result = cli("--workspace", tmp_path / "ws", "import-archive", path)
    assert result.code == 2, result.err
    assert expected in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "내부 오류" not in result.err


def test_not_a_zip_and_a_damaged_member(archive_bytes, tmp_path, cli):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = cli("--workspace", tmp_path / "ws", "import-archive", junk)
    assert result.code == 2 and "ZIP" in result.err

    damaged = bytearray(archive_bytes)
    start = damaged.find(b"data/episodes.jsonl") + len("data/episodes.jsonl")
    damaged[start + 5 : start + 25] = b"\x00" * 20  # corrupt the compressed bytes
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(damaged))
    result = cli("--workspace", tmp_path / "ws", "import-archive", path)
    assert result.code == 2, result.err
    assert "내부 오류" not in result.err and len(result.err.strip().splitlines()) == 1


def test_a_member_larger_than_the_limit_is_refused_before_reading(
    archive_bytes, tmp_path, monkeypatch, workspace
):
    big = b'{"episode_number": 1}\n' + b" " * 200_000  # compresses to almost nothing
    path = tmp_path / "bomb.zip"
    path.write_bytes(_rewrite(archive_bytes, data__episodes_dot_jsonl=big))
    monkeypatch.setattr(export, "MAX_MEMBER_BYTES", 100_000)
    with pytest.raises(BadInput, match=r"data/episodes\.jsonl: .*너무 큽니다"):
        export.import_archive(workspace, path)
    monkeypatch.setattr(export, "MAX_ARCHIVE_BYTES", 150_000)
    with pytest.raises(BadInput, match="압축을 풀면"):
        export.import_archive(workspace, path)


def test_an_invalid_slug_option_is_refused(archive_bytes, tmp_path, cli):
    path = tmp_path / "a.zip"
    path.write_bytes(archive_bytes)
    result = cli("--workspace", tmp_path / "ws", "import-archive", path, "--slug", "a'; --")
    assert result.code == 2 and "쓸 수 없습니다" in result.err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
column_names = st.one_of(
    st.sampled_from(sorted({c for m in ROW_MODELS.values() for c in m.columns()})),
    st.text(max_size=40),
    st.just("x); COPY (SELECT 1) TO 'canary.csv'; --"),
    st.just("two\nlines"),
)


@pytest.fixture(scope="module")
def target_ws(tmp_path_factory):
    ws = Workspace.open(tmp_path_factory.mktemp("target") / "ws", create=True)
    yield ws
    ws.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(list(ROW_MODELS)),
    rows=st.lists(st.dictionaries(column_names, json_values, max_size=6), min_size=1, max_size=3),
)
def test_arbitrary_rows_never_execute_or_crash(
    archive_bytes, target_ws, tmp_path, monkeypatch, table, rows
):
    monkeypatch.chdir(tmp_path)
    tables_before = _table_names(target_ws)
    projects_before = len(target_ws.list_projects())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lines = "\n".join(json.dumps(r) for r in rows)
    path = tmp_path / "fuzz.zip"
    path.write_bytes(_rewrite(archive_bytes, **{f"data__{table}_dot_jsonl": lines}))
    try:
        export.import_archive(target_ws, path)
        imported = 1
    except BadInput as exc:
        assert "\n" not in str(exc)
        imported = 0
    assert len(target_ws.list_projects()) == projects_before + imported
    assert _table_names(target_ws) == tables_before
    assert not (tmp_path / "canary.csv").exists()
    # ru_maxrss is in KiB: a handful of small rows may not cost 100 MB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 100_000


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(manifest=st.dictionaries(st.sampled_from(["format", "slug", "novelcraft_version", "x"]),
                                json_values, max_size=4))  # fmt: skip
def test_arbitrary_manifests_never_crash(archive_bytes, target_ws, tmp_path, manifest):
    manifest.setdefault("format", "novelcraft-archive/1")
    path = tmp_path / "fuzz-manifest.zip"
    path.write_bytes(_rewrite(archive_bytes, manifest_dot_json=json.dumps(manifest)))
    before = {p.slug for p in target_ws.list_projects()}
    try:
        slug = export.import_archive(target_ws, path)
    except BadInput as exc:
        assert "\n" not in str(exc)
        assert {p.slug for p in target_ws.list_projects()} == before
    else:
        assert slug not in before and is_valid_slug(slug)
