"""Screenshots for the README, taken from the real build in Debian's headless Chromium.

Run ``make screenshots`` (after ``make site``): serves site/ on 127.0.0.1 and writes
readme/home.png and readme/paper.png.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAPER = "papers/qlora-efficient-finetuning-of-quantized-llms/"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    """Take the screenshots; exit 1 with a message if the site or the browser is missing."""
    site = ROOT / "site"
    browser = shutil.which("chromium")
    if not (site / "index.html").is_file() or not browser:
        print("needs site/ (run `make site`) and Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = ROOT / "readme"
    out.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser, args=FLAGS)
            page = chromium.new_page(viewport={"width": 1280, "height": 860})
            for url, name in ((base, "home.png"), (base + PAPER, "paper.png")):
                page.goto(url)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / name))
                print(f"wrote {(out / name).relative_to(ROOT)}")
            chromium.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
