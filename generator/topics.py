"""The taxonomy users edit (data/topics.yml) and the assignment of topics to papers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import TaxonomyError, yaml_problem
from .ids import slugify
from .model import Paper, Slug, Topic

MAX_TOPICS = 5
"""A paper gets at most this many topics, the best-scoring ones."""

RESCUE_SCORE = 2.0
"""A paper below every threshold still gets its best topic if it scores this much (two keyword hits);
otherwise it gets the fallback topic, so one passing word never decides a topic."""

_TOPIC_KEYS = {
    "name", "slug", "description", "keywords", "title_keywords", "exclude", "title_weight", "threshold", "children"
}  # fmt: skip


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order and the topic given to papers that match none."""

    topics: tuple[Topic, ...]
    """Every topic, parents before their children."""
    fallback: Slug
    """The topic of papers no rule matches."""


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and check the topics file; every problem is reported with its line and topic."""
    name = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError("topics file not found; create it or pass --topics", name) from None
    except UnicodeDecodeError:
        raise TaxonomyError("not valid UTF-8; save the topics file as UTF-8", name) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc, text)
        raise TaxonomyError(f"invalid YAML: {problem}; fix the file and run again", name, line) from None
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise TaxonomyError("expected a mapping with a 'topics' list", name, 1)
    topics = list(_walk(data["topics"], None, name))
    seen: dict[Slug, Topic] = {}
    for topic in topics:
        if topic.slug in seen:
            raise TaxonomyError(
                f"topic {topic.name!r} duplicates {seen[topic.slug].name!r} (line {seen[topic.slug].line}); "
                "give each topic its own name",
                name,
                topic.line,
            )
        seen[topic.slug] = topic
    fallback = slugify(str(data.get("fallback", "")))
    if fallback not in seen:
        raise TaxonomyError(
            f"'fallback' must name a topic of this file (got {data.get('fallback')!r})", name, data["__line__"]
        )
    return Taxonomy(topics=tuple(topics), fallback=fallback)


def _walk(items: Any, parent: Topic | None, file: str) -> Iterator[Topic]:
    if not isinstance(items, list):
        raise TaxonomyError("'children' must be a list of topics", file, parent.line if parent else None)
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise TaxonomyError(
                "each topic needs a 'name'", file, item.get("__line__") if isinstance(item, dict) else None
            )
        line = item["__line__"]
        where = f"topic {item['name']!r}"
        unknown = set(item) - _TOPIC_KEYS - {"__line__"}
        if unknown:
            raise TaxonomyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}", file, line)
        keywords = _strings(item.get("keywords", []), f"{where}: 'keywords'", file, line)
        title_keywords = _strings(item.get("title_keywords", []), f"{where}: 'title_keywords'", file, line)
        exclude = _strings(item.get("exclude", []), f"{where}: 'exclude'", file, line)
        for phrase in keywords + title_keywords + exclude:
            try:
                re.compile(_phrase_regex(phrase))
            except re.error as exc:
                raise TaxonomyError(f"{where}: keyword {phrase!r} does not compile: {exc}", file, line) from None
        topic = Topic(
            slug=slugify(str(item.get("slug") or item["name"])),
            name=item["name"].strip(),
            description=str(item.get("description", "")).strip(),
            parent=parent.slug if parent else None,
            keywords=keywords,
            title_keywords=title_keywords,
            exclude=exclude,
            title_weight=float(item.get("title_weight", 3.0)),
            threshold=float(item.get("threshold", 2.0)),
            line=line,
        )
        if not topic.description:
            raise TaxonomyError(f"{where}: add a one-sentence 'description'", file, line)
        yield topic
        yield from _walk(item.get("children", []), topic, file)


def _strings(value: Any, what: str, file: str, line: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{what} must be a list of phrases", file, line)
    return tuple(v.strip() for v in value)


def _phrase_regex(phrase: str) -> str:
    """A phrase as a whole-word pattern; ``*`` at the end matches any word ending; spaces match hyphens.

    A phrase with a capital letter matches that case only; others match any case.
    """
    prefix = phrase.endswith("*")
    body = r"[\s-]+".join(re.escape(w) for w in phrase.rstrip("*").split())
    ending = r"[\w-]*" if prefix else r"(?!\w)"
    flags = "" if any(c.isupper() for c in phrase) else "i"
    return rf"(?<![\w-])(?{flags}:{body}){ending}"


@dataclass(frozen=True)
class _Phrase:
    """A compiled keyword with a literal every match contains, to skip the regex cheaply."""

    needle: str
    pattern: re.Pattern[str]

    @classmethod
    def compile(cls, phrase: str) -> _Phrase:
        words = phrase.rstrip("*").split()
        return cls(needle=max(words, key=len).casefold(), pattern=re.compile(_phrase_regex(phrase)))

    def count(self, text: str, folded: str) -> int:
        return len(self.pattern.findall(text)) if self.needle in folded else 0


@dataclass(frozen=True)
class _Matcher:
    topic: Topic
    keywords: tuple[_Phrase, ...]
    title_keywords: tuple[_Phrase, ...]
    exclude: tuple[_Phrase, ...]

    def score(self, title: str, abstract: str) -> float:
        """The topic's score for a paper: title matches weigh ``title_weight``, repeats add half."""
        title_folded, abstract_folded = title.casefold(), abstract.casefold()
        if any(p.count(title, title_folded) or p.count(abstract, abstract_folded) for p in self.exclude):
            return 0.0
        total = sum(self.topic.title_weight for p in self.title_keywords if p.count(title, title_folded))
        for phrase in self.keywords:
            if phrase.count(title, title_folded):
                total += self.topic.title_weight
            hits = min(phrase.count(abstract, abstract_folded), 3)
            total += 1.0 + 0.5 * (hits - 1) if hits else 0.0
        return total


def assign_topics(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[Slug, tuple[Slug, ...]]:
    """Each paper's topics (1 to MAX_TOPICS), best score first, ties in taxonomy order."""
    matchers = [
        _Matcher(
            t,
            tuple(map(_Phrase.compile, t.keywords)),
            tuple(map(_Phrase.compile, t.title_keywords)),
            tuple(map(_Phrase.compile, t.exclude)),
        )
        for t in taxonomy.topics
    ]
    result: dict[Slug, tuple[Slug, ...]] = {}
    for paper in papers:
        scores = [(m.score(paper.title, paper.abstract), i, m.topic) for i, m in enumerate(matchers)]
        chosen = [(s, i, t) for s, i, t in scores if s >= t.threshold]
        if not chosen:
            best = max(scores, key=lambda x: (x[0], -x[1]))
            chosen = [best] if best[0] >= RESCUE_SCORE else []
        chosen.sort(key=lambda x: (-x[0], x[1]))
        result[paper.slug] = tuple(t.slug for _, _, t in chosen[:MAX_TOPICS]) or (taxonomy.fallback,)
    return result
