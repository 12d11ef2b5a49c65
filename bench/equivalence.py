"""Proof that the speed-ups change no output: today's stage functions against the ones before them.

    python -m bench equivalence --papers 0 2000 10000     # 0: the bundled listings

The modules the speed work touched (clean, topics, mentions, render) are loaded as they were at
``REFERENCE`` (the commit before it, read with ``git show``) beside today's, and both are run:

- on each corpus: ``clean_entry``, ``assign_topics``, ``find_mentions`` and ``render_site`` (every
  generated file, byte for byte, with today's templates for both);
- on random inputs built to hit the edge cases of each shortcut: keyword phrases and texts (ASCII
  and not, hyphens, prefixes, case), front matter (YAML keys and values that need quoting, Unicode
  libyaml quotes differently, aliases), the JSON export, abstracts for the mention finder, text for
  the clean-up.

Related papers changed their output on purpose (links.py stopped comparing every pair, then
ranking.py replaced the ranking): ``python -m bench related-quality`` measures them against labels.

Any difference is printed and the command exits 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from generator import clean, ids, mentions, read, topics
from generator.dedupe import dedupe
from generator.emit import formats, render
from generator.emit.escape import markdown_text
from generator.ids import identity_key, slugify
from generator.model import Paper, Source

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "9657a32"
"""The last commit before the speed work (none of the modules compared changed between it and the work)."""


MOVED = {
    "render": "emit.render",
    "text": "emit.escape",
    "lists": "emit.lists",
    "facts": "emit.facts",
    "previews": "emit.previews",
    "reading": "emit.reading",
    "cite": "emit.cite",
    "svg": "emit.charts",
    "formats": "emit.formats",
}
"""Modules compared or imported by the ones compared that moved into ``generator/emit/``: their
name before, their name now. A reference may come from before the move or after it."""


class NotThere(LookupError):
    """The module is at neither of its places at the reference commit."""


def reference(name: str, commit: str = REFERENCE) -> ModuleType:
    """``generator.<name>`` as it was at ``commit`` (``name``: its name before the emit package)."""
    now = MOVED.get(name, name)
    for dotted in dict.fromkeys((now, name)):
        shown = subprocess.run(
            ["git", "show", f"{commit}:generator/{dotted.replace('.', '/')}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if shown.returncode == 0:
            break
    else:
        raise NotThere(f"generator/{name}.py is not at {commit}: {shown.stderr.strip()}")
    package = "generator" + "".join(f".{part}" for part in dotted.split(".")[:-1])
    if package == "generator":
        # A copy from before the emit package imports its siblings from where they were: today's,
        # where they are now.
        for before, after in MOVED.items():
            sys.modules.setdefault(f"generator.{before}", importlib.import_module(f"generator.{after}"))
    folder = Path(tempfile.mkdtemp(prefix="bench-reference-"))
    path = folder / f"{name}.py"
    path.write_text(shown.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"{package}._reference_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if name == "render":
        module.TEMPLATES = render.TEMPLATES  # type: ignore[attr-defined]
    return module


class Checker:
    def __init__(self) -> None:
        self.failures = 0

    def same(self, what: str, now: Any, before: Any, seconds: tuple[float, float] | None = None) -> None:
        timing = f" ({seconds[1]:.2f} s before, {seconds[0]:.2f} s now)" if seconds else ""
        if now == before:
            print(f"  same: {what}{timing}")
        else:
            self.failures += 1
            print(f"  DIFFERENT: {what}{timing}")


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def check_corpus(listings: Path, old: dict[str, ModuleType], check: Checker) -> None:
    print(f"{listings}:")
    entries = read.read_paths([listings]).entries
    (cleaned, t_now), (cleaned_before, t_before) = (
        timed(lambda: [clean.clean_entry(e) for e in entries]),
        timed(lambda: [old["clean"].clean_entry(e) for e in entries]),
    )
    check.same("clean_entry", cleaned, cleaned_before, (t_now, t_before))
    papers = dedupe(cleaned)
    taxonomy = topics.load_taxonomy(ROOT / "data" / "topics.yml")
    (assigned, t_now), (assigned_before, t_before) = (
        timed(topics.assign_topics, papers, taxonomy),
        timed(old["topics"].assign_topics, papers, taxonomy),
    )
    check.same("assign_topics", assigned, assigned_before, (t_now, t_before))
    (found, t_now), (found_before, t_before) = (
        timed(mentions.find_mentions, papers),
        timed(old["mentions"].find_mentions, papers),
    )
    check.same("find_mentions", found, found_before, (t_now, t_before))
    from generator import pipeline

    corpus = pipeline.load_corpus([listings], ROOT / "data" / "topics.yml")
    (files, t_now), (files_before, t_before) = (
        timed(render.render_site, corpus),
        timed(old["render"].render_site, corpus),
    )
    differ = sorted(k for k in set(files) | set(files_before) if files.get(k) != files_before.get(k))
    check.same(f"render_site ({len(files)} files)", differ, [], (t_now, t_before))
    if differ:
        print(f"    e.g. {differ[:5]}")


def fuzz_topics(old: ModuleType, check: Checker, rng: random.Random) -> None:
    taxonomy = topics.load_taxonomy(ROOT / "data" / "topics.yml")
    phrases = sorted({p for t in taxonomy.topics for p in (*t.keywords, *t.title_keywords, *t.exclude)})
    phrases += ["pre- training", "a-", "x y*", "ab-*", "-", "a_b c", "4-bit*", "ab ab*", "e.g.", "-based", "C++",
                "4-bit", "a b", "x*", "A-b*", "straße", "Kelvin", "k", "s", "İstanbul", "ﬁne", "(x)", "a.b*",
                "mo-e", "x_y", "ab ab", "--", "_a"]  # fmt: skip
    atoms = [w for p in phrases for w in p.rstrip("*").split()]
    atoms += ["İ", "ı", "K", "ſ", "ß", "SS", "é", "É", "x", "-", "_", "0", "ab", "AB", "Ab", "tion", "ed", "s"]
    separators = [" ", "  ", "-", "--", " - ", "", ".", ",", "(", ")", "\t", "'", "/", "_", "é", "\u00a0"]

    def text(ascii_only: bool) -> str:
        words = []
        for _ in range(rng.randint(0, 40)):
            word = rng.choice(atoms)
            word = word.upper() if rng.random() < 0.2 else word.capitalize() if rng.random() < 0.1 else word
            words.append(word + rng.choice(separators))
        joined = "".join(words)
        return joined.encode("ascii", "ignore").decode() if ascii_only else joined

    for ascii_only in (True, False):
        texts = [text(ascii_only) for _ in range(2000)]
        index = topics._Texts(texts)
        differ = 0
        for phrase in phrases:
            compiled = old._Phrase.compile(phrase)
            want = {i: n for i, t in enumerate(texts) if (n := compiled.count(t, t.casefold()))}
            differ += index.counts(topics._Phrase.compile(phrase)) != want
        check.same(f"keyword counts, {len(phrases)} phrases × 2,000 {'ASCII ' if ascii_only else ''}texts", differ, 0)


_YAML_SPECIAL = ["-", "? ", ": ", ":", ",", "[", "]", "{", "}", "#", " #", "&", "*", "!", "|", ">", "'", '"', "%",
                 "@", "`", " ", "  ", "~", "null", "Null", "yes", "No", "off", "on", "y", "1e3", "0x1f", "0o7",
                 "2025-01-01", "2025-01-01T10:00:00Z", "1:20", "1_000", "+1", ".5", ".inf", "-.INF", ".NaN", "=",
                 "<<", "---", "...", "\u00a0", "\ufeff", "é", "中", "\u2028", "\r", "\x85", "😀", "\t", "\n", "\\"]  # fmt: skip


def fuzz_front_matter(old: ModuleType, check: Checker, rng: random.Random) -> None:
    keys = ["title", "description", "template", "tags", "search", "paper", "slug", "related", "on", "off", "",
            " k", "a: b", "#x", "-", "é", "x" * 120, "1", "true"]  # fmt: skip

    def string() -> str:
        return "".join(
            rng.choice(_YAML_SPECIAL) if rng.random() < 0.4 else chr(rng.randint(0x20, 0x7E))
            for _ in range(rng.choice([0, 1, 2, 3, 8, 30, 200]))
        )

    def scalar() -> Any:
        if rng.random() < 0.6:
            return string()
        return rng.choice([None, True, False, 0, 1, -3, 10**20, 0.5, 1e17, -1e-7, 1.0, math.inf, math.nan, (1,)])

    def mapping(depth: int) -> dict[str, Any]:
        return {
            rng.choice(keys) if rng.random() < 0.8 else string(): value(depth + 1) for _ in range(rng.randint(0, 5))
        }

    def value(depth: int) -> Any:
        r = rng.random()
        if depth < 4 and r < 0.2:
            return mapping(depth)
        if depth < 4 and r < 0.4:
            return [mapping(depth + 1) if rng.random() < 0.5 else scalar() for _ in range(rng.randint(0, 4))]
        return scalar()

    def outcome(function: Any, data: Any) -> Any:
        try:
            return function(data)
        except Exception as error:  # the same kind of error is the same outcome
            return type(error)

    differ = 0
    for _ in range(20_000):
        data = mapping(0)
        if rng.random() < 0.1:
            shared = [string()]
            data["alias_a"], data["alias_b"] = shared, shared
        differ += outcome(formats.front_matter, data) != outcome(old.front_matter, data)
    check.same("front matter of 20,000 random documents", differ, 0)
    records = [value(0) for _ in range(20_000)]
    differ = sum(
        outcome(formats.json_text, r) != outcome(lambda x: json.dumps(x, ensure_ascii=False, indent=1), r)
        for r in records
    )
    check.same("JSON of 20,000 random values", differ, 0)


def all_characters(check: Checker) -> None:
    """Every BMP character in a few places of a key and a value: where libyaml and PyYAML's Python
    emitter disagree, formats' ``_FAST_SAFE`` must leave the character to the Python emitter."""
    import yaml

    options = dict(formats._YAML_OPTIONS)
    unsafe_but_allowed = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        for template in ("a{}b", "{}", "{}x", "x{}", "a {} b", "- {}", "{} :", "'{}'", "{}{}"):
            text = template.replace("{}", char)
            data = {"t": text, "l": [text], text: 1}
            python = yaml.dump(data, Dumper=yaml.SafeDumper, **options)
            if yaml.dump(data, Dumper=yaml.CSafeDumper, **options) != python and formats._FAST_SAFE.fullmatch(text):
                unsafe_but_allowed.append(hex(code))
                break
    check.same("BMP characters libyaml writes differently, left to PyYAML", unsafe_but_allowed, [])


def fuzz_mentions(old: ModuleType, check: Checker, rng: random.Random) -> None:
    titles = ["GPTQ: Accurate Post-Training Quantization", "OPT: Open Pre-trained Transformer Language Models",
              "LLM-Pruner: On the Structural Pruning", "Branch-Train-Merge: Embarrassingly Parallel Training",
              "Primer: Searching for Efficient Transformers", "Sigma: Differential Rescaling", "SCALE: Scaling up",
              "Yi: Open Foundation Models", "TART: A plug-and-play module", "Lizard: An Efficient Framework",
              "FTP: A Fine-grained Token-wise Pruner", "Beyond Size: How Gradients Shape Pruning",
              "Mamba Retriever: Utilizing Mamba", "Code T5: x", "OPT: a second claim"]  # fmt: skip
    words = ["GPTQ", "OPT", "OPT-175B", "opt", "LLM-Pruner", "Branch-Train-Merge", "BTM", "Primer", "Sigma", "Yi",
             "Yi-34B", "TART", "Lizard", "FTP", "Beyond", "Size", "Mamba", "Retriever", "Code", "T5", "such", "as",
             "models", "model", "like", "we", "propose", "We", "introduce", "Future", "Token", "Prediction", "(FTP)",
             "(BTM)", "the", "a", "and", ",", ".", ";", ":", "(", ")", "e.g.", "vs.", "Mamba-base", "GPTQ-large",
             "OPT.", "Yi,", "“Sigma”", "LLaMA", "\u00a0", "Sigma\u2003model"]  # fmt: skip

    def paper(title: str, abstract: str) -> Paper:
        return Paper(slugify(title), identity_key(title), title, abstract, (Source("a", 1),))

    differ = 0
    for _ in range(3000):
        corpus = [paper(t, " ".join(rng.choice(words) for _ in range(rng.randint(0, 30))))
                  for t in rng.sample(titles, rng.randint(2, len(titles)))]  # fmt: skip
        corpus += [
            paper(f"Citing {n}", "".join(rng.choice(words) + rng.choice(["", " ", ",", ".", "-", "\t"])
                                         for _ in range(rng.randint(0, 60))))
            for n in range(5)
        ]  # fmt: skip
        differ += mentions.find_mentions(corpus) != old.find_mentions(corpus)
    check.same("mentions in 3,000 random corpora", differ, 0)


def fuzz_clean(old: ModuleType, check: Checker, rng: random.Random) -> None:
    atoms = ["a", "B", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff", "\u00ad",
             "http://x.org/a", "https://github.com/a/b).", "www.ex.com", "WWW.EX.COM,", "wWw.x.y", "HTTP://A.B",
             "://", "www", ".", "$x$", "\\alpha", "\\emph{a b}", "{x}", "é", "e\u0301", "ſ", "x"]  # fmt: skip
    differ = 0
    for _ in range(50_000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 25)))
        differ += clean.clean_text(text) != old.clean_text(text) or clean.extract_links(text) != old.extract_links(text)
    check.same("clean-up of 50,000 random texts", differ, 0)


def fuzz_text(old_text: ModuleType, old_ids: ModuleType, check: Checker, rng: random.Random) -> None:
    characters = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    differ = sum(markdown_text(c) != old_text.markdown_text(c) for c in characters)
    check.same(f"markdown_text of every BMP character ({len(characters):,})", differ, 0)
    atoms = [*"\\`*_{}[]()#+-.!|~^=:$<>&\"' ", "a", "Ab", "x1", "é", "e\u0301", "ß", "İ", "Ω", "ﬁ", "中文", "\u00a0",
             "\t", "\n", "&amp;", "1.5", "GPT-4", "A+B", "α-β", "index", "Ｆｕｌｌ", "x" * 50]  # fmt: skip
    differ = 0
    for _ in range(20_000):
        sample = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 20)))
        differ += markdown_text(sample) != old_text.markdown_text(sample)
        differ += ids.slugify(sample) != old_ids.slugify(sample) or ids.identity_key(sample) != old_ids.identity_key(
            sample
        )
    check.same("markdown_text and slugify of 20,000 random texts", differ, 0)


def main(args: argparse.Namespace) -> int:
    from .__main__ import ensure_corpus

    names = ("clean", "topics", "mentions", "render", "text", "ids")
    old = {name: reference(name, args.reference) for name in names}
    try:
        old["formats"] = reference("formats", args.reference)
    except NotThere:  # before generator/emit/formats.py, render.py wrote front matter and JSON
        old["formats"] = old["render"]
    check = Checker()
    for n in args.papers:
        check_corpus(ROOT / "data" / "listings" if n == 0 else ensure_corpus(args.out, n, args.seed), old, check)
    if not args.no_fuzz:
        print("random inputs:")
        rng = random.Random(args.seed)
        fuzz_topics(old["topics"], check, rng)
        fuzz_front_matter(old["formats"], check, rng)
        fuzz_mentions(old["mentions"], check, rng)
        fuzz_clean(old["clean"], check, rng)
        fuzz_text(old["text"], old["ids"], check, rng)
    if args.all_characters:
        all_characters(check)
    print("no difference" if not check.failures else f"{check.failures} DIFFERENCES")
    return 1 if check.failures else 0
