"""The stages of a build, in the order they run: each function below reads as the list of its stages.

``load_corpus``: the listings and the taxonomy to a corpus (papers, topics, related papers,
mentions, figures); ``generate``: the corpus to the files of docs/; ``build``: those written, then
the sites built from them; ``check``: the input read and validated, nothing written.

Every input (taxonomy, labels, listings) is read and checked before the costly stages, so a mistake
in one stops the build at once. How the stages run (timed and shown, some side by side in a worker
process on the second core, the cycle collector paused) is generator/run.py's concern: a stage here
is a name and a function of the data before it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import clean, embedding, latex, links, read, search, topics
from .cache import FOLDER, Cache, saving
from .clean import clean_entries
from .dedupe import dedupe
from .embedding import paper_space
from .emit.render import render_papers, render_site
from .links import Similarity, similar_papers
from .mentions import find_mentions
from .model import Corpus, Diagnostic, Paper, Slug
from .quality import labels_beside, measure_all, unknown_papers
from .ranking import name_matrix, rank_related, signals
from .run import Counted, Report, Run
from .site import build_sites, check_config
from .topics import (
    Evidence,
    Taxonomy,
    assign_topics,
    closeness,
    evidence_key,
    evidence_stamp,
    keyword_evidence,
    load_taxonomy,
    relevance,
)
from .write import fill, staged_folder


def load_corpus(paths: Sequence[Path], topics_file: Path, run: Run | None = None, cache: Cache | None = None) -> Corpus:
    """Every stage before rendering: listings and taxonomy in, corpus with its relations out
    (``run``: how the stages are shown, by default quietly; ``cache``: what earlier builds computed
    from each text, by default nothing)."""
    run, cache = run or Run(), cache or Cache()
    with run:
        taxonomy = run.stage("taxonomy", lambda: load_taxonomy(topics_file))
        labels = labels_beside(topics_file, taxonomy.topics)
        reading = run.stage("read", lambda: read.read_paths(paths))
        texts = cache.table("clean", (clean, latex), ("pylatexenc",))
        cleaning = run.stage("clean", saving(texts, lambda: clean_entries(reading.entries, texts)))
        diagnostics: list[Diagnostic] = [*reading.diagnostics, *cleaning.diagnostics]
        papers = run.stage("dedupe", lambda: dedupe(cleaning.entries, diagnostics.append))
        diagnostics += unknown_papers(labels or {}, {p.slug for p in papers})
        words = cache.table("words", (links,), ("scikit-learn",))
        scores = cache.table("evidence", (topics,), data=evidence_stamp(taxonomy))
        tokens = cache.table("tokens", (embedding,), (embedding.PACKAGE, "tokenizers"))
        found = run.together(
            {
                "similarity": Counted(saving(words, lambda: similar_papers(papers, remembered=words)), len(papers)),
                "mentions": lambda: find_mentions(papers),
                "evidence": saving(scores, lambda: keyword_evidence(papers, taxonomy, scores)),
                "names": lambda: name_matrix(papers),
                "embedding": saving(tokens, lambda: paper_space(papers, tokens)),
            },
            remembered=scores is not None and scores.known([evidence_key(p) for p in papers]) * 2 > len(papers),
        )
        similarity, evidence, mentions = found["similarity"], found["evidence"], found["mentions"]
        paper_topics, close, paper_relevance = run.stage(
            "topics", lambda: _topics(papers, taxonomy, evidence, similarity)
        )
        ranking = signals(
            similarity,
            papers,
            paper_topics,
            taxonomy.topics,
            close,
            mentions,
            taxonomy.fallback,
            found["names"],
            found["embedding"],
        )
        related = run.stage("related", lambda: rank_related(ranking))
        corpus = Corpus(
            papers=papers,
            topics=taxonomy.topics,
            paper_topics=paper_topics,
            related=related,
            entries=len(reading.entries),
            diagnostics=tuple(diagnostics),
            fallback=taxonomy.fallback,
            mentions=mentions,
            relevance=paper_relevance,
        )
        quality = run.stage("quality", lambda: measure_all(corpus, labels, ranking))
    return dataclasses.replace(corpus, quality=quality)


def _topics(
    papers: Sequence[Paper], taxonomy: Taxonomy, evidence: Evidence, similarity: Similarity
) -> tuple[dict[Slug, tuple[Slug, ...]], Any, dict[Slug, dict[Slug, float]]]:
    """The ``topics`` stage: each paper's topics, its closeness to every topic, and their relevance."""
    close = (
        closeness(evidence, similarity.matrix, similarity.vectorizer.transform, taxonomy)
        if similarity.matrix is not None
        else None
    )
    assigned = assign_topics(papers, taxonomy, evidence, close)
    return assigned, close, relevance(papers, taxonomy, evidence, close, assigned)


def generate(
    paths: Sequence[Path],
    topics_file: Path,
    run: Run | None = None,
    search_engine: str = "auto",
    cache: Cache | None = None,
) -> tuple[Corpus, dict[str, bytes], str]:
    """Every stage before writing: the corpus, every file of docs/ by relative path (the search
    index included), and the engine of the hosted site's search box (``search.choose_engine``)."""
    run = run or Run()
    with run:
        corpus = load_corpus(paths, topics_file, run, cache)
        engine = search.choose_engine(len(corpus.papers), search_engine)
        elsewhere = run.worker_pages(corpus.papers)
        made = run.together(
            {
                "render": Counted(lambda: render_site(corpus, elsewhere), len(corpus.papers) - len(elsewhere)),
                "search": lambda: search.build(corpus, engine),
                "pages": lambda: render_papers(corpus, elsewhere),
            }
        )
    files = dict(sorted({**made["render"], **made["pages"]}.items()))
    files[search.INDEX_FILE] = made["search"]
    run.report.count(corpus, files)
    return corpus, files, engine


def check(paths: Sequence[Path], topics_file: Path, quiet: bool = False) -> Report:
    """Validate the input and the taxonomy; write nothing."""
    run = Run(Report(), quiet)
    with run:
        corpus = load_corpus(paths, topics_file, run)
        files = run.stage("render", lambda: render_site(corpus))
    run.report.count(corpus, files)
    return run.report


def source_epoch(corpus: Corpus) -> int:
    """The build date of the site: midnight UTC of the newest paper date (0 when none is known)."""
    dates = [p.date for p in corpus.papers if p.date]
    if not dates:
        return 0
    return int(dt.datetime.combine(max(dates), dt.time(), tzinfo=dt.UTC).timestamp())


def build(
    paths: Sequence[Path],
    topics_file: Path,
    root: Path,
    sites: bool = True,
    quiet: bool = False,
    search_engine: str = "auto",
    remember: bool = True,
) -> Report:
    """Generate docs/ from the listings, then build the hosted site from it and derive the offline one.

    ``search_engine``: what answers the hosted site's search box (``search.choose_engine``);
    ``remember``: read and keep what each paper's text gives in the project's cache (``cache.FOLDER``).
    """
    if sites:
        check_config(root)
    run = Run(Report(), quiet)
    report = run.report
    cache = Cache(root / FOLDER) if remember else None
    corpus, files, engine = generate(paths, topics_file, run, search_engine, cache)
    # The sites are built from the staged docs/, which is swapped in last: a run killed while MkDocs
    # works leaves docs/, site/ and site-offline/ as they were.
    with staged_folder(root / "docs") as docs:
        with run:
            run.stage("write", lambda: fill(docs, files), total=len(files))
        if sites:
            report.sites = build_sites(
                root,
                source_epoch(corpus),
                docs.path,
                pagefind=engine == "pagefind",
                stage=run.stage,
                aside_done=lambda name, usage: run.done_aside(name, usage.seconds, usage.cpu_seconds, usage),
            )
    report.docs = docs.changes
    return report
