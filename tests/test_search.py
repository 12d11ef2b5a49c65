"""The site's search through lunr in Python: ranking on a set of real queries, facets, the terminal
command, and that the browser's worker processes a query exactly as Python does.

The package, one module a concern, is tested here through its names (``search.stem``, ``search.plan``):
generator/search/__init__.py (names loaded on first use), generator/search/searchfile.py (the file's
layout and script form), generator/search/text.py (folding, words, terms), generator/search/stemmer.py
(lunr.js's stems), generator/search/index.py (the index lunr's builder makes), generator/search/query.py
(parsing, bounded planning, facets, ranking), generator/search/site.py (a built site's file, the
``search`` command) and generator/search/worker.js (run by node on the same queries)."""

from __future__ import annotations

import functools
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from lunr.builder import Builder  # type: ignore[import-untyped]
from lunr.index import Index  # type: ignore[import-untyped]
from lunr.stemmer import stemmer  # type: ignore[import-untyped]
from lunr.token_set import TokenSet  # type: ignore[import-untyped]

from generator import pagefind_index, search
from tests.conftest import ROOT, run_generator

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))
TOP = 3
MIN_MRR = 0.95


@pytest.fixture(scope="module")
def site_data(real_site: Path) -> dict[str, Any]:
    """The search file of the hosted site, as its worker fetches it."""
    return json.loads((real_site / "site" / search.SITE_DATA["hosted"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(real_site: Path) -> search.SearchIndex:
    return search.open_site(real_site / "site").index


@pytest.fixture(scope="module")
def papers(real_site: Path) -> dict[str, dict[str, Any]]:
    records = json.loads((real_site / "site" / "papers.json").read_text(encoding="utf-8"))
    return {p["url"]: p for p in records}


# --- ranking -------------------------------------------------------------------------------------------


def test_query_set_is_broad() -> None:
    kinds = {q["kind"] for q in QUERIES}
    assert len(QUERIES) >= 40
    assert {"method", "topic", "abstract", "title", "prefix", "misspelling"} <= kinds


def test_every_expected_paper_in_top_3_and_mean_reciprocal_rank(index: search.SearchIndex) -> None:
    missed = []
    reciprocal = []
    for q in QUERIES:
        titles = [hit.title for hit in index.search(q["query"])]
        rank = titles.index(q["title"]) + 1 if q["title"] in titles else None
        reciprocal.append(1 / rank if rank else 0.0)
        if rank is None or rank > TOP:
            missed.append(f"{q['query']!r} ({q['kind']}): {q['title']!r} at rank {rank}; first: {titles[:TOP]}")
    mrr = sum(reciprocal) / len(reciprocal)
    assert not missed, "expected papers not in the first 3:\n" + "\n".join(missed)
    assert mrr >= MIN_MRR, f"mean reciprocal rank {mrr:.3f} < {MIN_MRR}"


def test_a_query_of_stop_words_and_nonsense_finds_nothing(index: search.SearchIndex) -> None:
    assert index.search("the of and") == []
    assert index.search("zzqxv") == []
    assert index.search("   ") == []


# --- facets --------------------------------------------------------------------------------------------


LONG_QUERIES = [
    "a" * 2_000,  # ?q= and 2,000 × a crashed the offline tab
    "x" * 500,  # one 500-character word: over 120 s and 6.5 GB in the terminal
    "https://github.com/" + "abcdefghij" * 11,  # a pasted 128-character address
    " ".join(f"qz{n:02d}vbnmkjhgfdsx" for n in range(40)),  # 40 unknown 16-letter words
    " ".join(["transformer", "pro", "con", "int", "com", "pre", "tra", "exp", "dis", "par"] * 4),
    " ".join("attention" + "x" * n for n in range(8, 20)),  # near misses of growing length
    "a" * 63 + "\U00020000" + "b" * 10,  # cut before a character JavaScript counts as two
    "quantization " * 30 + "topic:efficiency",
]
"""Queries that asked for unbounded work before it was bounded (issue 14): the worker and the
terminal must plan them alike, and within :data:`search.QUERY`'s bounds."""


@pytest.mark.parametrize("query", LONG_QUERIES, ids=range(len(LONG_QUERIES)))
def test_a_long_query_asks_for_bounded_work(query: str) -> None:
    """However long the query, its words, their lengths, its fuzzy clauses and the index terms its
    prefix clauses reach stay within the bounds :data:`search.QUERY` states."""
    settings = search.QUERY
    terms = sorted({"a" * n for n in range(1, 80)} | {f"{p}{n}" for p in ("pro", "con", "tra") for n in range(900)})
    parsed = search.parse(query)
    assert len(parsed.words) <= settings["words_max"]
    assert all(search.query._length(w) <= settings["word_length_max"] for w in parsed.words)
    clauses = search.plan(parsed.words, lambda _: False, settings, functools.partial(search.count_starting, terms))
    fuzzy = [c for c in clauses if c.get("edit")]
    assert len(fuzzy) <= settings["fuzzy_words_max"]
    assert all(search.query._length(c["word"]) <= settings["fuzzy_length_max"] for c in fuzzy)
    reached = sum(sum(t.startswith(c["term"]) for t in terms) for c in clauses if c.get("wildcard"))
    assert reached <= settings["prefix_terms_max"]


def test_a_prefix_that_would_pass_the_budget_is_matched_whole() -> None:
    terms = sorted(f"pro{n:04d}" for n in range(1_500))
    starting = functools.partial(search.count_starting, terms)
    clauses = search.plan(["pro", "prob", "pro"], lambda _: False, search.QUERY, starting)
    assert [(c["word"], bool(c.get("wildcard"))) for c in clauses] == [
        ("pro", False),
        ("pro", True),  # 1,500 terms
        ("prob", False),
        ("prob", True),  # none
        ("pro", False),  # 1,500 more would pass 2,000
    ]
    assert search.count_starting(terms, "pro", 10) == 11, "counting stops past the limit"


def test_parse_keeps_the_first_words_each_cut_whole() -> None:
    parsed = search.parse(" ".join(f"w{n}" for n in range(50)) + " year:2024")
    assert parsed.words == tuple(f"w{n}" for n in range(search.QUERY["words_max"]))
    assert parsed.filters == (("year", "2024"),)
    assert search.parse("a" * 63 + "\U00020000b").words == ("a" * 63,)
    assert search.parse("b" * 62 + "\U00020000c").words == ("b" * 62 + "\U00020000",)


TOKEN_SET_NODES = 200_000
"""lunr token-set nodes one query may make: a 128-character word made millions (26 s, 1.9 GB)."""


def test_the_longest_queries_make_few_token_set_nodes(
    index: search.SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work of a query, counted in the nodes lunr builds to expand its terms (a wall-clock
    bound would be noisy; bench/RESULTS.md has the times)."""
    made = [0]
    original = TokenSet.__init__

    def counted(self: TokenSet) -> None:
        made[0] += 1
        if made[0] > TOKEN_SET_NODES:
            raise AssertionError(f"a query made more than {TOKEN_SET_NODES:,} token-set nodes")
        original(self)

    monkeypatch.setattr(TokenSet, "__init__", counted)
    for query in [*LONG_QUERIES, " ".join(LONG_QUERIES)]:
        made[0] = 0
        index.search(query)
    assert index.search("https://github.com/" + "abcdefghij" * 11 + " attention"), "the rest of the query still finds"


def test_parse_takes_facet_terms_out_of_the_query() -> None:
    parsed = search.parse('mixture  topic:"Mixture of experts" YEAR:2025 organisation:Meta-AI tokens')
    assert parsed.words == ("mixture", "tokens")
    assert parsed.filters == (("topic", "mixture-of-experts"), ("year", "2025"), ("org", "meta-ai"))
    assert search.parse("topic: quantization").filters == ()  # an empty value is no filter


def test_topic_facet_keeps_only_papers_of_that_topic_or_a_narrower_one(
    index: search.SearchIndex, papers: dict[str, dict[str, Any]]
) -> None:
    plain = index.search("model compression")
    narrowed = index.search("model compression topic:efficiency")
    assert 0 < len(narrowed) < len(plain)
    for hit in narrowed:
        assert "Efficiency" in papers[hit.location]["topics"], hit
    # Quantization is narrower than Efficiency: its papers count as Efficiency papers.
    quantization = {h.location for h in index.search("topic:quantization")}
    assert quantization and quantization <= {h.location for h in index.search("topic:efficiency")}
    # A value names a topic by its slug, its name or the start of either.
    assert {h.location for h in index.search('topic:"Mixture of experts"')} == {
        h.location for h in index.search("topic:mixture")
    }


def test_year_facet_alone_lists_that_years_papers_newest_first(
    index: search.SearchIndex, papers: dict[str, dict[str, Any]]
) -> None:
    hits = index.search("year:2025")
    expected = [p for p in papers.values() if (p["date"] or "").startswith("2025")]
    assert len(hits) == len(expected) > 0
    dates = [h.date for h in hits]
    assert dates == sorted(dates, reverse=True)
    assert index.search("year:1999") == []


def test_org_facet(index: search.SearchIndex, papers: dict[str, dict[str, Any]]) -> None:
    orgs = {p["organisation"]["handle"] for p in papers.values() if p["organisation"]}
    assert orgs, "test premise: the bundled listings name organisations"
    for handle in orgs:
        slug = search.facet_value(handle)
        expected = {url for url, p in papers.items() if p["organisation"] and p["organisation"]["handle"] == handle}
        assert {h.location for h in index.search(f"org:{slug}")} == expected
        name = next(
            p["organisation"]["name"]
            for p in papers.values()
            if p["organisation"] and p["organisation"]["handle"] == handle
        )
        assert {h.location for h in index.search(f'org:"{name}"')} == expected, f"org:{name!r} (by name)"


def test_facet_menus_count_what_the_filters_find(index: search.SearchIndex) -> None:
    for name in search.FACETS:
        for value, label, count in index.facets[name]:
            assert label
            assert len(index.search(f"{name}:{value}")) == count, (name, value)


# --- the index ----------------------------------------------------------------------------------------


def test_index_is_the_one_lunrs_builder_makes(site_data: dict[str, Any], papers: dict[str, dict[str, Any]]) -> None:
    texts = [{"title": p["title"], "tags": " ".join(p["tags"]), "text": p["abstract"]} for p in papers.values()]
    texts.append({"title": "Ünïcode—naïve café: 𝔘 «quoted» don't (e.g., x_y)", "tags": "", "text": "Café isation-free"})
    texts.append({"title": "", "tags": "", "text": ""})
    fields = [{name: search.index_terms(t[name]) for name in search.FIELDS} for t in texts]
    builder = Builder()
    builder.search_pipeline.add(stemmer)
    builder.ref("ref")
    for name, boost in search.FIELDS.items():
        builder.field(name, boost=boost)
    for ref, values in enumerate(fields):
        builder.add({"ref": str(ref), **values})
    expected = json.dumps(builder.build().serialize(), sort_keys=True)
    assert json.dumps(search.lunr_index(fields), sort_keys=True) == expected


def test_the_compact_index_expands_to_the_one_it_came_from(site_data: dict[str, Any]) -> None:
    """What the search file holds (about half of lunr's serialised index) gives back lunr's index exactly."""
    assert tuple(site_data["docs"]) == search.DOCS
    expanded = search.expand_index(site_data["index"])
    assert search.compact_index(expanded) == site_data["index"]
    assert len(expanded["fieldVectors"]) == 3 * len(site_data["docs"]["location"])
    posting = dict(expanded["invertedIndex"])[search.stem("quantization")]
    assert posting["title"] and posting["_index"] >= 0
    assert list(posting["title"]) == sorted(posting["title"], key=int), "postings in the order lunr's builder adds them"


def _slipped(word: str, rng: random.Random) -> str:
    """``word`` with two neighbouring letters swapped, one dropped or one doubled: a typing slip."""
    at = rng.randrange(max(len(word) - 1, 1))
    return rng.choice(
        [
            word[:at] + word[at + 1 : at + 2] + word[at] + word[at + 2 :],
            word[:at] + word[at + 1 :],
            word[:at] + word[at] + word[at:],
        ]
    )


def test_the_index_made_as_queries_reach_it_answers_as_lunrs_own_load(
    site_data: dict[str, Any], unicode_site: Path
) -> None:
    """``generator search`` makes lunr's index only as far as a query reaches it (``search.load_index``:
    a trie over the sorted terms, postings and vectors on demand). lunr's own ``Index.load`` of the
    whole expanded index is the reference: the same results in the same order with the same scores,
    exactly, on the query set, the long queries, facets and random terms, their starts and slips; and
    each term's prefix and one or two edits expand to the same words in the same order."""
    unicode_data = json.loads((unicode_site / "site" / search.SITE_DATA["hosted"]).read_text(encoding="utf-8"))
    rng = random.Random(15)
    for data in (site_data, unicode_data):
        made = search.SearchIndex(data)
        plain = search.SearchIndex(data, Index.load(search.expand_index(data["index"])))
        terms = data["index"]["terms"]
        picked = rng.sample(terms, min(len(terms), 120))
        queries = [
            *(q["query"] for q in [*QUERIES, *UNICODE_QUERIES]),
            *LONG_QUERIES,
            "quantization topic:efficiency",
            "year:2024",
            "zzqxv",
            *picked,
            *(term[: rng.randint(1, 6)] for term in picked),
            *(" ".join(_slipped(rng.choice(terms), rng) for _ in range(rng.randint(1, 4))) for _ in range(60)),
        ]
        for query in queries:
            assert made.search(query) == plain.search(query), query
        for word in picked[:60]:
            for query_set in (
                TokenSet.from_string(word + "*"),
                TokenSet.from_fuzzy_string(_slipped(word, rng), 1),
                TokenSet.from_fuzzy_string(_slipped(word, rng)[:10], 2),
            ):
                expanded = made.index.token_set.intersect(query_set).to_list()
                assert expanded == plain.index.token_set.intersect(query_set).to_list(), word
        assert made.docs == plain.docs == search.documents(data)


def test_the_offline_script_holds_the_search_file_and_the_hook_writes_it_so() -> None:
    from generator import mkdocs_hooks

    title = 'It\'s a \\ "quoted" \u2028 line\u2029</script> \\u2028 \\\u2028'
    text = json.dumps({"title": title, "n": [1, 2.5]}, ensure_ascii=False)
    script = search.as_script(text)
    assert search.from_script(script) == text
    # Raw, U+2028 and U+2029 end a string literal in JavaScript before ES2019.
    assert "\u2028" not in script and "\u2029" not in script
    settings = mkdocs_hooks._json({"facets": {"org": [["x", "Lab\u2028name", 1]]}})
    assert "\u2028" not in settings and json.loads(settings)["facets"]["org"][0][1] == "Lab\u2028name"
    node = shutil.which("node")
    if node:
        run = f"{script}; process.stdout.write(JSON.stringify({search.SCRIPT_VARIABLE}))"
        assert json.loads(
            subprocess.run([node, "-e", run], capture_output=True, text=True, check=True).stdout
        ) == json.loads(text)
    # The hook, which MkDocs loads on its own, reads the names from the search file's module, not copies.
    assert mkdocs_hooks.searchfile.SITE_DATA is search.SITE_DATA
    assert mkdocs_hooks.SEARCH_DATA == search.INDEX_FILE


def test_both_sites_name_the_search_file_their_worker_loads(real_site: Path) -> None:
    for kind, folder in (("hosted", "site"), ("offline", "site-offline")):
        settings = json.loads((real_site / folder / search.SITE_SETTINGS).read_text(encoding="utf-8"))
        assert settings["docs"] == [], "the page would parse and copy the documents"
        papers = settings["config"]["papers"]
        assert papers["data"].split("?v=")[0] == search.SITE_DATA[kind]
        # What the worker reads from the search file, as the terminal does, is not sent twice.
        assert not {"index", "docs", "topic_sets", "full_text"} & set(papers), sorted(papers)
        assert papers["query"] == search.QUERY, "Pagefind's worker bounds a query as the lunr one does"
        assert papers["suffix"] == ("/" if kind == "hosted" else ".html")
    hosted_file = (real_site / "site" / search.SITE_DATA["hosted"]).read_text(encoding="utf-8")
    offline_file = (real_site / "site-offline" / search.SITE_DATA["offline"]).read_text(encoding="utf-8")
    assert offline_file == search.as_script(hosted_file), "the hook and search.py write the script differently"
    offline = search.open_site(real_site / "site-offline").index
    hosted = search.open_site(real_site / "site").index
    assert offline.docs == hosted.docs


def test_the_worker_and_the_search_file_are_addressed_by_their_content(real_site: Path) -> None:
    """After a deploy that changes the worker or the search file, browsers load the new ones: their
    addresses change with their content (as Material names its own worker), and only then."""
    import hashlib

    def version(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:8]

    for kind, folder in (("hosted", "site"), ("offline", "site-offline")):
        site = real_site / folder
        (worker,) = (site / "assets" / "javascripts").glob("search-worker.*.js")
        assert worker.name == f"search-worker.{version(worker)}.js"
        page = (site / "index.html").read_text(encoding="utf-8")
        assert f'assets/javascripts/{worker.name}"' in page and "workers/search." not in page
        settings = json.loads((site / search.SITE_SETTINGS).read_text(encoding="utf-8"))["config"]["papers"]
        assert settings["data"] == f"{search.SITE_DATA[kind]}?v={version(site / search.SITE_DATA[kind])}"


def test_words_split_and_trim_like_lunr() -> None:
    assert search.words("LLM-Pruner: On (the) Structural, pruning's x_y — 4-bit") == [
        "llm",
        "pruner",
        "on",
        "the",
        "structural",
        "pruning's",
        "x_y",
        "4",
        "bit",
    ]
    assert search.words("quantisation Quantisations") == ["quantization", "quantizations"]


NODE_PROBE = r"""
const fs = require("fs"), vm = require("vm")
const context = { addEventListener() {}, postMessage() {}, console }
vm.createContext(context)
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context)
vm.runInContext(fs.readFileSync(process.argv[3], "utf8"), context)
const input = JSON.parse(fs.readFileSync(0, "utf8"))
context.input = input
context.knownTerms = new Set(input.known)
const out = vm.runInContext(`({
  parsed: input.queries.map(q => parse(q, input.settings)),
  plans: input.queries.map(q => plan(parse(q, input.settings).words, t => knownTerms.has(t), input.settings,
    (prefix, limit) => countStarting(input.terms, prefix, limit))),
  stems: input.words.map(w => stem(w)),
  distances: input.pairs.map(p => editDistance(p[0], p[1], 2)),
  matched: input.queries.map(q => {
    const words = parse(q, input.settings).words
    const clauses = plan(words, t => knownTerms.has(t), input.settings, (p, n) => countStarting(input.terms, p, n))
    return matchedWords(words, input.keys, clauses)
  }),
  highlighted: highlighter(["x", "amp", "don"])("<p>Don&#x27;t x-ray &amp; amplify <b>x</b></p>"),
  spaces: SPACES,
  unreadable: (() => {
    // An index this worker cannot read (another format): ready all the same, and no results.
    return handle({ type: 0, data: { config: { papers: { format: 999 } }, docs: [] } })
      .then(ready => handle({ type: 2, data: "attention" }).then(answer => [ready, answer]))
  })(),
})`, context)
Promise.resolve(out.unreadable).then(unreadable => {
  out.unreadable = unreadable
  process.stdout.write(JSON.stringify(out))
})
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_worker_reads_a_query_as_python_does(papers: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """The worker's functions, run under Node.js with the lunr.js the site ships, against Python's:
    the same words, facet terms, clauses, stems for every word of the collection, and edit distances."""
    vocabulary = sorted({w for p in papers.values() for w in search.words(p["title"] + " " + p["abstract"])})
    queries = [q["query"] for q in QUERIES] + [
        'moe topic:"Mixture of experts" year:2025 org:x',
        "A Survey of the  LLMs — (2023)",
        "Ünïcode café",
        "",
        "graph constructor __proto__ toString",
        "a\x85topic:efficiency b\ufefftopic:code organiſation:x topıc:y",
        'topic:"Mixture of experts" org:"Parameter Lab"',
        # Line and paragraph separators, and spaces only one of Python and JavaScript calls spaces.
        "speculative\u2028decoding\u2029topic:efficiency",
        "thin\u2009space\u202fnarrow\u3000ideographic\x1cfile\x85next\ufeffbom",
        # Characters past U+FFFF: JavaScript counts each as two, which decides the clauses.
        "a\U0001d401c a\U0001d401\U0001d404b ab\U0001d401\U0001d404cdefg",
        *LONG_QUERIES,
    ]
    known = {search.stem(w) for w in vocabulary[::2]}  # half the collection's words "in the index"
    terms = sorted(known)
    keys = [*sorted(known)[::7], "abc", "a\U0001d401d", "a\U0001d402\U0001d404b"]  # the terms a result matched
    pairs = [["kitten", "sitting"], ["quantiz", "quantis"], ["retriev", "retreiv"], ["abc", "abcdef"], ["", "ab"]]
    pairs += [["a\U0001d401c", "abc"], ["a\U0001d401\U0001d404b", "a\U0001d404\U0001d401b"], ["a\U0001d401", "a"]]
    probe = tmp_path / "probe.js"
    probe.write_text(NODE_PROBE, encoding="utf-8")
    result = subprocess.run(
        [
            "node",
            str(probe),
            str(ROOT / "node_modules" / "lunr" / "lunr.js"),
            str(ROOT / "generator" / "search" / "worker.js"),
        ],
        input=json.dumps(
            {
                "queries": queries,
                "words": vocabulary,
                "pairs": pairs,
                "settings": search.QUERY,
                "known": sorted(known),
                "terms": terms,
                "keys": keys,
            }
        ),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    js = json.loads(result.stdout)
    python_parsed = [search.parse(q) for q in queries]
    assert js["spaces"] == search.SPACES
    assert js["parsed"] == [{"words": list(p.words), "filters": [list(f) for f in p.filters]} for p in python_parsed]
    assert search.parse("speculative\u2028decoding\u2029topic:efficiency") == search.Parsed(
        ("speculative", "decoding"), (("topic", "efficiency"),)
    )
    starting = functools.partial(search.count_starting, terms)
    python_plans = [search.plan(p.words, known.__contains__, search.QUERY, starting) for p in python_parsed]
    assert js["plans"] == python_plans
    differing = [(w, s) for w, s in zip(vocabulary, js["stems"], strict=True) if search.stem(w) != s]
    assert not differing, (
        f"lunr.js and lunr stem {len(differing)} of {len(vocabulary)} words differently: {differing[:10]}"
    )
    assert js["distances"] == [search.edit_distance(a, b, 2) for a, b in pairs]
    assert js["unreadable"] == [{"type": 1}, {"type": 3, "data": {"items": [], "unavailable": True}}], (
        "an unreadable index stalls the box"
    )
    # Marks never land inside a tag or an entity of the escaped text.
    assert js["highlighted"] == (
        "<p><mark>Don</mark>&#x27;t <mark>x</mark>-ray &amp; <mark>amplify</mark> <b><mark>x</mark></b></p>"
    )
    python_matched = [search.matched_words(p.words, keys, c) for p, c in zip(python_parsed, python_plans, strict=True)]
    assert js["matched"] == python_matched


NODE_ENGINE = r"""
const fs = require("fs"), vm = require("vm")
const [lunrFile, workerFile, dataFile] = process.argv.slice(-3)
const requested = []
const context = {
  addEventListener() {}, postMessage() {}, console, URL,
  self: { location: { href: "http://127.0.0.1:8000/assets/javascripts/search-worker.js" } },
  fetch(url) {
    requested.push(url)
    if (url.endsWith("/missing.json"))
      return Promise.resolve({ ok: false, status: 404 })
    const text = fs.readFileSync(dataFile, "utf8")
    return Promise.resolve({ ok: true, json: () => Promise.resolve(JSON.parse(text)) })
  },
}
vm.createContext(context)
vm.runInContext(fs.readFileSync(lunrFile, "utf8"), context)
vm.runInContext(fs.readFileSync(workerFile, "utf8"), context)
const input = JSON.parse(fs.readFileSync(0, "utf8"))
context.input = input
vm.runInContext(`
  handle({ type: 0, data: { config: { papers: input.settings }, docs: [] } }).then(ready => {
    const answers = []
    return input.queries.reduce(
      (done, q) => done.then(() => handle({ type: 2, data: q })).then(answer => answers.push([answer.data.papers,
        answer.data.items.map(i => [i[0].location, i[0].score, i[0].title, i[0].tags || null])])),
      Promise.resolve()
    ).then(() => ({ ready, answers }))
  }).then(out => {
    // A search file that cannot be fetched: the box is ready all the same, and finds nothing.
    const missing = { config: { papers: { ...input.settings, data: "search/missing.json" } }, docs: [] }
    return handle({ type: 0, data: missing })
      .then(ready => handle({ type: 2, data: "attention" }).then(answer => ({ ...out, missing: [ready, answer] })))
  })
`, context).then(out => process.stdout.write(JSON.stringify({ ...out, requested })))
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_worker_loads_the_search_file_and_ranks_as_python_does(real_site: Path) -> None:
    """The worker, under Node.js, fetches the hosted site's search file as it does over http and
    answers every query of tests/search_queries.yml, and facet queries, with the results Python gives."""
    site = real_site / "site"
    settings = json.loads((site / search.SITE_SETTINGS).read_text(encoding="utf-8"))["config"]["papers"]
    opened = search.open_site(site)
    queries = (
        [q["query"] for q in QUERIES]
        + LONG_QUERIES
        + [
            "quantization",
            "mixture of experts topic:efficiency",
            "year:2024",
            "attention org:a",
            "topic:quantization",
            "zzqxv",
        ]
    )
    js = _run_worker(opened, settings, queries)
    assert js["requested"][0] == f"http://127.0.0.1:8000/{settings['data']}"
    assert js["requested"][0].startswith("http://127.0.0.1:8000/search/lunr_index.json?v=")
    assert js["ready"] == {"type": 1}
    assert js["missing"] == [{"type": 1}, {"type": 3, "data": {"items": [], "unavailable": True}}], (
        "a missing search file stalls the box"
    )
    differ = []
    for query, (papers, answer) in zip(queries, js["answers"], strict=True):
        hits = opened.index.search(query)
        if [a[0] for a in answer] != [h.location for h in hits] or any(
            abs(a[1] - h.score) > 1e-9 * max(1.0, h.score) for a, h in zip(answer, hits, strict=True)
        ):
            differ.append(f"{query!r}: browser {[a[0] for a in answer[:3]]}, terminal {[h.location for h in hits[:3]]}")
        if papers != search.papers_found(hits):
            differ.append(f"{query!r}: the browser counts {papers} papers, the terminal {search.papers_found(hits)}")
    assert not differ, "the worker and `generator search` answer differently:\n" + "\n".join(differ)
    quantization = opened.index.search("quantization")
    assert 0 < search.papers_found(quantization) < len(quantization), "test premise: a topic page matches too"
    gptq = js["answers"][queries.index("quantization")][1]
    assert all(title.replace("<mark>", "").replace("</mark>", "") for _, _, title, _ in gptq)
    assert any(tags for *_, tags in gptq), "results show no topics"


# --- the terminal ---------------------------------------------------------------------------------------


def test_search_command_prints_ranked_titles_with_urls(real_site: Path) -> None:
    result = run_generator(real_site, "search", "GPTQ")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. GPTQ: Accurate Post-Training Quantization")
    assert (
        lines[1]
        .strip()
        .endswith("/papers/gptq-accurate-post-training-quantization-for-generative-pre-trained-transformers/")
    )
    assert "2 matching papers for 'GPTQ'" in result.stderr


def test_search_command_counts_papers_apart_from_topic_pages(real_site: Path, index: search.SearchIndex) -> None:
    """ "quantization" finds the Quantization topic's page too: the count says how many papers, as the
    search box's count line does, and the topic page apart."""
    hits = index.search("quantization")
    papers = sum(h.location.startswith("papers/") for h in hits)
    assert search.papers_found(hits) == papers and len(hits) == papers + 1
    result = run_generator(real_site, "search", "quantization")
    assert f"{papers} matching papers and 1 topic or organisation page for 'quantization'" in result.stderr
    report = json.loads(run_generator(real_site, "search", "quantization", "--json").stdout)
    assert (report["found"], report["papers"]) == (papers + 1, papers)


def test_search_command_says_which_words_of_a_long_query_it_searched(real_site: Path) -> None:
    words = [f"word{n}" for n in range(40)]
    result = run_generator(real_site, "search", "attention", *words)
    assert result.returncode == 0, result.stderr
    assert f"(the first {search.QUERY['words_max']} of its 41 words searched)" in result.stderr


def test_search_command_facets_limit_and_json(real_site: Path, index: search.SearchIndex) -> None:
    result = run_generator(
        real_site,
        "search",
        "mixture",
        "of",
        "experts",
        "--topic",
        "Efficiency",
        "--year",
        "2025",
        "--limit",
        "3",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    expected = index.search("mixture of experts topic:efficiency year:2025")
    assert report["found"] == len(expected) > 3
    assert [r["title"] for r in report["results"]] == [h.title for h in expected[:3]]


def test_search_command_messages_and_exit_codes(real_site: Path, tmp_path: Path) -> None:
    unknown = run_generator(real_site, "search", "attention", "--topic", "astrology")
    assert unknown.returncode == 2
    assert "no topic 'astrology' in this site; topics: efficiency, quantization" in unknown.stderr
    none = run_generator(real_site, "search", "zzqxv")
    assert none.returncode == 1 and none.stdout == "" and "0 matching papers for 'zzqxv'" in none.stderr
    missing = run_generator(real_site, "search", "attention", "--site", str(tmp_path / "site"))
    assert missing.returncode == 2
    assert "site/search/search_index.json: not found: build the site first" in missing.stderr
    assert "Traceback" not in unknown.stderr + none.stderr + missing.stderr


def _damage(data: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    """``data`` with the value at a dotted path (``docs.topics.0``) replaced."""
    keys = [int(k) if k.isdigit() else k for k in where.split(".")]
    target = data
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return data


BROKEN_SITES = [
    # (case, file under site/search/ to replace, its new content: JSON text, a change, or a folder)
    pytest.param("lunr_index.json", "[]", "not a JSON object", id="search-file-a-list"),
    pytest.param("lunr_index.json", "{", "not valid JSON", id="search-file-cut-short"),
    pytest.param("lunr_index.json", ("docs.topics.0", 99999), "a topic set that is not there", id="topic-set-99999"),
    pytest.param("lunr_index.json", ("docs.org", []), "columns of different lengths", id="short-column"),
    pytest.param("lunr_index.json", ("index.vectors.title.0.0", 10**6), "names a term that is not there", id="term"),
    pytest.param("lunr_index.json", ("index.term_index.0", 10**6), "not one per term", id="term-number"),
    pytest.param("lunr_index.json", ("index.terms.0", "~"), "terms out of order or repeated", id="terms-unsorted"),
    pytest.param("lunr_index.json", ("index.terms.1", "0"), "terms out of order or repeated", id="terms-repeated"),
    pytest.param("lunr_index.json", ("index.pipeline", ["trimmer"]), "other fields or pipeline", id="pipeline"),
    pytest.param("lunr_index.json", ("index.vectors.tags.3", [0, 1.5, 1]), "names a term that", id="odd-vector"),
    pytest.param("lunr_index.json", ("index.vectors.tags.3", [1.0, 1.5]), "names a term that", id="float-term"),
    pytest.param("lunr_index.json", ("index.vectors.title.3", [0, "1.5"]), "names a term that", id="text-score"),
    pytest.param("lunr_index.json", ("format", 1), "format 1; this version reads format 2", id="old-format"),
    pytest.param("lunr_index.json", ("topic_sets.0.0", [-5]), "topic that is not there", id="topic-number"),
    pytest.param("lunr_index.json", None, "cannot be read (Is a directory)", id="search-file-a-folder"),
    pytest.param("search_index.json", '{"config": []}', "holds no search settings", id="settings-config-a-list"),
    pytest.param("search_index.json", "[1]", "holds no search settings", id="settings-a-list"),
    pytest.param("search_index.json", ("config.papers.data", 5), "settings of an unknown shape", id="settings-data"),
]


@pytest.mark.parametrize(("name", "content", "message"), BROKEN_SITES)
def test_search_command_on_a_damaged_site_names_the_file_and_exits_2(
    real_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: Any, message: str
) -> None:
    """A search file or settings file that is damaged, hand-edited or of another version: one line
    naming the file and saying to rebuild, exit status 2 (1 means "no results"), no traceback."""
    from generator.__main__ import main

    site = tmp_path / "site"
    shutil.copytree(real_site / "site" / "search", site / "search")
    damaged = site / "search" / name
    if content is None:
        damaged.unlink()
        damaged.mkdir()
    elif isinstance(content, tuple):
        data = _damage(json.loads(damaged.read_text(encoding="utf-8")), *content)
        damaged.write_text(json.dumps(data), encoding="utf-8")
    else:
        damaged.write_text(content, encoding="utf-8")
    assert main(["search", "attention", "--site", str(site)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {damaged}: "), err
    assert message in err and "build the site again with `python -m generator build`" in err, err


def test_search_command_names_a_file_given_as_the_site(real_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.__main__ import main

    readme = real_site / "mkdocs.yml"
    assert main(["search", "attention", "--site", str(readme)]) == 2
    assert capsys.readouterr().err == f"error: {readme}: not a folder: name the built site's folder (such as site/)\n"


def test_past_the_full_text_limit_only_titles_and_topics_are_indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline

    corpus = pipeline.load_corpus([ROOT / "data" / "listings"], ROOT / "data" / "topics.yml")
    monkeypatch.setattr(search.index, "LUNR_LIMIT", len(corpus.papers) - 1)  # where build reads it
    data = json.loads(search.build(corpus))
    assert data["full_text"] is False
    index = search.SearchIndex(data)
    assert index.full_text is False
    assert all(doc["text"] == "" for doc in index.docs if doc["location"].startswith("papers/"))
    assert not any(vector for vector in data["index"]["vectors"]["text"][: len(corpus.papers)])
    assert index.search("FedKSeed") == []  # a name only the abstract holds
    assert index.search("GPTQ")[0].title.startswith("GPTQ: Accurate Post-Training Quantization")


def test_search_command_on_a_pagefind_site_uses_the_offline_index(pagefind_site: Path) -> None:
    hosted = json.loads((pagefind_site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert hosted["config"]["papers"]["engine"] == "pagefind" and hosted["docs"] == []
    result = run_generator(pagefind_site, "search", "GPTQ", "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert "searched with Pagefind in the browser; searching " in result.stderr
    assert "site-offline/search/lunr_index.js" in result.stderr
    assert (
        result.stdout.splitlines()[1]
        .strip()
        .endswith("/papers/gptq-accurate-post-training-quantization-for-generative-pre-trained-transformers/")
    )


def test_search_command_inside_a_pagefind_site(
    pagefind_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--site .`` from inside site/: the offline build beside it is ../site-offline/, not -offline/."""
    from generator.__main__ import main

    monkeypatch.chdir(pagefind_site / "site")
    assert main(["search", "GPTQ", "--limit", "1", "--site", "."]) == 0, capsys.readouterr().err
    assert f"searching {pagefind_site / 'site-offline' / 'search' / 'lunr_index.js'}" in capsys.readouterr().err


def test_a_stale_offline_copy_of_a_pagefind_site_is_named_in_the_error(
    pagefind_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.__main__ import main

    for folder in ("site", "site-offline"):
        shutil.copytree(pagefind_site / folder / "search", tmp_path / folder / "search")
    stale = tmp_path / "site-offline" / search.SITE_SETTINGS
    stale.write_text(stale.read_text(encoding="utf-8").replace('"format":2', '"format":1'), encoding="utf-8")
    assert main(["search", "GPTQ", "--site", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"error: {stale}: search data of format 1; this version reads format 2"), err


# --- Unicode: Greek letters, superscripts, fullwidth letters, accents (issue 13) ------------------------

UNICODE_QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries_unicode.yml").read_text(encoding="utf-8"))

NON_ASCII = [
    "PixArt-Σ",
    "PIXART-δ",
    "D²GS",
    "D^2GS x^{2}",
    "ＧＰＴ－４ ｆｕｌｌｗｉｄｔｈ",
    "Café naïve crème brûlée Ñandú",
    "ΣΑΣ λόγος ΛΌΓΟΣ σοφός",
    "α-Flow β—VAE γ–δ ε‐ζ θ−ι",
    "大语言模型评测 GPT模型 日本語のテキスト",
    "한국어 모델",
    "«quoted» „low“ ‹single› (ω)",
    "İstanbul ǅemal ß ẞ",
    "µP μP ﬁne-tuning ½ ™ №5",
    "x₁ x² ⁿ ⅳ ①",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 🤖robot🧪",
    "עברית ومرحبا हिन्दी",
    "e\u0301 a\u0308\u0304 i\u0307",
    "_x_ ∑ Σ ∏ √n ∞",
    "Ｓｕｂｓｃｒｉｂｅ：ＧＰＴ",
    "organisation:Λ topic:Σ year:２０２４ Σ",
]
"""Non-ASCII texts the worker and Python must fold and split alike."""

NODE_FOLD = r"""
const fs = require("fs"), vm = require("vm")
const context = { addEventListener() {}, postMessage() {}, console }
const [lunrFile, workerFile] = process.argv.slice(-2)
vm.createContext(context)
vm.runInContext(fs.readFileSync(lunrFile, "utf8"), context)
vm.runInContext(fs.readFileSync(workerFile, "utf8"), context)
context.input = JSON.parse(fs.readFileSync(0, "utf8"))
process.stdout.write(JSON.stringify(vm.runInContext(`({
  folded: input.texts.map(fold),
  words: input.texts.map(words),
  parsed: input.texts.map(t => parse(t, input.settings)),
  stems: input.texts.map(t => words(t).map(stem)),
  plans: input.texts.map(t => plan(parse(t, input.settings).words, () => false, input.settings)),
  dashes: DASHES,
})`, context)))
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_worker_folds_and_splits_non_ascii_text_as_python_does() -> None:
    """Greek, superscripts, fullwidth letters, accents, CJK, dashes, astral letters: the worker's
    ``fold``, words, stems and clauses under Node.js are Python's."""
    texts = NON_ASCII + [q["query"] for q in UNICODE_QUERIES]
    result = subprocess.run(
        [
            "node",
            "-e",
            NODE_FOLD,
            str(ROOT / "node_modules" / "lunr" / "lunr.js"),
            str(ROOT / "generator" / "search" / "worker.js"),
        ],
        input=json.dumps({"texts": texts, "settings": search.QUERY}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    js = json.loads(result.stdout)
    assert js["dashes"] == search.DASHES
    assert js["folded"] == [search.fold(t) for t in texts]
    assert js["words"] == [search.words(t) for t in texts]
    assert js["parsed"] == [
        {"words": list(p.words), "filters": [list(f) for f in p.filters]} for p in map(search.parse, texts)
    ]
    assert js["stems"] == [[search.stem(w) for w in search.words(t)] for t in texts]
    assert js["plans"] == [search.plan(search.parse(t).words, lambda _: False) for t in texts]


FOLDED = [
    # (text, its words: what the index holds and a query asks)
    ("PixArt-Σ", ["pixart", "σ"]),
    ("D²GS", ["d2gs"]),
    ("D^2GS", ["d2gs"]),
    ("ＧＰＴ－４", ["gpt", "4"]),
    ("Café naïve", ["cafe", "naive"]),
    ("ΛΌΓΟΣ λόγος", ["λογοσ", "λογοσ"]),
    ("α-Flow β—VAE θ−ι", ["α", "flow", "β", "vae", "θ", "ι"]),
    ("大语言模型评测: GPT模型", ["大语言模型评测", "gpt模型"]),
    ("«quoted» (ω)", ["quoted", "ω"]),
    ("µP", ["μp"]),
    ("ﬁne-tuning", ["fine", "tuning"]),
    ("🤖robot🧪", ["robot"]),
    ("pruning's x_y", ["pruning's", "x_y"]),
]


@pytest.mark.parametrize(("text", "expected"), FOLDED, ids=[t for t, _ in FOLDED])
def test_words_fold_compatibility_forms_accents_and_case(text: str, expected: list[str]) -> None:
    assert search.words(text) == expected


def test_compatibility_words_are_the_words_folding_changes() -> None:
    assert search.compatibility_words("D²GS and ＧＰＴ: a café for PixArt-Σ") == ["cafe", "d2gs", "gpt"]
    assert search.compatibility_words("Plain ASCII title: GPTQ, 4-bit") == []
    assert search.compatibility_words("x^2 scaling") == ["x2"]
    assert search.compatibility_words("Quantisation") == ["quantization"]  # the query "quantisation" asks this


@pytest.fixture(scope="module")
def unicode_index(unicode_site: Path) -> search.SearchIndex:
    return search.open_site(unicode_site / "site").index


def test_unicode_queries_rank_their_paper_first(unicode_index: search.SearchIndex) -> None:
    """`Σ` finds PixArt-Σ, `PixArt-Σ` ranks it above PIXART-δ, `D2GS` finds D²GS, `ＧＰＴ` finds GPT..."""
    kinds = {q["kind"] for q in UNICODE_QUERIES}
    assert {"greek", "superscript", "fullwidth", "accent", "cjk", "dash"} <= kinds
    missed = []
    for q in UNICODE_QUERIES:
        titles = [hit.title for hit in unicode_index.search(q["query"])]
        if titles[:1] != [q["title"]]:
            missed.append(f"{q['query']!r} ({q['kind']}): first {titles[:2]}")
    assert not missed, "expected papers not first:\n" + "\n".join(missed)


def test_search_command_finds_superscripts_and_greek(unicode_site: Path) -> None:
    for query, title in [
        ("D2GS", "D²GS: Dense Depth"),
        ("Σ", "PixArt-Σ: Weak-to-Strong"),
        ("ＧＰＴ", "ＧＰＴ Prompts"),
    ]:
        result = run_generator(unicode_site, "search", query, "--limit", "1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0].startswith(f" 1. {title}"), (query, result.stdout)


def _run_worker(opened: search.SiteSearch, settings: dict[str, Any], queries: list[str]) -> dict[str, Any]:
    """What the browser worker (under Node.js, with lunr from node_modules) answers to each query."""
    probe = ROOT / "node_modules" / "lunr" / "lunr.js", ROOT / "generator" / "search" / "worker.js"
    result = subprocess.run(
        ["node", "-e", NODE_ENGINE, *map(str, probe), str(opened.source)],
        input=json.dumps({"settings": settings, "queries": queries}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_browser_worker_ranks_unicode_queries_as_python_does(unicode_site: Path) -> None:
    site = unicode_site / "site"
    settings = json.loads((site / search.SITE_SETTINGS).read_text(encoding="utf-8"))["config"]["papers"]
    opened = search.open_site(site)
    queries = [q["query"] for q in UNICODE_QUERIES]
    answers = _run_worker(opened, settings, queries)["answers"]
    for query, (papers, answer) in zip(queries, answers, strict=True):
        hits = opened.index.search(query)
        assert [a[0] for a in answer] == [h.location for h in hits], query
        assert papers == search.papers_found(hits), query
        assert all(abs(a[1] - h.score) <= 1e-9 * max(1.0, h.score) for a, h in zip(answer, hits, strict=True)), query


def test_pagefind_pages_hold_the_folded_words_hidden(unicode_pagefind_site: Path, tmp_path: Path) -> None:
    """Pagefind tokenises pages itself: a paper page's indexed article holds the words folding changes."""
    data = json.loads((unicode_pagefind_site / "docs" / search.INDEX_FILE).read_text(encoding="utf-8"))
    assert data["engine"] == "pagefind" and data["compat"]
    pagefind_index.pages_for(unicode_pagefind_site / "docs", tmp_path, unicode_pagefind_site, "mkdocs.yml")
    (page,) = (tmp_path / "papers").glob("d2gs*/index.html")
    article = page.read_text(encoding="utf-8").split("data-pagefind-body>", 1)[1]
    hidden = article.split("</article>", 1)[0].split("<div hidden>", 1)[1].split("</div>", 1)[0]
    assert "d2gs" in hidden.split() and "regularization" in hidden.split(), hidden
    settings = json.loads((unicode_pagefind_site / "site" / search.SITE_SETTINGS).read_text(encoding="utf-8"))
    assert "compat" not in settings["config"]["papers"]


def test_the_search_command_loads_no_stage_of_the_build() -> None:
    """`generator search` answers without importing the build's stages (scikit-learn, scipy, Jinja):
    start-up was most of its time."""
    code = "import sys; from generator.__main__ import main; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "generator" in loaded
    for heavy in ("sklearn", "scipy", "jinja2", "pylatexenc"):
        assert f"'{heavy}'" not in loaded, heavy
