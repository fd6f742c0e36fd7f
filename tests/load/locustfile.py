"""Load test of the HTTP API (DESIGN §10; week-5 seed D35): reads and enqueues against a
running owner while a batch runs.

Headless, driven by `benchmarks/bench_api.py`, or by hand:

    NOVELCRAFT_WORKSPACE=DIR locust -f tests/load/locustfile.py --headless \
        -u 10 -r 10 --run-time 60s --host "$(jq -r .url DIR/server.json)"

Each simulated client makes one request per second (`constant_throughput(1)`), so the user
count is the request rate. The token and the project come from the workspace's server.json
and its first project (or NOVELCRAFT_SLUG); enqueues plan outlines in NOVELCRAFT_ENQUEUE_SLUG.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant_throughput, events, task

STATE: dict = {}


@events.test_start.add_listener
def _discover(environment, **_kwargs) -> None:
    workspace = Path(os.environ["NOVELCRAFT_WORKSPACE"])
    record = json.loads((workspace / "server.json").read_text(encoding="utf-8"))
    STATE["headers"] = {"Authorization": f"Bearer {record['token']}"}
    STATE["slug"] = os.environ.get("NOVELCRAFT_SLUG", "")
    STATE["enqueue_slug"] = os.environ.get("NOVELCRAFT_ENQUEUE_SLUG", STATE["slug"])
    STATE["episodes"] = int(os.environ.get("NOVELCRAFT_EPISODES", "3"))
    STATE["job"] = os.environ.get("NOVELCRAFT_JOB", "")


class ApiClient(HttpUser):
    wait_time = constant_throughput(1)

    def _get(self, path: str, name: str, **params) -> None:
        self.client.get(path, headers=STATE["headers"], params=params or None, name=name)

    @task(3)
    def episodes(self) -> None:
        self._get(f"/api/projects/{STATE['slug']}/episodes", "GET episodes", limit=20)

    @task(3)
    def episode(self) -> None:
        number = random.randint(1, STATE["episodes"])
        self._get(f"/api/projects/{STATE['slug']}/episodes/{number}", "GET episode")

    @task(2)
    def metrics(self) -> None:
        self._get(f"/api/projects/{STATE['slug']}/metrics", "GET metrics")

    @task(2)
    def job(self) -> None:
        self._get(f"/api/jobs/{STATE['job']}", "GET job")

    @task(1)
    def enqueue(self) -> None:
        body = {"project": STATE["enqueue_slug"], "episode_number": random.randint(1, 50)}
        request = self.client.post(
            "/api/generate/outline", json=body, headers=STATE["headers"],
            name="POST generate/outline", catch_response=True,
        )  # fmt: skip
        with request as response:
            if response.status_code != 202:
                response.failure(f"{response.status_code}: {response.text[:200]}")
