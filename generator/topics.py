"""The taxonomy users edit (data/topics.yml) and the assignment of topics to papers."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from .errors import TaxonomyError, yaml_problem
from .ids import slugify
from .model import Paper, Slug, Topic, with_broader

if TYPE_CHECKING:
    from .cache import Table

MAX_TOPICS = 3
"""A paper gets at most this many topics, the best-ranked ones (a fourth was right less often than wrong)."""

RESCUE_SCORE = 2.0
"""A paper below every threshold still gets its best topic if it scores this much (two keyword hits);
otherwise it gets the fallback topic, so one passing word never decides a topic."""

_TOPIC_KEYS = {
    "name", "slug", "description", "keywords", "title_keywords", "exclude", "title_weight", "threshold", "kind",
    "children"
}  # fmt: skip

KINDS = ("subject", "facet", "survey")
"""What a topic may be (``Topic.kind``)."""


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
            kind=str(item.get("kind", "subject")),
            line=line,
        )
        if topic.kind not in KINDS:
            raise TaxonomyError(f"{where}: 'kind' must be one of {', '.join(KINDS)}", file, line)
        if not topic.description:
            raise TaxonomyError(f"{where}: add a one-sentence 'description'", file, line)
        if any(c in topic.name for c in '<>&"'):
            # The theme prints tag names as HTML: keep them plain text.
            raise TaxonomyError(f'{where}: a topic name may not contain < > & or "; rename it', file, line)
        if parent and parent.parent:
            raise TaxonomyError(f"{where}: topics nest two levels deep at most; move it up a level", file, line)
        yield topic
        yield from _walk(item.get("children", []), topic, file)


def _strings(value: Any, what: str, file: str, line: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{what} must be a list of phrases", file, line)
    return tuple(v.strip() for v in value)


def _phrase_regex(phrase: str) -> str:
    """A phrase as a whole-word pattern; ``*`` at the end matches any word ending; spaces match hyphens.

    A phrase may start after a hyphen, inside a compound (``distill*`` in ``self-distillation``). A
    phrase with a capital letter matches that case only; others match any case.
    """
    prefix = phrase.endswith("*")
    body = r"[\s-]+".join(re.escape(w) for w in phrase.rstrip("*").split())
    ending = r"[\w-]*" if prefix else r"(?!\w)"
    flags = "" if any(c.isupper() for c in phrase) else "i"
    return rf"(?<!\w)(?{flags}:{body}){ending}"


_TO_RUNS = str.maketrans({chr(c): " " for c in range(128) if not re.fullmatch(r"[\w-]", chr(c))})
r"""On ASCII text, ``text.translate(_TO_RUNS).split()`` is ``re.findall(r"[\w-]+", text)``, the runs of
word characters and hyphens (every keyword match starts where such a run starts), twice as fast."""


@dataclass(frozen=True)
class _Phrase:
    r"""A compiled keyword and what finds the texts it can match in quickly.

    ``pattern`` (see ``_phrase_regex``) defines the count: its matches in a text that holds
    ``needle``, a literal every match contains (casefolded). For an ASCII phrase in an ASCII text,
    ``fast`` counts the same matches faster: it starts with the phrase's first word as a literal (so
    the regex engine skips to it) and checks the word boundary after it; on ``fast_lower`` texts it
    runs on the lower-cased text, which for ASCII is what ``(?i:...)`` matches. Any match starts
    where a run of ``[\w-]`` characters starts with ``key``, so only texts holding such a run are
    searched. When ``key`` is the whole first word and no ``*`` may extend it, the run is ``key``
    itself or goes on with a hyphen (``(?!\w)`` or ``[\s-]+`` follows the word): ``whole``.

    ``segments``: what the later words of a phrase of several words require of the lower-cased
    text, each ``(segment, prefix)``: a maximal run of ``\w`` characters (between hyphens, spaces or
    punctuation) that is ``segment``, or starts with it when ``prefix``. A later word follows
    ``[\s-]+``, so it starts such a run: its first ``\w`` characters are that run whole, unless the
    word is the last, ends the phrase with ``*`` and holds nothing else.

    ``by_runs``: a lower-case phrase of one word of ``[\w-]`` characters matches once at the start
    of each run that ``key`` and ``whole`` select (within such a word no other run can start), so
    its count in an ASCII text is the number of those runs the text holds: no regex is run.
    """

    needle: str
    pattern: re.Pattern[str]
    fast: re.Pattern[str] | None
    fast_lower: bool
    key: str
    whole: bool = False
    segments: tuple[tuple[str, bool], ...] = ()
    by_runs: bool = False

    @classmethod
    def compile(cls, phrase: str) -> _Phrase:
        words = phrase.rstrip("*").split()
        needle = max(words, key=len).casefold()
        pattern = re.compile(_phrase_regex(phrase))
        if not phrase.isascii():
            return cls(needle, pattern, None, False, "")
        lower = not any(c.isupper() for c in phrase)
        if lower:
            words = [w.lower() for w in words]
        first = re.escape(words[0])
        rest = "".join(r"[\s-]+" + re.escape(w) for w in words[1:])
        ending = r"[\w-]*" if phrase.endswith("*") else r"(?!\w)"
        fast = re.compile(rf"{first}(?<!\w{first}){rest}{ending}")
        key = re.match(r"[\w-]*", words[0].lower())[0]  # type: ignore[index]
        whole = key == words[0].lower() and not (phrase.endswith("*") and len(words) == 1)
        segments = []
        for position, word in enumerate(words[1:], start=2):
            head = re.match(r"\w+", word.lower())
            if head:
                prefix = position == len(words) and phrase.endswith("*") and head[0] == word.lower()
                segments.append((head[0], prefix))
        # A ``*`` phrase matches a compound once, however many of its parts start with the key.
        # A key starting with a hyphen would also start inside the compound parts added after hyphens.
        by_runs = (
            lower and len(words) == 1 and key[:1] not in ("", "-") and key == words[0] and not phrase.endswith("*")
        )
        return cls(needle, pattern, fast, lower, key, whole, tuple(segments), by_runs)

    def count(self, text: str, folded: str) -> int:
        return len(self.pattern.findall(text)) if self.needle in folded else 0


def _with_compound_parts(runs: list[str]) -> list[str]:
    """The runs, each hyphenated one followed by what comes after each of its hyphens
    (``self-distillation`` adds ``distillation``): a phrase may start there too."""
    if not any("-" in run for run in runs):
        return runs
    result = []
    for run in runs:
        result.append(run)
        if "-" in run:
            result.extend(part for part in (run[i + 1 :] for i, c in enumerate(run) if c == "-") if part)
    return result


def _holds(run: str, segment: str, prefix: bool) -> bool:
    """Whether a run has a part (between hyphens) that is ``segment``, or starts with it when ``prefix``."""
    return any(part.startswith(segment) if prefix else part == segment for part in run.split("-"))


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_like(text: str) -> str | None:
    """The text lower-cased, for the index of ``_Texts``, when ASCII phrases match in it as in ASCII
    text: its other characters are symbols (``×``, ``“``, ``—``), never word characters, so they
    only end words. A space among them becomes a space, any other a NUL (no phrase holds one and
    cleaning leaves none): both end words as before and start a run, so that ``“world`` is indexed
    as ``world``. None for text with a letter or digit outside ASCII (``π``, ``é``), where
    case-insensitive matching is Unicode's."""
    if text.isascii():
        return text.lower()
    if any(c.isalnum() for c in _NOT_ASCII.findall(text)):
        return None
    return _NOT_ASCII.sub(lambda m: " " if m[0].isspace() else "\x00", text).lower()


class _Texts:
    """One field of every paper (titles or abstracts), indexed by the word runs they hold.

    Only the runs the ``phrases`` can need are indexed (all runs when none are given): runs that
    start with a phrase's ``key``, and runs holding a segment a phrase requires.
    """

    def __init__(self, texts: list[str], phrases: Iterable[_Phrase] | None = None) -> None:
        self.texts = texts
        self.lowered: list[str | None] = [_ascii_like(t) for t in texts]
        self.other = [i for i, low in enumerate(self.lowered) if low is None]
        self.folded = {i: texts[i].casefold() for i in self.other}
        phrases = list(phrases) if phrases is not None else None
        keys = {p.key for p in phrases if p.fast is not None and p.key} if phrases is not None else set()
        lengths = sorted({len(key) for key in keys})
        # Which runs hold each required segment (a run's segments are its parts between hyphens).
        wanted = {s for p in phrases or () if p.fast is not None for s in p.segments}
        exact = {segment for segment, prefix in wanted if not prefix}
        prefixes = tuple(sorted({segment for segment, prefix in wanted if prefix}))
        self.segment_runs: dict[tuple[str, bool], list[str]] = {s: [] for s in wanted}

        def indexed(run: str) -> bool:
            """Whether a run (seen for the first time) is indexed; note the segments it holds."""
            keep = phrases is None or any(run[:n] in keys for n in lengths)
            for part in set(run.split("-")) if "-" in run else (run,):
                if part in exact:
                    self.segment_runs[part, False].append(run)
                    keep = True
                if prefixes and part.startswith(prefixes):
                    for segment in prefixes:
                        if part.startswith(segment):
                            self.segment_runs[segment, True].append(run)
                            keep = True
            return keep

        # Each indexed run's texts, a text once per time it holds the run. A run is classified the
        # first time it is seen (the set difference finds those in C).
        postings: dict[str, list[int]] = {}
        seen: set[str] = set()
        for i, low in enumerate(self.lowered):
            if low is not None:
                runs = _with_compound_parts(low.translate(_TO_RUNS).split())
                new = set(runs)
                new -= seen
                if new:
                    seen |= new
                    postings.update((run, []) for run in new if indexed(run))
                for run in filter(postings.__contains__, runs):
                    postings[run].append(i)
        self.postings = postings
        self.runs = sorted(postings)
        self._holding: dict[tuple[str, bool], set[int]] = {}
        self._candidates: dict[tuple[str, bool], set[int]] = {}

    def _runs(self, key: str, whole: bool) -> list[str]:
        """The indexed runs that start with ``key``; ``whole``: that are ``key`` or start with ``key-``."""
        lo = bisect.bisect_left(self.runs, key)
        hi = bisect.bisect_left(self.runs, key + "\x7f", lo)
        runs = self.runs[lo:hi]
        if whole:
            runs = [run for run in runs if len(run) == len(key) or run[len(key)] == "-"]
        return runs

    def candidates(self, key: str, whole: bool = False) -> Iterable[int]:
        """The ASCII texts holding a run that starts with ``key`` (all of them for no key); ``whole``:
        a run that is ``key`` or starts with ``key-``."""
        if not key:
            return (i for i, low in enumerate(self.lowered) if low is not None)
        found = self._candidates.get((key, whole))
        if found is None:  # phrases often share a first word
            found = self._candidates[key, whole] = set()
            for run in self._runs(key, whole):
                found.update(self.postings[run])
        return found

    def _with_segments(self, candidates: Iterable[int], segments: tuple[tuple[str, bool], ...]) -> Iterable[int]:
        """The candidates whose lower-cased text holds every required segment."""
        if not segments:
            return candidates
        found = set(candidates)
        for segment in segments:
            holding = self._holding.get(segment)
            if holding is None:
                if segment not in self.segment_runs:  # a phrase the index was not made for: all runs are indexed
                    self.segment_runs[segment] = [run for run in self.runs if _holds(run, *segment)]
                holding = self._holding[segment] = set()
                for run in self.segment_runs[segment]:
                    holding.update(self.postings[run])
            found &= holding
        return found

    def counts(self, phrase: _Phrase) -> dict[int, int]:
        """The phrase's match count in each text where it matches."""
        result: dict[int, int] = {}
        texts = self.texts
        if phrase.fast is None:
            for i, text in enumerate(texts):
                folded = self.folded[i] if i in self.folded else text.casefold()
                if n := phrase.count(text, folded):
                    result[i] = n
            return result
        if phrase.by_runs:
            counted: Counter[int] = Counter()
            for run in self._runs(phrase.key, phrase.whole):
                counted.update(self.postings[run])
            result.update(counted)
        else:
            findall = phrase.fast.findall
            source = self.lowered if phrase.fast_lower else texts
            for i in self._with_segments(self.candidates(phrase.key, phrase.whole), phrase.segments):
                if n := len(findall(source[i])):  # type: ignore[arg-type]
                    result[i] = n
        for i in self.other:
            if n := phrase.count(texts[i], self.folded[i]):
                result[i] = n
        return result


@dataclass(frozen=True)
class _Matcher:
    topic: Topic
    keywords: tuple[int, ...]
    title_keywords: tuple[int, ...]
    exclude: tuple[int, ...]

    def score(self, title: Mapping[int, int], abstract: Mapping[int, int]) -> float:
        """The topic's score for a paper from its phrase counts (phrase id -> matches, zero left out):
        title matches weigh ``title_weight`` but count only when the abstract holds a keyword of the
        topic too (a lone title word decides nothing), repeats in the abstract add half."""
        if any(p in title or p in abstract for p in self.exclude):
            return 0.0
        total = 0.0
        for p in self.keywords:
            hits = min(abstract.get(p, 0), 3)
            total += 1.0 + 0.5 * (hits - 1) if hits else 0.0
        if not total:
            return 0.0
        total += sum(self.topic.title_weight for p in self.title_keywords if p in title)
        total += sum(self.topic.title_weight for p in self.keywords if p in title)
        return total


@dataclass(frozen=True)
class Evidence:
    """What the keywords say: each paper's score for each topic (``_Matcher.score``)."""

    papers: tuple[Slug, ...]
    """The rows: the papers in the order given."""
    scores: np.ndarray
    """Keyword scores, papers × topics in taxonomy order (float32)."""


def keyword_evidence(papers: Iterable[Paper], taxonomy: Taxonomy, remembered: Table[Any] | None = None) -> Evidence:
    """Every paper's keyword score for every topic; ``remembered``: the scores of papers an earlier
    build read with the same taxonomy (``cache.Table``), by title and abstract."""
    papers = list(papers)
    if remembered is None:
        return Evidence(tuple(p.slug for p in papers), _keyword_scores(papers, taxonomy))

    def scores(missing: list[int]) -> list[bytes]:
        return [row.tobytes() for row in _keyword_scores([papers[i] for i in missing], taxonomy)]

    rows = remembered.get_many([evidence_key(p) for p in papers], scores)
    found = np.frombuffer(b"".join(rows), dtype=np.float32).reshape(len(papers), len(taxonomy.topics))
    return Evidence(tuple(p.slug for p in papers), found.copy())


def evidence_key(paper: Paper) -> str:
    """What a paper's keyword scores are read from (and remembered by)."""
    return f"{paper.title}\0{paper.abstract}"  # cleaning leaves no NUL in either


def evidence_stamp(taxonomy: Taxonomy) -> str:
    """What keyword scores depend on besides a paper's text: each topic's keywords and weights, in order."""
    return repr([(t.slug, t.keywords, t.title_keywords, t.exclude, t.title_weight) for t in taxonomy.topics])


def _keyword_scores(papers: Sequence[Paper], taxonomy: Taxonomy) -> np.ndarray:
    """Each paper's keyword score for each topic, papers × topics (float32).

    Each keyword is searched once over the papers given (only in the texts that can hold it); a
    paper's score for a topic is then computed from its counts as if every keyword were matched
    against every paper: a paper's scores depend on its own title and abstract alone.
    """
    ids: dict[str, int] = {}

    def phrase_ids(phrases: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(ids.setdefault(p, len(ids)) for p in phrases)

    matchers = [
        _Matcher(t, phrase_ids(t.keywords), phrase_ids(t.title_keywords), phrase_ids(t.exclude))
        for t in taxonomy.topics
    ]
    compiled = [_Phrase.compile(p) for p in ids]
    in_title = {p for m in matchers for p in (*m.keywords, *m.title_keywords, *m.exclude)}
    in_abstract = {p for m in matchers for p in (*m.keywords, *m.exclude)}
    users: dict[int, list[int]] = {}
    for index, m in enumerate(matchers):
        for p in {*m.keywords, *m.title_keywords, *m.exclude}:
            users.setdefault(p, []).append(index)
    title_hits: list[dict[int, int]] = [{} for _ in papers]
    abstract_hits: list[dict[int, int]] = [{} for _ in papers]
    for field, wanted, hits in (
        ([p.title for p in papers], in_title, title_hits),
        ([p.abstract for p in papers], in_abstract, abstract_hits),
    ):
        texts = _Texts(field, [compiled[p] for p in wanted])
        for p in sorted(wanted):
            for i, n in texts.counts(compiled[p]).items():
                hits[i][p] = n
        del texts
    scores = np.zeros((len(papers), len(matchers)), dtype=np.float32)
    for row, (title, abstract) in enumerate(zip(title_hits, abstract_hits, strict=True)):
        for index in {index for p in (*title, *abstract) for index in users[p]}:
            scores[row, index] = matchers[index].score(title, abstract)
    return scores


CONFIRM = 0.8
"""A topic the keywords give is kept when the paper is at least this close to the topic (``closeness``)."""

ADD = 1.5
"""A topic the keywords hint at (a score above 0, below the threshold) is added when the paper is this
close to it: closer than a typical paper the keywords give it."""

RESCUE = 0.6
"""A paper left with no topic gets its closest one if it is at least this close; otherwise the fallback."""

DESCRIPTION_WEIGHT = 0.5
"""How much the topic's own words (name, description, keywords) weigh in its profile, against the
mean of the papers its keywords give it (weight 1)."""


def closeness(evidence: Evidence, vectors: Any, describe: Callable[[list[str]], Any], taxonomy: Taxonomy) -> np.ndarray:
    """How close each paper is to each topic, papers × topics: 1 is as close as the typical paper
    the keywords clearly give the topic.

    A topic's profile, in the space of the paper vectors (``vectors``, unit rows in the order of
    ``evidence``), is its own words (``describe`` turns texts into vectors of that space) plus the
    mean of the papers whose keyword score reaches the threshold. A paper's closeness is its cosine
    with the profile (its own part left out of the mean when it is one of those papers), divided by
    the median cosine of those papers.
    """
    from scipy import sparse

    topics = taxonomy.topics
    words = [" ".join([t.name, t.description, *(k.rstrip("*") for k in t.keywords)]) for t in topics]
    own = sparse.csr_matrix(describe(words), dtype=np.float32)
    own = _unit_rows(own) * DESCRIPTION_WEIGHT
    thresholds = np.array([t.threshold for t in topics], dtype=np.float32)
    clear = evidence.scores >= thresholds
    clear[:, [i for i, t in enumerate(topics) if t.slug == taxonomy.fallback]] = False
    members = sparse.csr_matrix(clear.T.astype(np.float32))
    sizes = np.asarray(clear.sum(axis=0)).ravel().astype(np.float32)
    sums = members @ vectors  # topics × terms
    profiles = sparse.csr_matrix(own + sparse.diags(1 / np.maximum(sizes, 1)) @ sums)
    norms = np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    own_part = np.asarray((vectors @ own.T).todense(), dtype=np.float32)
    with_members = np.asarray((vectors @ sums.T).todense(), dtype=np.float32)
    raw = own_part + with_members / np.maximum(sizes, 1)
    # A clear member's own vector is part of the mean: take it out (its cosine with itself is 1).
    without = own_part + (with_members - 1.0) / np.maximum(sizes - 1, 1)
    cosine = np.where(clear, without, raw) / norms
    typical = np.array(
        [np.median(cosine[clear[:, i], i]) if sizes[i] >= 3 else np.nan for i in range(len(topics))],
        dtype=np.float32,
    )
    fallback_typical = np.nanmedian(typical) if np.isfinite(typical).any() else 1.0
    typical = np.where(np.isfinite(typical) & (typical > 0), typical, fallback_typical)
    result: np.ndarray = (cosine / typical).astype(np.float32)
    # The only paper the keywords give a topic has no other papers to be compared with: its closeness
    # is how close it is to the topic's own words, against how close the clear papers of topics with
    # at least 3 are to their topic's own words; in a collection with no such topic, 1 (the keywords
    # decide).
    alone = clear & (sizes == 1)
    if alone.any():
        words_only = own_part / DESCRIPTION_WEIGHT
        larger = clear & (sizes >= 3)
        usual = float(np.median(words_only[larger])) if larger.any() else 0.0
        result[alone] = words_only[alone] / usual if usual > 0 else 1.0
        # A topic none of whose own words the collection's vocabulary holds says nothing: the keywords decide.
        wordless = np.asarray(own.multiply(own).sum(axis=1)).ravel() == 0
        result[alone & wordless[np.newaxis, :]] = 1.0
    return result


def _unit_rows(matrix: Any) -> Any:
    from scipy import sparse

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1 / norms) @ matrix


def assignment_rank(scores: np.ndarray, thresholds: np.ndarray, close: np.ndarray | None) -> np.ndarray:
    """How well each paper fits each topic, papers × topics: what orders a paper's topics (keyword
    score over threshold, capped at 2, plus closeness when known)."""
    if close is None:
        return np.asarray(scores / thresholds, dtype=np.float32)
    return np.asarray(close + np.minimum(scores / thresholds, 2.0), dtype=np.float32)


def relevance(
    papers: Iterable[Paper],
    taxonomy: Taxonomy,
    evidence: Evidence,
    close: np.ndarray | None,
    assigned: Mapping[Slug, tuple[Slug, ...]],
) -> dict[Slug, dict[Slug, float]]:
    """How relevant each paper is to each topic of its family (its topics and their broader ones),
    by the rank that orders a paper's topics (``assignment_rank``): what orders a topic's page.

    Rounded to six digits, so that the order does not rest on the last bits of a float.
    """
    topics = taxonomy.topics
    index = {t.slug: i for i, t in enumerate(topics)}
    by_slug = {t.slug: t for t in topics}
    thresholds = np.array([t.threshold for t in topics], dtype=np.float32)
    rank = assignment_rank(evidence.scores, thresholds, close)
    result: dict[Slug, dict[Slug, float]] = {}
    for row, paper in enumerate(papers):
        family = with_broader((by_slug[s] for s in assigned[paper.slug]), by_slug)
        result[paper.slug] = {t.slug: round(float(rank[row, index[t.slug]]), 6) for t in family}
    return result


def assign_topics(
    papers: Iterable[Paper],
    taxonomy: Taxonomy,
    evidence: Evidence | None = None,
    close: np.ndarray | None = None,
) -> dict[Slug, tuple[Slug, ...]]:
    """Each paper's topics (1 to MAX_TOPICS), best first, ties in taxonomy order.

    With only keywords (``close`` None): the topics whose score reaches their threshold; else the
    best-scoring topic if it scores RESCUE_SCORE; else the fallback. With ``close`` (``closeness``):
    a topic the keywords give is kept if the paper is CONFIRM close to it; one they hint at is added
    if it is ADD close; a paper with none gets its closest topic if RESCUE close; else the fallback.
    """
    papers = list(papers)
    if evidence is None:
        evidence = keyword_evidence(papers, taxonomy)
    topics = taxonomy.topics
    thresholds = np.array([t.threshold for t in topics], dtype=np.float32)
    scores = evidence.scores
    given = scores >= thresholds
    rank = assignment_rank(scores, thresholds, close)
    if close is None:
        chosen = given
        best = np.argmax(np.where(scores >= RESCUE_SCORE, scores, -1.0), axis=1)
        rescue = ~chosen.any(axis=1) & (scores.max(axis=1, initial=0.0) >= RESCUE_SCORE)
    else:
        fallback = np.array([t.slug == taxonomy.fallback for t in topics])
        chosen = (given & (close >= CONFIRM)) | ((scores > 0) & (close >= ADD))
        chosen[:, fallback] = False
        candidates = np.where(fallback, -np.inf, close)
        best = np.argmax(candidates, axis=1)
        rescue = ~chosen.any(axis=1) & (candidates.max(axis=1, initial=-np.inf) >= RESCUE)
    rows = np.flatnonzero(rescue)
    chosen = chosen.copy()
    chosen[rows, best[rows]] = True
    fallback_index = next(i for i, t in enumerate(topics) if t.slug == taxonomy.fallback)
    result: dict[Slug, tuple[Slug, ...]] = {}
    for row, paper in enumerate(papers):
        picked = np.flatnonzero(chosen[row])
        order = sorted(picked.tolist(), key=lambda i: (-float(rank[row, i]), i))[:MAX_TOPICS]
        result[paper.slug] = tuple(topics[i].slug for i in order) or (topics[fallback_index].slug,)
    return result
