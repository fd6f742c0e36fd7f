"""Dashboard benchmark: 10 projects x 300 episodes in the store; prints the server-side time to
build the Episodes and Quality screens and the time until Chromium has drawn them (median of
5 runs each). Goal (issue 6): drawn in <= 1.5 s. Also the editor (issue 11): the time from
opening it to an editable manuscript, and from a keystroke in the manuscript to the live
character count showing the new number (measured in the page, so Playwright's polling is not
counted).

Episodes and their measurements are inserted with set-based SQL straight into the store (the
screens read them exactly as they read generated ones). Run: `make bench` or
`.venv/bin/python benchmarks/bench_dashboard.py [--runs N] [--projects N] [--episodes N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import panel as pn

from novelcraft.dashboards.app import setup_extensions
from novelcraft.dashboards.episodes_screen import EpisodesScreen
from novelcraft.dashboards.quality import QualityScreen
from novelcraft.dashboards.server import free_port
from novelcraft.dashboards.state import AppState
from novelcraft.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
BIBLE = Path(str(resources.files("novelcraft").joinpath("data/sample_bible.yaml")))
BODY = "도윤은 서류철을 덮고 창밖을 보았다. \u201c또 야근이야?\u201d 하린이 물었다.\n\n###\n\n"


def fill_store(ws: Workspace, projects: int, episodes: int) -> list[str]:
    slugs = []
    for p in range(1, projects + 1):
        slug = ws.import_bible(BIBLE, slug=f"bench-{p:02d}")
        pid = ws.project_id(slug)
        with ws.store.transaction() as cur:
            cur.execute(
                "INSERT INTO episodes (project_id, episode_number, title, status, content,"
                " length, revision, passed, context_stale) SELECT ?, n, n || '화', 'generated',"
                " repeat(?, 120), 7000 + (n * 37) % 2000, 1, n % 17 <> 0, n % 23 = 0"
                " FROM range(1, ? + 1) t(n)",
                [pid, BODY, episodes],
            )
            cur.execute(
                "INSERT INTO episode_metrics (project_id, episode_id, episode_number, stage,"
                " attempt, length, length_with_spaces, scene_count, ending_hook,"
                " avg_sentence_length, dialogue_ratio, explanation_density, repetition_rate,"
                " repeated_4grams, voice_score, banned_endings, passed) SELECT e.project_id,"
                " e.id, e.episode_number, 'final', 1, e.length, e.length * 13 / 10,"
                " 3 + e.episode_number % 3, e.episode_number % 19 <> 0,"
                " 14 + (e.episode_number * 7) % 20, 0.35 + (e.episode_number % 30) / 100.0,"
                " (e.episode_number % 9) / 100.0, (e.episode_number % 5) / 100.0,"
                " e.episode_number % 4 = 0, 0.5 + (e.episode_number % 50) / 100.0, 0, e.passed"
                " FROM episodes e WHERE e.project_id = ?",
                [pid],
            )
        slugs.append(slug)
    return slugs


def build_times(ws: Workspace, slug: str, runs: int) -> dict[str, float]:
    setup_extensions()
    out = {}
    for name, cls in (("episodes", EpisodesScreen), ("quality", QualityScreen)):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            screen = cls(state=AppState(ws=ws, project=slug, screen=name))
            pn.panel(screen).get_root()  # the Bokeh models a browser session receives
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times)
    return out


def serve(root: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "novelcraft", "--workspace", str(root), "serve", "--port",
         str(port), "--no-browser"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while (
        not (root / "server.json").exists()
        or json.loads((root / "server.json").read_text())["pid"] != proc.pid
    ):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the dashboard server did not start")
        time.sleep(0.2)
    return proc


def browser_times(url: str, slug: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    ready = {"episodes": ".nc-episodes-table .tabulator-row", "quality": ".nc-charts canvas"}
    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        warm = context.new_page()  # the first page fills the cache with the JS bundles
        warm.goto(f"{url}/?screen=episodes&project={slug}")
        warm.locator(ready["episodes"]).first.wait_for(timeout=60000)
        warm.close()
        for screen, selector in ready.items():
            times = []
            for _ in range(runs):
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(f"{url}/?screen={screen}&project={slug}", wait_until="commit")
                page.locator(selector).first.wait_for(state="visible", timeout=60000)
                times.append(time.perf_counter() - t0)
                page.close()
            out[screen] = statistics.median(times)
        browser.close()
    return out


# Finds an element through Panel's shadow roots.
DEEP_QUERY = """
(selector) => {
  const search = (root) => {
    const hit = root.querySelector(selector)
    if (hit) return hit
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) { const found = search(el.shadowRoot); if (found) return found }
    }
    return null
  }
  return search(document)
}
"""
# Stamps the keystroke (the textarea's input event) and the first change of the count.
WATCH_COUNT = """
(deep) => {
  const find = eval(deep)
  const host = find(".nc-manuscript")
  const box = (host.shadowRoot || host).querySelector("textarea")
  const count = find(".nc-count")
  const root = count.getRootNode()
  const before = count.textContent
  window.__nc = {}
  box.addEventListener("input", () => { window.__nc.typed = performance.now() }, {once: true})
  const seen = new MutationObserver(() => {
    const now = find(".nc-count")
    if (now && now.textContent !== before && window.__nc.typed !== undefined) {
      window.__nc.counted = performance.now()
      seen.disconnect()
    }
  })
  seen.observe(root, {subtree: true, childList: true, characterData: true})
}
"""


def editor_times(url: str, slug: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    opened, counted = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        for run in range(runs + 1):  # the first run warms the cache and is not counted
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(f"{url}/?screen=editor&project={slug}&episode=1", wait_until="commit")
            box = page.locator(".nc-manuscript textarea")
            box.wait_for(state="visible", timeout=60000)
            while not box.input_value():
                time.sleep(0.02)
            if run:
                opened.append(time.perf_counter() - t0)
            box.click()
            page.keyboard.press("Control+End")
            page.evaluate(WATCH_COUNT, DEEP_QUERY)
            page.keyboard.insert_text("가")
            page.wait_for_function("() => window.__nc.counted !== undefined", timeout=30000)
            if run:
                counted.append(page.evaluate("() => window.__nc.counted - window.__nc.typed"))
            page.close()
        browser.close()
    return {
        "editor_open_s": statistics.median(opened),
        "keystroke_to_count_ms": statistics.median(counted),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--episodes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        with Workspace.open(root, create=True) as ws:
            t0 = time.perf_counter()
            slugs = fill_store(ws, args.projects, args.episodes)
            print(f"store: {args.projects} projects x {args.episodes} episodes "
                  f"(with metrics) inserted in {time.perf_counter() - t0:.1f} s")  # fmt: skip
            slug = slugs[len(slugs) // 2]
            built = build_times(ws, slug, args.runs)
        for name, seconds in built.items():
            print(f"server-side build of the {name} screen: {seconds * 1000:.0f} ms")
        port = free_port()
        proc = serve(root, port)
        try:
            drawn = browser_times(f"http://localhost:{port}", slug, args.runs)
            editor = editor_times(f"http://localhost:{port}", slug, args.runs)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        for name, seconds in drawn.items():
            verdict = "ok" if seconds <= 1.5 else "over the 1.5 s goal"
            print(f"chromium: {name} screen drawn in {seconds:.2f} s ({verdict})")
        print(f"chromium: editor open to an editable manuscript in {editor['editor_open_s']:.2f} s")
        print(
            "chromium: keystroke to live character count "
            f"{editor['keystroke_to_count_ms']:.0f} ms (one round trip to the server)"
        )
        print(f"(median of {args.runs} runs; {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
