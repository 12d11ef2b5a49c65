"""Previews of papers at scale: ``python -m bench.preview_time [PROJECT]`` (default ``.``, built).

Reports, for a built project (``site/`` and ``site-offline/``):
- the preview files (generator/emit/previews.py): shards, their total and largest bytes;
- the largest paper page of each site, and the bytes the previews add to it (the stylesheet and
  script tags);
- the time to the first preview in Debian's Chromium, hosted (served from 127.0.0.1) and from
  ``file://``: a fresh browser context opens the largest paper page, then a related paper's link
  gets the keyboard focus (no delay: the time is the loading of previews/index.js and the shard,
  and drawing) or the mouse (the preview waits ``SHOW_DELAY`` = 250 ms of rest, then shows). From
  the focus or ``pointerover`` event to the preview drawn; the median of ``--repeat`` loads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from generator.emit.previews import FOLDER
from tests.browser import CHROMIUM_ARGS, chromium_path, serve

TIMER = """([selector, how]) => ({ done: new Promise((resolve, reject) => {
  const link = document.querySelector(selector)
  if (!link) return reject(new Error("no link " + selector))
  let started = null
  const shown = () => {
    const tip = document.getElementById("paper-preview")
    if (started !== null && tip && !tip.hidden && tip.textContent) resolve(performance.now() - started)
  }
  new MutationObserver(shown).observe(document.body, { subtree: true, childList: true, attributes: true })
  if (how === "focus") { started = performance.now(); link.focus() }
  else link.addEventListener("pointerover", () => { if (started === null) started = performance.now() }, true)
}) })"""
"""Starts timing the first preview; the promise is wrapped, so that the page can be hovered before it settles."""

RELATED = "ul.paper-related a"


def largest(pages: list[Path]) -> Path:
    return max(pages, key=lambda p: (p.stat().st_size, p.as_posix()))


def time_first_preview(browser: Browser, url: str, how: str, repeat: int) -> float:
    """Milliseconds from focus or pointerover to the preview drawn: the median of ``repeat`` fresh loads."""
    times = []
    for _ in range(repeat + 1):  # the first warms the disk cache
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        link = page.locator(RELATED).first
        link.scroll_into_view_if_needed()
        pending = page.evaluate_handle(TIMER, [RELATED, how])
        if how == "hover":
            link.hover()
        times.append(float(page.evaluate("(timer) => timer.done", pending)))
        context.close()
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.preview_time", description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=Path("."))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    project: Path = args.project
    shards = sorted((project / "site" / FOLDER).glob("*.js"))
    sizes = [p.stat().st_size for p in shards if p.name != "index.js"]
    report: dict[str, object] = {
        "shards": len(sizes),
        "shard_bytes_total": sum(sizes),
        "shard_bytes_largest": max(sizes),
    }
    hosted = largest(list((project / "site" / "papers").glob("*/index.html")))
    offline = project / "site-offline" / "papers" / f"{hosted.parent.name}.html"
    for name, page in (("hosted", hosted), ("offline", offline)):
        text = page.read_text(encoding="utf-8")
        tags = sum(len(line) + 1 for line in text.splitlines() if "previews." in line)
        report[f"{name}_largest_page"] = (
            f"{page.relative_to(project)}: {page.stat().st_size} bytes, {tags} of them previews'"
        )
    executable = chromium_path()
    if executable is None:
        sys.exit("Debian's chromium is not installed")
    with sync_playwright() as playwright, serve(project / "site") as base:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        urls = {"hosted": f"{base}papers/{hosted.parent.name}/", "offline": offline.resolve().as_uri()}
        timers: dict[str, Callable[[], float]] = {
            f"{site}_{how}_ms": (lambda url=url, how=how: time_first_preview(browser, url, how, args.repeat))
            for site, url in urls.items()
            for how in ("focus", "hover")
        }
        for name, timer in timers.items():
            report[name] = round(timer(), 1)
        browser.close()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
