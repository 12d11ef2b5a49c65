"""How close related papers (``generator/links.py``) are to comparing every pair exactly.

    python -m bench related-agreement --papers 0 10000     # 0: the bundled listings

links.py compares each paper only with the papers its weightiest less common terms propose, so its
lists can differ from those of the exact all-pairs method it replaced (links.py at ``EXACT``, the
last commit with it). For each corpus both are run on the same papers and topics, and this prints
their times and how often they agree: identical lists (same papers, order, scores and terms), the
exact method's related papers that are found, the same first related paper; for the bundled listings
also the related agreement with the hand-labelled topics (what the About page reports) for both.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import links
from generator.model import Related, Slug

from .equivalence import ROOT, reference

EXACT = "240df26"
"""The last commit whose links.py compares every pair (row blocks of the full product)."""


def agreement(exact: Mapping[Slug, tuple[Related, ...]], other: Mapping[Slug, tuple[Related, ...]]) -> dict[str, Any]:
    """Identical lists, related papers found and same first paper, as fractions of the exact method's."""
    same = sum(exact[s] == other[s] for s in exact)
    wanted = sum(len(v) for v in exact.values())
    found = sum(len({r.target for r in exact[s]} & {r.target for r in other[s]}) for s in exact)
    first = sum(bool(exact[s]) and bool(other[s]) and exact[s][0].target == other[s][0].target for s in exact)
    return {
        "lists_changed": len(exact) - same,
        "identical_lists": same / len(exact),
        "related_found": found / wanted if wanted else 1.0,
        "same_first": first / max(1, sum(bool(v) for v in exact.values())),
    }


def labelled_agreement(related: Mapping[Slug, tuple[Related, ...]], assigned: Any, taxonomy: Any) -> dict[str, str]:
    """Related agreement with each hand-labelled set, as the About page counts it."""
    from generator.model import Corpus
    from generator.quality import measure_all

    corpus = Corpus(papers=(), topics=taxonomy.topics, paper_topics=assigned, related=dict(related), entries=0)
    return {
        q.name: f"{round(q.related_agreement * q.related_links)}/{q.related_links} = {q.related_agreement:.3f}"
        for q in measure_all(corpus, ROOT / "data")
    }


def main(args: argparse.Namespace) -> int:
    from generator.clean import clean_entry
    from generator.dedupe import dedupe
    from generator.read import read_paths
    from generator.topics import assign_topics, load_taxonomy

    from .__main__ import ensure_corpus

    old = reference("links", EXACT)
    taxonomy = load_taxonomy(ROOT / "data" / "topics.yml")
    rows: list[dict[str, Any]] = []
    for n in args.papers:
        listings = ROOT / "data" / "listings" if n == 0 else ensure_corpus(args.out, n, args.seed)
        papers = dedupe([clean_entry(e) for e in read_paths([listings]).entries])
        assigned = assign_topics(papers, taxonomy)
        wall, cpu = time.perf_counter(), time.process_time()
        related = links.related_papers(papers, assigned)
        row: dict[str, Any] = {"papers": len(papers), "seconds": time.perf_counter() - wall}
        row["cpu_seconds"] = time.process_time() - cpu
        row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if len(papers) <= args.exact_up_to:
            wall, cpu = time.perf_counter(), time.process_time()
            exact = old.related_papers(papers, assigned)
            row["exact_seconds"] = time.perf_counter() - wall
            row["exact_cpu_seconds"] = time.process_time() - cpu
            row.update(agreement(exact, related))
            if n == 0:
                row["labelled_exact"] = labelled_agreement(exact, assigned, taxonomy)
                row["labelled"] = labelled_agreement(related, assigned, taxonomy)
        rows.append(row)
        print(json.dumps(row), flush=True)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (args.out / "related-agreement.json").write_text(json.dumps(rows, indent=1))
    return 0
