"""Screenshots for the README, taken from the real build in Debian's headless Chromium.

Run ``make screenshots`` (after ``make site``): serves site/ on 127.0.0.1 and writes
readme/home.png and readme/paper.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, chromium_path, serve  # noqa: E402  (the project root is not on the path of a script)

PAPER = "papers/qlora-efficient-finetuning-of-quantized-llms/"


def main() -> int:
    """Take the screenshots; exit 1 with a message if the site or the browser is missing."""
    site = ROOT / "site"
    if not (site / "index.html").is_file() or not chromium_path():
        print("needs site/ (run `make site`) and Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    out = ROOT / "readme"
    out.mkdir(exist_ok=True)
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for url, name in ((base, "home.png"), (base + PAPER, "paper.png")):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / name))
            print(f"wrote {(out / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
