"""A fingerprint of everything the generator renders for a corpus, to prove a speed-up changes no byte.

python -m bench fingerprint --papers 2000 --out /tmp/bench --save before.json
python -m bench fingerprint --papers 2000 --out /tmp/bench --compare before.json
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator import pipeline
from generator.emit.render import render_site

ROOT = Path(__file__).resolve().parent.parent


def fingerprint(listings: Path, topics: Path = ROOT / "data" / "topics.yml") -> dict[str, str]:
    """sha256 of every rendered file, by path."""
    files = render_site(pipeline.load_corpus([listings], topics))
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def compare(now: dict[str, str], before: dict[str, str]) -> list[str]:
    """The paths that differ, were added or are missing."""
    return sorted(name for name in set(now) | set(before) if now.get(name) != before.get(name))


def run(listings: Path, save: Path | None, against: Path | None) -> int:
    now = fingerprint(listings)
    total = hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()
    print(f"{listings}: {len(now)} files, fingerprint {total[:16]}")
    if save:
        save.write_text(json.dumps(now, indent=0, sort_keys=True))
    if against:
        differ = compare(now, json.loads(against.read_text()))
        if differ:
            print(f"{len(differ)} files differ, e.g. {differ[:10]}")
            return 1
        print("identical to", against)
    return 0
