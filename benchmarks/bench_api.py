"""API load benchmark (issue 12; week-5 seed D35): `novelcraft serve` on a demo workspace with
a batch running, and locust (headless, tests/load/locustfile.py) driving reads (episodes,
episode, metrics, job) and enqueues (outline jobs of a second project) at 10 and at 50
requests per second for 60 s each. Prints p50/p95/p99 per route and the error count.

Goal: at 10 RPS p95 <= 100 ms for reads and enqueues; at 50 RPS no errors.
Run: `.venv/bin/python benchmarks/bench_api.py [--duration 60] [--rates 10,50]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import httpx

from novelcraft.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "tests" / "load" / "locustfile.py"
BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))
READY_EPISODES = 3
BACKGROUND_LAST = 400


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_job(client: httpx.Client, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "canceled"):
            return job
        time.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish in {timeout:.0f}s")


def run_locust(ws_dir: Path, url: str, env: dict, rate: int, duration: int, out: Path) -> list:
    prefix = out / f"rate{rate}"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(rate),
        "-r", str(rate), "--run-time", f"{duration}s", "--host", url.rstrip("/"),
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with open(f"{prefix}.log", "wb") as log:
        subprocess.run(command, env={**os.environ, **env, "NOVELCRAFT_WORKSPACE": str(ws_dir)},
                       check=False, stdout=log, stderr=log, timeout=duration + 120)  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def report(rate: int, rows: list[dict], duration: int) -> int:
    print(f"\n== {rate} RPS target, {duration} s ==")
    print(f"{'route':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(f"{name:<24}{row['Request Count']:>9}{row['Failure Count']:>8}{row['50%']:>9}"
              f"{row['95%']:>9}{row['99%']:>9}")  # fmt: skip
        if row["Name"] == "Aggregated":
            errors = int(row["Failure Count"])
            achieved = float(row["Requests/s"])
            print(f"achieved {achieved:.1f} requests/s; errors {errors}")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--rates", default="10,50")
    parser.add_argument(
        "--no-batch",
        action="store_true",
        help="No batch running during the load (to separate its cost).",
    )
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="nc-bench-api-") as tmp:
        ws_dir = Path(tmp) / "ws"
        with Workspace.open(ws_dir, create=True) as ws:
            slug = ws.import_bible(BIBLE, slug="bench")
            enqueue_slug = ws.import_bible(BIBLE, slug="bench-enqueue")
        port = free_port()
        serve = subprocess.Popen(
            [sys.executable, "-m", "novelcraft", "--workspace", str(ws_dir), "serve", "--port",
             str(port), "--no-browser", "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not (ws_dir / "server.json").exists():
                if serve.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"serve did not start: {serve.communicate()[1][-2000:]}")
                time.sleep(0.2)
            record = json.loads((ws_dir / "server.json").read_text())
            headers = {"Authorization": f"Bearer {record['token']}"}
            with httpx.Client(base_url=record["url"], headers=headers, timeout=60) as client:
                started = time.monotonic()
                first = client.post(
                    "/api/generate/batch", json={"project": slug, "from": 1, "to": READY_EPISODES}
                )
                done = wait_job(client, first.json()["job_id"])
                load = os.getloadavg()[0]
                print(f"batch 1-{READY_EPISODES}: {done['status']} in "
                      f"{time.monotonic() - started:.1f} s (load average {load:.1f})")  # fmt: skip
                background = done["id"]
                if not args.no_batch:
                    background = client.post(
                        "/api/generate/batch",
                        json={"project": slug, "from": READY_EPISODES + 1, "to": BACKGROUND_LAST},
                    ).json()["job_id"]
                env = {
                    "NOVELCRAFT_SLUG": slug,
                    "NOVELCRAFT_ENQUEUE_SLUG": enqueue_slug,
                    "NOVELCRAFT_EPISODES": str(READY_EPISODES),
                    "NOVELCRAFT_JOB": background,
                }
                total_errors = {}
                for rate in rates:
                    rows = run_locust(ws_dir, record["url"], env, rate, args.duration, Path(tmp))
                    total_errors[rate] = report(rate, rows, args.duration)
                    progress = client.get(f"/api/jobs/{background}").json()
                    print(
                        f"background batch during the run: {progress['status']}, "
                        f"{progress['progress'] * 100:.0f}% ({progress['step_label']})"
                    )
                if not args.no_batch:
                    client.delete(f"/api/jobs/{background}")
            print("\nerrors per rate:", total_errors)
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(90)
            except subprocess.TimeoutExpired:
                serve.kill()


if __name__ == "__main__":
    main()
