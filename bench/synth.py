"""Synthetic listing corpora of any size, recombined from the bundled listings (data/listings).

Deterministic for a given seed and size. Each synthetic paper has:

- a distinct title: a coined method name (the distinguishing token) before a colon for about two
  thirds of the papers (``FlashKVPro: Efficient Inference for Long-Context Models``), or inside the
  title for the others; the rest are fragments of two bundled titles joined at a connector word;
- an abstract of recombined sentences: those of one bundled paper with some swapped for sentences of
  a paper that shares its first topic, the bundled paper's own name replaced by the new name, and for
  about a third a sentence naming older synthetic papers (so inline cross-links are exercised);
- in files with metadata: ``  • N authors`` (or an organisation line), ``·`` and a date
  (``Mon D, YYYY``, or ``Mon D`` with optional upvotes for the listing's own year).

Files are written in the three layouts the reader knows (blank-line blocks, blocks with metadata,
compact alternating lines with ``Subscribe`` glued to the first title), and about 8 % of the entries
are copies of a paper already listed in another file (as on real listing pages).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator import read
from generator.clean import clean_entry, clean_text
from generator.dedupe import dedupe
from generator.ids import identity_key
from generator.model import Entry
from generator.topics import assign_topics, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = ROOT / "data" / "listings"
TOPICS = ROOT / "data" / "topics.yml"

YEAR = 2025
"""The year of the synthetic listings: dates in it are shown without the year."""

VERSION = 2
"""Bumped when the synthesis changes, so `make` rebuilds corpora made by an older version."""

DUPLICATE_SHARE = 0.08
"""Share of entries that repeat a paper listed in another file."""

_SENTENCE = re.compile(r"(?<=[a-z0-9)%\]][.!?])\s+(?=[A-Z])")
_CONNECTORS = (" for ", " with ", " via ", " through ", " in ", " on ", " of ", " from ", " using ", " and ")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_HEAD = ("Flash", "Long", "Mini", "Tiny", "Omni", "Hyper", "Meta", "Deep", "Fast", "Sparse", "Quant", "Spec",
         "Retro", "Code", "Lingo", "Mega", "Turbo", "Lite", "Dyna", "Poly", "Uni", "Multi", "Auto", "Self",
         "Neuro", "Graph", "Token", "Layer", "Route", "Star", "Astra", "Nova", "Vela", "Orca", "Lumi", "Kite",
         "Echo", "Zephyr", "Pico", "Terra", "Aero", "Chrono", "Helix", "Flux", "Prism", "Ortho", "Mosaic", "Tandem")  # fmt: skip
_CORE = ("LM", "KV", "MoE", "Former", "BERT", "GPT", "Tune", "Prune", "Merge", "Distill", "RAG", "Attn", "Net",
         "Mix", "Shift", "Skip", "Cache", "Gate", "Rank", "LoRA", "Quant", "Embed", "Coder", "Math", "Vision",
         "Speech", "Router", "Scale", "Bench", "Align", "Reason", "Chat", "Mamba", "Rope", "Span", "Seq")  # fmt: skip
_TAIL = ("", "2", "3", "X", "Pro", "Lite", "Plus", "Max", "Zero", "One", "S", "L", "XL", "R1", "V2", "Net",
         "Flow", "Star", "Core", "Hub", "Kit", "Lab", "Base", "Go", "Edge", "Lens", "Loop", "Path", "Forge", "Wave")  # fmt: skip
_MENTION_TEMPLATES = (
    "{name} outperforms {a} and {b} on standard benchmarks at a fraction of the cost.",
    "Unlike {a}, our method requires no additional training data.",
    "We build on {a} and extend it to longer inputs and larger models.",
    "Compared with strong baselines such as {a} and {b}, it improves accuracy consistently.",
    "Our analysis also explains why {a} fails on out-of-domain inputs.",
)
_ORG_NAMES = ("Lab", "AI", "Research", "NLP", "Group", "Labs", "Institute", "Team")


@dataclass
class Source:
    """A bundled paper, split into what the synthesis recombines."""

    title: str
    name: str | None
    """The method name before the title's colon, if one word or two."""
    rest: str
    """The title after the colon (the whole title when there is none)."""
    sentences: list[str]
    topic: str


@dataclass
class Paper:
    """A synthetic paper and its metadata (shown only in metadata layouts)."""

    title: str
    abstract: str
    authors: int
    date: tuple[int, int, int]
    upvotes: int
    organisation: str | None = None


@dataclass
class Corpus:
    """What was written: counts for the report."""

    papers: int
    entries: int
    files: int
    layouts: dict[str, int] = field(default_factory=dict)


def load_sources() -> list[Source]:
    """The bundled papers, with the topic each is about (to keep recombined abstracts coherent)."""
    reading = read.read_paths([LISTINGS])
    seen: dict[str, Entry] = {}
    for entry in reading.entries:
        seen.setdefault(identity_key(entry.title), entry)
    papers = dedupe([clean_entry(e) for e in seen.values()])
    topics = assign_topics(papers, load_taxonomy(TOPICS))
    sources = []
    for paper in papers:
        head, colon, tail = paper.title.partition(":")
        name = head.strip() if colon and 1 <= len(head.split()) <= 2 else None
        sentences = [s.strip() for s in _SENTENCE.split(clean_text(paper.abstract)) if s.strip()]
        if len(sentences) < 3:
            continue
        rest = tail.strip() if name else paper.title
        rest = rest.rpartition(":")[2].strip() or rest.replace(":", "")  # one colon per title at most
        sources.append(Source(paper.title, name, rest, sentences, topics[paper.slug][0]))
    return sources


def coined_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct coined method names (distinct also after case folding), in random order."""
    names: list[str] = []
    seen: set[str] = set()
    combos = [(h, c) for h in _HEAD for c in _CORE]
    rng.shuffle(combos)
    round_ = 0
    while len(names) < count:
        tail = _TAIL[round_] if round_ < len(_TAIL) else f"{round_ - len(_TAIL) + 4}"
        for head, core in combos:
            name = f"{head}{core}{tail}"
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
                if len(names) == count:
                    break
        round_ += 1
    rng.shuffle(names)
    return names


def _split_rest(rest: str) -> tuple[str, str]:
    """A title fragment cut at a connector word: (head, connector + tail)."""
    for connector in _CONNECTORS:
        index = rest.find(connector)
        if index > 0:
            return rest[:index], rest[index:]
    return rest, ""


def make_papers(count: int, seed: int = 1) -> list[Paper]:
    """``count`` synthetic papers with distinct titles."""
    rng = random.Random(seed)
    sources = load_sources()
    by_topic: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_topic[source.topic].append(source)
    pieces = [_split_rest(s.rest) for s in sources]
    heads = [h for h, _ in pieces]
    tails = [t for _, t in pieces if t]
    names = coined_names(count, rng)
    papers: list[Paper] = []
    for index, name in enumerate(names):
        primary = rng.choice(sources)
        secondary = rng.choice(by_topic[primary.topic])
        head = _split_rest(primary.rest)[0] if rng.random() < 0.5 else rng.choice(heads)
        tail = rng.choice(tails)
        body = f"{head}{tail}"
        body = body[:150].rsplit(" ", 1)[0] if len(body) > 150 else body  # titles stay below 175 characters
        if rng.random() < 0.67:
            title = f"{name}: {body}"
        elif tail:
            title = f"{body} {'with' if ' via ' in body else 'via'} {name}"
        else:
            title = f"{body} with {name}"
        sentences = list(primary.sentences)
        for i in range(1, len(sentences)):
            if rng.random() < 0.35:
                sentences[i] = rng.choice(secondary.sentences)
        if primary.name:
            sentences = [s.replace(primary.name, name) for s in sentences]
        if index >= 2 and rng.random() < 0.35:
            a, b = rng.sample(names[: max(2, index)], 2)
            template = rng.choice(_MENTION_TEMPLATES)
            sentences.insert(rng.randint(1, len(sentences)), template.format(name=name, a=a, b=b))
        abstract = " ".join(sentences)
        while len(abstract) < 420:
            abstract += " " + rng.choice(secondary.sentences)
        month = rng.randrange(12)
        date = (rng.choice((2019, 2020, 2021, 2022, 2023, 2024, 2025, 2025, 2025)), month + 1,
                rng.randint(1, _DAYS[month]))  # fmt: skip
        papers.append(
            Paper(
                title=title,
                abstract=abstract,
                authors=rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, 12, 15, 24)),
                date=date,
                upvotes=rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13, 40)),
                organisation=_organisation(rng) if rng.random() < 0.05 else None,
            )
        )
    return papers


def _organisation(rng: random.Random) -> str:
    number = rng.randrange(400)
    head = _HEAD[number % len(_HEAD)]
    kind = _ORG_NAMES[number // len(_HEAD) % len(_ORG_NAMES)]
    handle = f"{head.lower()}{kind.lower()}{number // (len(_HEAD) * len(_ORG_NAMES)) or ''}"
    return f"{handle} {head} {kind}"


def _date_line(paper: Paper) -> str:
    year, month, day = paper.date
    text = f"{_MONTHS[month - 1]} {day}" + (f", {year}" if year != YEAR else "")
    return f"{text} {paper.upvotes}" if paper.upvotes else text


_CHROME_TOP = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\n"


def render_listing(papers: list[Paper], layout: str, page_date: str) -> str:
    """One listing file in one of the three layouts."""
    if layout == "compact":
        lines = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
        for i, paper in enumerate(papers):
            lines.append(("Subscribe" if i == 0 else "") + paper.title)
            lines.append(paper.abstract)
        return "\n".join(lines) + "\n"
    parts = [_CHROME_TOP + page_date + "\n"]
    for paper in papers:
        block = f"{paper.title}\n\n{paper.abstract}\n"
        if layout == "metadata":
            who = paper.organisation if paper.organisation else f"  • {paper.authors} authors"
            block += f"\n{who}\n·\n{_date_line(paper)}\n"
        parts.append(block)
    return "\n".join(parts)


def make_corpus(count: int, out: Path, seed: int = 1) -> Corpus:
    """Write ``count`` distinct papers as listing files (plus ``listings.yml``) into ``out``."""
    rng = random.Random(seed * 7919 + count)
    papers = make_papers(count, seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    files: list[tuple[str, list[Paper]]] = []
    layouts = ("metadata", "metadata", "blocks", "blocks", "compact")
    position = 0
    while position < len(papers):
        size = rng.randint(80, 400)
        files.append((layouts[len(files) % len(layouts)], papers[position : position + size]))
        position += size
    # Copies of papers already listed, appended to later files (a listing repeats an older paper).
    entries = len(papers)
    for number in range(1, len(files)):
        layout, items = files[number]
        own = {id(p) for p in items}
        earlier = list(
            {id(p): p for _, listed in files[max(0, number - 3) : number] for p in listed if id(p) not in own}.values()
        )
        extra = rng.sample(earlier, min(len(earlier), round(len(items) * DUPLICATE_SHARE)))
        items.extend(extra)
        rng.shuffle(items)
        entries += len(extra)
    meta = ["# Synthetic listings (bench/synth.py): dates without a year are in this year."]
    counts: dict[str, int] = defaultdict(int)
    width = len(str(len(files)))
    for number, (layout, items) in enumerate(files):
        month = number % 12
        name = f"synthetic-{number:0{width}d}-{layout}.txt"
        text = render_listing(items, layout, f"{_MONTHS[month]} {number % _DAYS[month] + 1}")
        (out / name).write_text(text, encoding="utf-8")
        meta.append(f"{name}:\n  year: {YEAR}")
        counts[layout] += 1
    (out / "listings.yml").write_text("\n".join(meta) + "\n", encoding="utf-8")
    return Corpus(papers=len(papers), entries=entries, files=len(files), layouts=dict(counts))
