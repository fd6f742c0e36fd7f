"""The HTTP API as a script sees it: a real owner's loopback server, raw requests.

Auth on every route of the endpoint table (no token, a wrong token, a token in the wrong
place), `{error, detail}` with the right status for every kind of bad input, state unchanged
after each refusal, and `server.json` (mode 0600, removed on stop, a dead pid ignored)."""

from __future__ import annotations

import json
import os
import re
import stat

import httpx
import pytest

import novelcraft
from novelcraft.api.endpoints import ENDPOINTS
from novelcraft.api.record import read_record, write_record
from novelcraft.workspace import Workspace, WorkspacePaths

SAMPLE_PATH = {"slug": "{slug}", "n": "1", "name": "강도윤", "job_id": "{job}", "kind": "metrics",
               "foreshadow_id": "1"}  # fmt: skip


@pytest.fixture
def api(ws_dir, sample_bible_path):
    """(httpx client with the owner's token, the project slug, a finished job id, the ws)."""
    ws = Workspace.open(ws_dir, create=True)
    slug = ws.import_bible(sample_bible_path)
    ws.serve(workers=1)
    record = read_record(ws.paths)
    client = httpx.Client(base_url=record.url, timeout=60,
                          headers={"Authorization": f"Bearer {record.token}"})  # fmt: skip
    job = client.post("/api/generate/batch", json={"project": slug, "from": 1, "to": 1})
    assert job.status_code == 202, job.text
    job_id = job.json()["job_id"]
    for _ in range(1200):
        if client.get(f"/api/jobs/{job_id}").json()["status"] == "completed":
            break
        import time

        time.sleep(0.1)
    try:
        yield client, slug, job_id, ws
    finally:
        client.close()
        ws.close()


def _url(path: str, slug: str, job_id: str) -> str:
    def fill(match):
        return SAMPLE_PATH[match.group(1)].format(slug=slug, job=job_id)

    return re.sub(r"\{(\w+)\}", fill, path)


def _assert_error(response: httpx.Response, status: int, *words: str) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert "Traceback" not in body["detail"]
    for word in words:
        assert word in body["detail"], body
    return body


def test_every_route_refuses_missing_wrong_or_misplaced_credentials(api):
    client, slug, job_id, _ws = api
    token = client.headers["Authorization"].removeprefix("Bearer ")
    with httpx.Client(base_url=str(client.base_url), timeout=30) as anonymous:
        for ep in ENDPOINTS:
            url = _url(ep.path, slug, job_id)
            attempts = [
                {},
                {"headers": {"Authorization": "Bearer wrong-token"}},
                {"headers": {"Authorization": f"Basic {token}"}},
                {"params": {"token": token}},
                {"headers": {"Cookie": "user=admin"}},  # an unsigned cookie is no session
            ]
            for extra in attempts:
                response = anonymous.request(ep.method, url, **extra)
                body = _assert_error(response, 401)
                assert body["error"] == "unauthorized", (ep.method, ep.path, extra)
        _assert_error(anonymous.get("/api/no-such-route"), 401)
        _assert_error(anonymous.patch(f"/api/projects/{slug}"), 401)  # auth before 405
    # Nothing a refused write asked for happened.
    assert [p["slug"] for p in client.get("/api/projects").json()] == [slug]
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "completed"


def test_health_openapi_and_unknown_routes(api):
    client, slug, _job_id, ws = api
    health = client.get("/api/health").json()
    assert health == {"status": "ok", "version": novelcraft.__version__, "pid": os.getpid(),
                      "workspace": str(ws.paths.root)}  # fmt: skip
    doc = client.get("/api/openapi.json").json()
    declared = {(ep.path, ep.method.lower()) for ep in ENDPOINTS}
    assert {(p, m) for p, ops in doc["paths"].items() for m in ops} == declared
    batch = doc["paths"]["/api/generate/batch"]["post"]
    schema = batch["requestBody"]["content"]["application/json"]["schema"]
    target = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert {"project", "from", "to", "with_editor", "use_retry"} <= set(target["properties"])
    _assert_error(client.get("/api/nothing-here"), 404, "/api/nothing-here")
    _assert_error(client.patch(f"/api/projects/{slug}"), 405)


def test_reads_and_downloads(api):
    client, slug, job_id, _ws = api
    episodes = client.get(f"/api/projects/{slug}/episodes").json()
    assert [e["episode_number"] for e in episodes] == [1]
    rows = client.get(f"/api/projects/{slug}/metrics").json()
    assert rows[0]["episode_number"] == 1 and "dialogue_ratio" in rows[0]
    csv = client.get(f"/api/projects/{slug}/metrics", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("episode_number,stage,attempt")
    parquet = client.get(f"/api/projects/{slug}/metrics", params={"format": "parquet"})
    assert parquet.content[:4] == b"PAR1"
    from novelcraft.api.tables import parquet_to_frame

    assert list(parquet_to_frame(parquet.content)["episode_number"]) == [1]
    bible = client.get(f"/api/projects/{slug}/bible")
    assert bible.text.startswith("format: novelcraft-bible/1")
    zipped = client.get(f"/api/projects/{slug}/export", params={"format": "zip"})
    assert zipped.content[:2] == b"PK"
    result = client.get(f"/api/jobs/{job_id}/result").json()
    assert result["finished"] and result["output"] == {"episodes": 1, "passed": 1}


def test_bad_input_on_every_kind_of_route(api):
    client, slug, job_id, ws = api
    before = client.get(f"/api/projects/{slug}/episodes/1").json()
    json_routes = [ep for ep in ENDPOINTS if ep.body is not None]
    for ep in json_routes:
        url = _url(ep.path, slug, job_id)
        _assert_error(
            client.request(ep.method, url, content=b"{not json"), 400, "JSON 형식이 잘못되었습니다"
        )
        _assert_error(client.request(ep.method, url, content=b""), 400)
        body = client.request(ep.method, url, json={"no_such_field": 1})
        _assert_error(body, 422)
    # Wrong types and ranges name the field.
    _assert_error(client.post("/api/generate/batch", json={"project": slug, "from": "x", "to": 2}),
                  422, "from")  # fmt: skip
    _assert_error(client.post("/api/generate/batch", json={"project": slug, "from": 0, "to": 2}),
                  422, "from")  # fmt: skip
    _assert_error(client.post("/api/generate/batch", json={"project": slug, "from": 3, "to": 2}),
                  422, "끝 회차")  # fmt: skip
    _assert_error(
        client.post("/api/generate/episode", json={"project": slug, "episode_number": -1}),
        422,
        "episode_number",
    )
    _assert_error(client.put(f"/api/projects/{slug}/episodes/1",
                             json={"content": 5, "revision": 1}), 422, "content")  # fmt: skip
    # Unknown ids.
    _assert_error(client.get("/api/projects/no-such"), 404, "no-such")
    _assert_error(client.post("/api/generate/batch", json={"project": "no-such", "from": 1,
                                                           "to": 1}), 404)  # fmt: skip
    _assert_error(client.get(f"/api/projects/{slug}/episodes/99"), 404)
    _assert_error(client.get("/api/jobs/ffffffffffff"), 404)
    _assert_error(client.delete("/api/jobs/ffffffffffff"), 404)
    _assert_error(client.get(f"/api/projects/{slug}/characters/없는사람"), 405)
    _assert_error(client.delete(f"/api/projects/{slug}/characters/없는사람"), 404, "없는사람")
    _assert_error(client.get(f"/api/projects/{slug}/frames/nope"), 404)
    canon = f"/api/projects/{slug}/canon"
    _assert_error(client.put(f"{canon}/foreshadows/999999", json={"dropped": True}), 404,
                  "복선 999999이(가) 없습니다")  # fmt: skip
    _assert_error(client.put(f"{canon}/foreshadows/abc", json={"dropped": True}), 422,
                  "foreshadow_id")  # fmt: skip
    _assert_error(client.put(f"{canon}/foreshadows/1", json={}), 422, "dropped 또는 due_episode")
    _assert_error(client.get(f"{canon}/voice", params={"season": "x"}), 422, "season")
    # Out-of-range numbers and bad query arguments.
    _assert_error(client.get(f"/api/projects/{slug}/episodes/0"), 422, "n")
    _assert_error(client.get(f"/api/projects/{slug}/episodes/abc"), 422, "n")
    _assert_error(client.get(f"/api/projects/{slug}/episodes", params={"limit": "-3"}), 422,
                  "limit")  # fmt: skip
    _assert_error(client.get(f"/api/projects/{slug}/metrics", params={"format": "xls"}), 422,
                  "format")  # fmt: skip
    _assert_error(client.get(f"/api/jobs/{job_id}/logs", params={"after": "x"}), 422, "after")
    # A stale revision is a conflict; an oversized body is refused before it is read.
    stale = {"content": "새 원고 " * 100, "revision": before["revision"] - 1}
    _assert_error(client.put(f"/api/projects/{slug}/episodes/1", json=stale), 409, "열어 둔 판")
    huge = {"content": "가" * 3_000_000, "revision": before["revision"]}
    _assert_error(client.put(f"/api/projects/{slug}/episodes/1", json=huge), 413)
    _assert_error(client.put(f"/api/projects/{slug}/bible", content=b"project: [unclosed"), 422)
    _assert_error(client.post("/api/archives", content=b"not a zip"), 422)
    # None of it changed anything.
    after = client.get(f"/api/projects/{slug}/episodes/1").json()
    assert after == before
    assert [p["slug"] for p in client.get("/api/projects").json()] == [slug]
    assert len(client.get("/api/jobs").json()) == 1
    assert ws.get_bible(slug).project.name


def test_writes_through_the_api(api):
    client, slug, _job_id, _ws = api
    episode = client.get(f"/api/projects/{slug}/episodes/1").json()
    text = episode["content"].replace("###", "***", 1)
    saved = client.put(f"/api/projects/{slug}/episodes/1",
                       json={"content": text, "revision": episode["revision"]})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["revision"] == episode["revision"] + 1
    created = client.post(f"/api/projects/{slug}/episodes", json={"episode_number": 2})
    assert created.status_code == 201 and created.json()["episode_number"] == 2
    assert client.delete(f"/api/projects/{slug}/episodes/2").json() == {"deleted": 2}
    character = client.get(f"/api/projects/{slug}/characters").json()[0]
    character["notes"] = "API로 수정"
    name = character["name"]
    put = client.put(f"/api/projects/{slug}/characters/{name}", json=character)
    assert put.status_code == 200 and put.json()["notes"] == "API로 수정"
    queued = client.post("/api/generate/outline", json={"project": slug, "episode_number": 4})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"


def test_server_json_is_private_removed_on_stop_and_ignored_when_its_pid_is_dead(ws_dir):
    paths = WorkspacePaths(ws_dir)
    with Workspace.open(ws_dir, create=True) as ws:
        ws.serve(workers=1)
        mode = stat.S_IMODE(os.stat(paths.server).st_mode)
        assert mode == 0o600
        record = json.loads(paths.server.read_text())
        assert record["pid"] == os.getpid() and record["url"].startswith("http://127.0.0.1:")
        assert len(record["token"]) >= 32
    assert not paths.server.exists()
    write_record(paths, "http://127.0.0.1:9/", "tok", "owner")
    dead = json.loads(paths.server.read_text())
    dead["pid"] = 2**22 + 12345  # beyond pid_max: no such process
    paths.server.write_text(json.dumps(dead))
    assert read_record(paths) is None
    paths.server.write_text("{not json")
    assert read_record(paths) is None


def test_an_unexpected_failure_is_a_500_without_a_stack_trace(api, monkeypatch):
    client, _slug, _job_id, ws = api

    def broken():
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(ws, "list_projects", broken)
    body = _assert_error(client.get("/api/projects"), 500)
    assert body["error"] == "operation_failed" and "secret" not in body["detail"]
    assert client.get("/api/health").status_code == 200  # the server lives on
