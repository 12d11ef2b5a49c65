"""Incremental builds: adding a listing rewrites only what it changes, and no paper's address moves.

The bundled corpus is built with four of its five listings, then with all five, as a user adding a
listing would. (A rebuild of the same input is checked in test_site.py.)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project, run_generator

pytestmark = pytest.mark.slow

LISTINGS = ROOT / "data" / "listings"
ADDED = "daily-papers-2025-08-05.txt"
"""The listing added to the other four: it brings new papers and new copies of known ones."""
OUTPUTS = ("docs", "site", "site-offline")

FileState = tuple[str, int, int]
"""Hash of a file's bytes, its modification time in ns and its inode."""
Tree = dict[str, FileState]


def tree(folder: Path) -> Tree:
    """Every file under ``folder`` (relative POSIX path) with its state."""
    state: Tree = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            status = path.stat()
            state[path.relative_to(folder).as_posix()] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                status.st_mtime_ns,
                status.st_ino,
            )
    return state


def papers(project: Path) -> dict[str, dict]:
    """docs/papers.json as slug -> record."""
    records = json.loads((project / "docs" / "papers.json").read_text(encoding="utf-8"))
    return {record["slug"]: record for record in records}


def build(project: Path, *args: str) -> str:
    result = run_generator(project, "build", *args)
    assert result.returncode == 0, result.stderr
    return result.stderr


@dataclass(frozen=True)
class Growth:
    """The same project built with four listings, then with the fifth added."""

    project: Path
    """The project, now built with all five listings."""
    before: dict[str, Tree]
    """docs/, site/ and site-offline/ after the four-listing build."""
    after: dict[str, Tree]
    """The same folders after the five-listing build."""
    papers_before: dict[str, dict]
    """docs/papers.json records of the four-listing build, by slug."""
    papers_after: dict[str, dict]
    """docs/papers.json records of the five-listing build, by slug."""
    summary: str
    """What the five-listing build printed on standard error."""
    pages_before: dict[str, str]
    """docs/papers/*.md of the four-listing build, by slug."""

    def same(self, output: str) -> list[str]:
        """Files of ``output`` present in both builds with the same bytes."""
        before, after = self.before[output], self.after[output]
        return sorted(n for n in after if n in before and after[n][0] == before[n][0])

    def changed(self, output: str) -> list[str]:
        """Files of ``output`` present in both builds with different bytes."""
        before, after = self.before[output], self.after[output]
        return sorted(n for n in after if n in before and after[n][0] != before[n][0])

    def added(self, output: str) -> list[str]:
        return sorted(self.after[output].keys() - self.before[output].keys())

    def removed(self, output: str) -> list[str]:
        return sorted(self.before[output].keys() - self.after[output].keys())

    @property
    def new_papers(self) -> set[str]:
        return self.papers_after.keys() - self.papers_before.keys()


@pytest.fixture(scope="module")
def growth(tmp_path_factory: pytest.TempPathFactory) -> Growth:
    four = tmp_path_factory.mktemp("four-listings")
    for path in LISTINGS.iterdir():  # listings.yml too: it names every file's year
        if path.name != ADDED:
            shutil.copy2(path, four / path.name)
    project = copy_project(tmp_path_factory.mktemp("growth") / "project", four)
    build(project)
    before = {name: tree(project / name) for name in OUTPUTS}
    papers_before = papers(project)
    pages_before = {p.stem: p.read_text(encoding="utf-8") for p in (project / "docs" / "papers").glob("*.md")}
    shutil.copy2(LISTINGS / ADDED, project / "data" / "listings" / ADDED)
    summary = build(project)
    after = {name: tree(project / name) for name in OUTPUTS}
    return Growth(project, before, after, papers_before, papers(project), summary, pages_before)


def site_page(output: str, slug: str) -> str:
    """Where a paper's page is in an output folder."""
    return {"docs": f"papers/{slug}.md", "site": f"papers/{slug}/index.html"}.get(output, f"papers/{slug}.html")


def test_the_added_listing_brings_new_papers_and_new_copies_of_known_ones(growth):
    """The scenario the other tests rely on: otherwise they would prove nothing."""
    assert len(growth.new_papers) >= 10, f"only {len(growth.new_papers)} new papers from {ADDED}"
    merged = [s for s, r in growth.papers_before.items() if r["sources"] != growth.papers_after[s]["sources"]]
    assert len(merged) >= 10, f"only {len(merged)} known papers gained a copy from {ADDED}"


@pytest.mark.parametrize("output", OUTPUTS)
def test_adding_a_listing_keeps_every_file_whose_bytes_did_not_change(growth, output):
    before, after = growth.before[output], growth.after[output]
    same = growth.same(output)
    assert same, f"no file of {output}/ kept its bytes after adding {ADDED}"
    touched = [n for n in same if after[n][1:] != before[n][1:]]
    assert touched == [], (
        f"{len(touched)} of {len(same)} files of {output}/ have the same bytes but were written again "
        f"(new modification time or inode) after adding {ADDED}: {touched[:10]}"
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_build_summary_counts_what_changed_on_disk(growth, output):
    written = len(growth.changed(output)) + len(growth.added(output))
    expected = (
        f"{output}/: {written} written, {len(growth.same(output))} unchanged, {len(growth.removed(output))} removed"
    )
    assert expected in growth.summary, f"expected {expected!r} in the summary:\n{growth.summary}"


@pytest.mark.parametrize("output", OUTPUTS)
def test_adding_a_listing_adds_the_new_papers_pages_and_removes_nothing(growth, output):
    assert growth.removed(output) == [], f"files of {output}/ gone after adding {ADDED}: {growth.removed(output)[:10]}"
    new_pages = {site_page(output, slug) for slug in growth.new_papers}
    missing = sorted(new_pages - set(growth.added(output)))
    assert missing == [], f"new papers without a new page in {output}/: {missing[:10]}"
    # More papers may need more shards of previews (generator/emit/previews.py) and of the reading list's data.
    unexpected = [
        n
        for n in growth.added(output)
        if n not in new_pages and not n.startswith(("organisations/", "previews/", "reading/"))
    ]
    assert unexpected == [], f"files added to {output}/ that are not a new paper's page: {unexpected[:10]}"


AGGREGATES = re.compile(
    r"^(index|about|timeline)(\.md|\.html|/index\.html)$"
    r"|^(topics|organisations)/"
    r"|^(papers\.(json|csv)|sitemap\.xml(\.gz)?|feed_rss_\w+\.xml)$"
    r"|^search/"
    r"|^previews/"
    r"|^reading/"
)
"""Files that list or count many papers (the previews and the reading list's data: a shard of them, or
the build's list of papers): any new paper may change them."""


@pytest.mark.parametrize("output", OUTPUTS)
def test_adding_a_listing_changes_no_file_but_paper_pages_and_pages_that_list_papers(growth, output):
    paper_pages = re.compile(r"^papers/[^/]+(\.md|\.html|/index\.html)$")
    others = [n for n in growth.changed(output) if not paper_pages.match(n) and not AGGREGATES.match(n)]
    assert others == [], f"files of {output}/ changed by adding {ADDED} though they list no papers: {others}"


@pytest.mark.parametrize("output", ("site", "site-offline"))
def test_a_paper_page_of_the_sites_changes_only_when_its_markdown_changed(growth, output):
    changed_docs = set(growth.changed("docs"))
    unexplained = [
        slug
        for slug in growth.papers_before
        if site_page(output, slug) in growth.changed(output) and site_page("docs", slug) not in changed_docs
    ]
    assert unexplained == [], (
        f"{len(unexplained)} paper pages of {output}/ were rewritten though their Markdown in docs/ did not "
        f"change: {unexplained[:10]}"
    )


_REASON = re.compile(r' ?<span class="paper-reason">.*?</span>')
"""The reason a related paper is shown, with the space before it: the key phrases it shares, weighed
over the whole collection, so they move a little whenever papers are added (a link may gain or lose
its only one)."""


def test_a_known_papers_page_changes_only_when_something_it_shows_about_the_paper_changed(growth):
    """A known paper's page may change when its record does (a new copy, new related papers,
    mentions...) or when the collection-wide weights behind its related papers' reasons move.

    With its papers.json record the same, the page must be the same apart from those reasons: any
    other difference would be churn a reader cannot see the cause of.
    """
    changed = set(growth.changed("docs"))
    same_record = [s for s, r in growth.papers_before.items() if r == growth.papers_after[s]]
    rewritten = sorted(s for s in same_record if site_page("docs", s) in changed)
    unexplained = []
    for slug in rewritten:
        now = (growth.project / "docs" / site_page("docs", slug)).read_text(encoding="utf-8")
        if _REASON.sub("", now) != _REASON.sub("", growth.pages_before[slug]):
            unexplained.append(slug)
    example = ""
    if unexplained:
        slug = unexplained[0]
        now = (growth.project / "docs" / site_page("docs", slug)).read_text(encoding="utf-8")
        diff = difflib.unified_diff(
            growth.pages_before[slug].splitlines(), now.splitlines(), "without", f"with {ADDED}", n=0, lineterm=""
        )
        example = f"\nwhat changed in docs/papers/{slug}.md:\n" + "\n".join(list(diff)[:24])
    assert same_record, "test premise: adding a listing leaves some papers' records as they were"
    assert unexplained == [], (
        f"{len(unexplained)} of {len(same_record)} known papers whose papers.json record did not change had "
        f"their page rewritten after adding {ADDED} for more than their related papers' reasons: "
        f"{unexplained[:5]}{example}"
    )


# Addresses -------------------------------------------------------------------------------------------


def test_no_known_papers_address_changes_when_a_listing_is_added(growth):
    by_source = {source: slug for slug, r in growth.papers_after.items() for source in r["sources"]}
    moved = []
    for slug, record in growth.papers_before.items():
        now = {by_source.get(source) for source in record["sources"]}
        if now != {slug} or growth.papers_after[slug]["url"] != record["url"]:
            moved.append(f"{record['title']!r}: {record['url']} -> {sorted(map(str, now))}")
    assert moved == [], f"{len(moved)} papers moved to another address after adding {ADDED}: {moved[:5]}"
    for output in OUTPUTS:
        gone = [s for s in growth.papers_before if site_page(output, s) not in growth.after[output]]
        assert gone == [], f"pages of known papers missing from {output}/ after adding {ADDED}: {gone[:10]}"


def test_the_order_listing_files_are_named_in_does_not_change_docs(growth, tmp_path):
    names = sorted(p.name for p in LISTINGS.glob("*.txt"))
    assert len(names) == 5
    docs = {}
    for order, named in (("forward", names), ("reverse", names[::-1])):
        project = copy_project(tmp_path / order)
        build(project, "--no-site", *(f"data/listings/{name}" for name in named))
        docs[order] = {name: state[0] for name, state in tree(project / "docs").items()}
    differing = sorted(
        n for n in docs["forward"].keys() | docs["reverse"].keys() if docs["forward"].get(n) != docs["reverse"].get(n)
    )
    assert differing == [], f"docs/ differs when the listing files are named in reverse order: {differing[:10]}"
    from_folder = {name: state[0] for name, state in growth.after["docs"].items()}
    differing = sorted(
        n for n in from_folder.keys() | docs["forward"].keys() if from_folder.get(n) != docs["forward"].get(n)
    )
    assert differing == [], f"docs/ differs between naming the listing files and naming their folder: {differing[:10]}"
