"""Integration: `novelcraft serve` runs in its own process and owns the workspace; every CLI
command and a second process's `novelcraft.connect()` work through its API meanwhile.
With `--basic-auth`, the dashboard's signed session cookie (plus XSRF for writes) also opens
the API, and nothing else does — websockets included."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import zipfile
from contextlib import contextmanager

import httpx
import pytest
from workspace_helpers import run_cli_subprocess

from novelcraft.workspace import Workspace

START_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(ws_dir, *extra: str):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "novelcraft", "--workspace", str(ws_dir), "serve", "--port",
         str(port), "--no-browser", "--workers", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (ws_dir / "server.json").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        record = json.loads((ws_dir / "server.json").read_text())
        assert record["pid"] == proc.pid
        yield port, record
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err
    assert "Traceback" not in err


@pytest.fixture
def project_ws(ws_dir, sample_bible_path):
    with Workspace.open(ws_dir, create=True) as ws:
        slug = ws.import_bible(sample_bible_path)
    return ws_dir, slug


def _ok(result, *words: str) -> str:
    assert result.returncode == 0, (result.args, result.stderr)
    for word in words:
        assert word in result.stdout + result.stderr, (result.args, result.stdout)
    return result.stdout


def test_every_cli_command_works_while_serve_owns_the_workspace(project_ws, tmp_path,
                                                                sample_bible_path):  # fmt: skip
    ws_dir, slug = project_ws

    def cli(*args):
        return run_cli_subprocess("--workspace", ws_dir, *args)

    with serving(ws_dir):
        listed = json.loads(_ok(cli("projects", "--json")))
        assert [p["slug"] for p in listed] == [slug]
        generated = cli("generate", slug, "--from", "1", "--to", "2")
        _ok(generated, "완료: 2화")
        passed = int(generated.stdout.split("가드 통과 ")[1].split("화")[0])
        episodes = json.loads(_ok(cli("episodes", slug, "--json")))
        assert [e["episode_number"] for e in episodes] == [1, 2]
        assert passed == sum(1 for e in episodes if e["passed"])  # the true count
        shown = json.loads(_ok(cli("show", slug, "1", "--json")))
        assert shown["content"] and shown["summary"] and shown["events"]
        missing = cli("show", slug, "99")
        assert missing.returncode == 2 and missing.stderr.count("\n") == 1
        assert "99화가 없습니다" in missing.stderr
        outline = json.loads(_ok(cli("outline", slug, "3", "--json")))
        assert len(outline["scenes"]) >= 3
        (tmp_path / "outline.json").write_text(json.dumps(outline), encoding="utf-8")
        _ok(cli("outline", slug, "3", "--set", tmp_path / "outline.json"), "엔딩 훅")
        _ok(cli("revise", slug, "1", "--instruction", "대사를 더 짧게"), "1화 수정 완료")
        jobs = json.loads(_ok(cli("jobs", "--json")))
        assert {j["job_type"] for j in jobs} >= {"batch", "outline", "revise"}
        batch = next(j for j in jobs if j["job_type"] == "batch")
        # A job named by a prefix, as git names commits: the shortest one no other job shares
        # (ids start with their creation time, so jobs made together share a long prefix).
        others = [j["id"] for j in jobs if j["id"] != batch["id"]]
        size = next(n for n in range(4, len(batch["id"]) + 1)
                    if not any(o.startswith(batch["id"][:n]) for o in others))  # fmt: skip
        one = json.loads(_ok(cli("job", batch["id"][:size], "--json")))
        assert one["status"] == "completed" and len(one["children"]) == 2
        done = cli("cancel", batch["id"])
        assert done.returncode == 2 and "이미 끝난 작업입니다 (완료)" in done.stderr
        metrics = json.loads(_ok(cli("metrics", slug, "--json")))
        assert [m["episode_number"] for m in metrics] == [1, 2]
        _ok(cli("metrics", slug, "--csv", tmp_path / "m.csv"))
        assert (tmp_path / "m.csv").read_text(encoding="utf-8").startswith("episode_number")
        summary = json.loads(_ok(cli("guard-summary", slug, "--json")))
        assert summary["episodes"] == 2
        _ok(cli("bible", "export", slug, "-o", tmp_path / "bible.yaml"))
        assert (tmp_path / "bible.yaml").read_text(encoding="utf-8") == (
            sample_bible_path.read_text(encoding="utf-8")
        )
        other = _ok(cli("bible", "import", sample_bible_path, "--slug", "other")).strip()
        assert other == "other"
        _ok(cli("bible", "import", tmp_path / "bible.yaml", "--into", "other"))
        _ok(cli("export", slug, "--format", "zip", "-o", tmp_path / "p.zip"))
        assert "bible.yaml" in zipfile.ZipFile(tmp_path / "p.zip").namelist()
        assert _ok(cli("import-archive", tmp_path / "p.zip", "--slug", "copy")).strip() == "copy"
        backup = _ok(cli("backup", "-o", tmp_path / "backups")).strip()
        assert os.path.isdir(backup)
        boot = _ok(cli("bootstrap", "--name", "새 이야기", "--genre", "무협", "--tone", "진지",
                       "--protagonist", "검객")).strip()  # fmt: skip
        assert boot in {p["slug"] for p in json.loads(_ok(cli("projects", "--json")))}
        detached = _ok(cli("generate", slug, "--from", "3", "--to", "3", "--detach")).strip()
        deadline = time.monotonic() + 120
        while json.loads(_ok(cli("job", detached, "--json")))["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        _ok(cli("init"), "이미 있습니다")
        _ok(cli("backends"), "offline")
        (tmp_path / "ep.txt").write_text(shown["content"], encoding="utf-8")
        assert cli("check", tmp_path / "ep.txt", "--json").returncode in (0, 1)
        bad = cli("generate", slug, "--from", "5", "--to", "2")
        assert bad.returncode == 2 and "끝 회차" in bad.stderr
        second = cli("serve", "--port", "0", "--no-browser")
        assert second.returncode == 2 and second.stderr.count("\n") == 1
        assert "다른 프로세스가 쓰고 있습니다 (pid" in second.stderr
    # After serve stopped, the same command opens the workspace itself and agrees.
    assert [e["episode_number"] for e in json.loads(_ok(cli("episodes", slug, "--json")))] == [
        1, 2, 3,
    ]  # fmt: skip


SECOND_PROCESS = textwrap.dedent("""
    import json, sys
    import novelcraft
    ws = novelcraft.connect(sys.argv[1])
    slug = sys.argv[2]
    episode = ws.get_episode(slug, 1)
    saved = ws.save_author_edit(slug, 1, episode.content + "\\n\\n그리고 문이 닫혔다?",
                                expected_revision=episode.revision)
    created = ws.create_episode(slug, 5, title="원격")
    print(json.dumps({"kind": type(ws).__name__, "projects": [p.slug for p in ws.list_projects()],
                      "revision": saved.revision, "created": created.episode_number}))
    ws.close()
""")


def test_connect_from_a_second_process_reads_and_writes(project_ws):
    ws_dir, slug = project_ws
    with serving(ws_dir):
        _ok(run_cli_subprocess("--workspace", ws_dir, "generate", slug, "--from", "1", "--to", "1"))
        out = subprocess.run([sys.executable, "-c", SECOND_PROCESS, str(ws_dir), slug],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert out.returncode == 0, out.stderr
        answer = json.loads(out.stdout)
        assert answer["kind"] == "RemoteWorkspace" and answer["projects"] == [slug]
    with Workspace.open(ws_dir) as ws:
        assert ws.get_episode(slug, 1).revision == answer["revision"]
        assert ws.get_episode(slug, 1).content.endswith("그리고 문이 닫혔다?")
        assert ws.get_episode(slug, 5).title == "원격"


def _websocket_status(port: int, cookie: str = "") -> str:
    request = (
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request.encode())
        return s.recv(200).decode(errors="replace").split("\r\n", 1)[0]


def test_basic_auth_session_cookie_and_xsrf_open_the_api(project_ws):
    ws_dir, slug = project_ws
    with serving(ws_dir, "--basic-auth", "editor:s3cret-pass") as (port, record):
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as anonymous:
            assert anonymous.get("/api/projects").status_code == 401
            assert anonymous.get(f"/api/projects/{slug}/metrics?format=csv").status_code == 401
            assert anonymous.get(f"/api/projects/{slug}/export?format=zip").status_code == 401
        status = _websocket_status(port)
        assert status.startswith("HTTP/1.1 ") and " 101 " not in status, status
        with httpx.Client(base_url=base, timeout=60) as browser:
            login = browser.post("/login", data={"username": "editor", "password": "s3cret-pass"})
            assert login.status_code in (200, 302), login.text
            assert browser.cookies.get("user")
            listed = browser.get("/api/projects")
            assert listed.status_code == 200 and listed.json()[0]["slug"] == slug
            xsrf = browser.cookies.get("_xsrf")
            assert xsrf
            body = {"project": slug, "episode_number": 1}
            refused = browser.post("/api/generate/outline", json=body)
            assert refused.status_code == 401 and "XSRF" in refused.json()["detail"]
            accepted = browser.post("/api/generate/outline", json=body,
                                    headers={"X-XSRFToken": xsrf})  # fmt: skip
            assert accepted.status_code == 202, accepted.text
            forged = browser.cookies.get("user")[:-4] + "AAAA"
        with httpx.Client(base_url=base, timeout=60) as forger:
            forger.cookies.set("user", forged)
            assert forger.get("/api/projects").status_code == 401
        with httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {record['token']}"}
        ) as script:
            assert script.get(f"/api/jobs/{accepted.json()['job_id']}").status_code == 200
