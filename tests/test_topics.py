"""Topics (generator/topics.py) and related links a researcher can trust, measured against hand labels;
taxonomy errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import TaxonomyError
from generator.model import with_broader
from generator.topics import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    return pipeline.load_corpus([ROOT / "data" / "listings"], ROOT / "data" / "topics.yml")


def test_labelled_papers_hold_the_measured_figures(corpus):
    """The figures of the About page (bench/RESULTS.md has the table): a regression of the method shows here."""
    (quality,) = corpus.quality
    assert quality.papers == 96
    assert quality.precision >= 0.95, quality
    assert quality.recall >= 0.55, quality
    assert quality.held_out_recall is not None and quality.held_out_precision is not None
    assert quality.held_out_recall >= 0.40 and quality.held_out_precision >= 0.52, quality
    assert quality.related_recall >= 0.40 and quality.related_precision >= 0.52, quality


def test_every_paper_has_one_to_three_topics_and_topic_sizes_are_sane(corpus):
    assert all(1 <= len(t) <= 3 for t in corpus.paper_topics.values())
    sizes = Counter(t for ts in corpus.paper_topics.values() for t in ts)
    assert max(sizes.values()) <= 0.30 * len(corpus.papers), sizes.most_common(3)
    fallback_only = sum(topics == (corpus.fallback,) for topics in corpus.paper_topics.values())
    assert fallback_only <= 0.08 * len(corpus.papers)


def test_relevance_ranks_each_papers_family_topics_as_its_topics_are_ordered(corpus):
    """Topic pages list papers by ``corpus.relevance``: every paper has a value for each topic of its
    family (its topics and their broader ones), and its own topics, most relevant first, are in the
    order the paper shows them (one rank orders both)."""
    topics = {t.slug: t for t in corpus.topics}
    index = {t.slug: i for i, t in enumerate(corpus.topics)}
    for paper in corpus.papers:
        own = corpus.paper_topics[paper.slug]
        values = corpus.relevance[paper.slug]
        assert set(values) == {t.slug for t in with_broader([topics[s] for s in own], topics)}
        assert list(own) == sorted(own, key=lambda s: (-values[s], index[s])), paper.slug
    # Not one value for all: relevance tells papers apart within a topic.
    assert len({v for values in corpus.relevance.values() for v in values.values()}) > len(corpus.papers) / 2


def test_nearly_every_paper_shows_five_related_papers_with_reasons(corpus):
    assert sum(len(r) == 5 for r in corpus.related.values()) >= 0.97 * len(corpus.papers)
    for slug, relations in corpus.related.items():
        assert relations, slug
        scores = [r.score for r in relations]
        assert scores == sorted(scores, reverse=True), slug  # the order is the order of what decides it
        for relation in relations:
            assert not any("b-61j" in t or "github" in t or "pages" in t for t in relation.terms), relation


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("fallback: A\ntopics:\n  - name: A\n    description: x\n  - name: [oops\n", 5, "invalid YAML"),
        ("fallback: A\ntopics:\n  - name: A\n    description: x\n  - name: a\n    description: y\n", 5, "duplicates"),
        ("fallback: A\ntopics:\n  - name: A\n    description: x\n    keywords: quantiz*\n", 3, "list of phrases"),
        ("fallback: A\ntopics:\n  - name: A\n    description: x\n    keyword: [a]\n", 3, "unknown key"),
        ("fallback: A\ntopics:\n  - name: A\n", 3, "description"),
        ("fallback: B\ntopics:\n  - name: A\n    description: x\n", 1, "'fallback' must name a topic"),
    ],
)
def test_taxonomy_errors_name_line_and_topic(tmp_path, text, line, message):
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(write(tmp_path, text))
    assert caught.value.line == line and message in str(caught.value)
    assert str(caught.value).startswith(f"{(tmp_path / 'topics.yml').as_posix()}:{line}: ")


def test_title_keywords_count_only_in_titles(tmp_path):
    from generator.ids import identity_key, slugify
    from generator.model import Paper, Source
    from generator.topics import assign_topics

    taxonomy = load_taxonomy(
        write(
            tmp_path,
            "fallback: Other\ntopics:\n  - name: Evaluation\n    description: x\n    title_keywords: [benchmark]\n"
            "  - name: Other\n    description: y\n",
        )
    )

    def paper(title: str, abstract: str) -> Paper:
        return Paper(slugify(title), identity_key(title), title, abstract, (Source("a", 1),))

    papers = [
        paper("A New Benchmark", "Nothing."),
        paper("A Method", "We test on a benchmark, a benchmark."),
        paper("A New Benchmark of Models", "We score models against the tasks, with a judge."),
    ]
    topics = assign_topics(papers, taxonomy)
    assert topics[papers[1].slug] == ("other",)
    # A lone title word, with nothing in the abstract to support it, decides no topic.
    assert topics[papers[0].slug] == ("other",)


def small_taxonomy(tmp_path):
    return load_taxonomy(
        write(
            tmp_path,
            "fallback: Other\ntopics:\n"
            "  - name: Distillation\n    description: Students imitating teachers.\n    keywords: [distill*, teacher]\n"
            "  - name: Long context\n    description: Long inputs.\n    keywords: [long context, extrapolat*]\n"
            "  - name: Retrieval\n    description: Finding documents.\n    keywords: [retrieval, retriever]\n"
            "  - name: Other\n    description: Anything else.\n",
        )
    )


def make_paper(title: str, abstract: str):
    from generator.ids import identity_key, slugify
    from generator.model import Paper, Source

    return Paper(slugify(title), identity_key(title), title, abstract, (Source("a", 1),))


def test_keywords_match_inside_hyphenated_compounds(tmp_path):
    from generator.topics import assign_topics

    paper = make_paper(
        "Self-Distillation Helps", "We apply self-distillation with a teacher-free self-distilled student."
    )
    assert assign_topics([paper], small_taxonomy(tmp_path))[paper.slug] == ("distillation",)


def test_the_only_paper_the_keywords_give_a_topic_does_not_confirm_itself(tmp_path):
    """A paper's closeness to a topic leaves its own vector out of the topic's profile, also when it
    is the only paper the keywords clearly give the topic: then it is compared with the topic's own
    words, as clear papers of larger topics are with theirs. Close to itself, a keyword with a second
    meaning ("navigation" in a paper on decoding) confirmed the topic alone. In a collection where no
    topic has 3 clear papers there is nothing to compare with, and the keywords decide."""
    import numpy as np
    from scipy import sparse

    from generator.topics import Evidence, closeness

    taxonomy = small_taxonomy(tmp_path)
    slugs = [t.slug for t in taxonomy.topics]
    distillation, retrieval = slugs.index("distillation"), slugs.index("retrieval")
    words = np.eye(5, dtype=np.float32)
    # Papers 0 (the only clear paper of Distillation), 1 (in Distillation's words), 2-4 (clear
    # Retrieval papers, in Retrieval's words and some of their own).
    vectors = sparse.csr_matrix(np.array([words[0], words[1], words[2], words[2] + words[3], words[2] + words[4]]))
    vectors = sparse.csr_matrix(vectors.multiply(1 / np.sqrt(vectors.multiply(vectors).sum(axis=1))))

    def describe(texts):
        return sparse.csr_matrix(np.array([words[2] if "retriev" in t else words[1] for t in texts]))

    scores = np.zeros((5, len(slugs)), dtype=np.float32)
    scores[0, distillation] = 10.0
    scores[2:, retrieval] = 10.0
    close = closeness(Evidence(tuple("abcde"), scores), vectors, describe, taxonomy)
    assert close[0, distillation] == 0.0  # nothing but itself made it close
    assert close[1, distillation] > 0.5  # the paper written in the topic's words is close

    # A topic whose own words the collection never uses says nothing either: the keywords decide.
    def wordless(texts):
        return sparse.csr_matrix(np.array([words[2] if "retriev" in t else 0 * words[1] for t in texts]))

    close = closeness(Evidence(tuple("abcde"), scores), vectors, wordless, taxonomy)
    assert close[0, distillation] == 1.0

    scores[2:, retrieval] = 0.0
    close = closeness(Evidence(tuple("abcde"), scores), vectors, describe, taxonomy)
    assert close[0, distillation] == 1.0


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        ("Extrapolating Music Trends", "We forecast which songs chart next year from listening data."),
        ("Music Information Retrieval with Transformers", "We tag songs by genre and mood from audio clips."),
    ],
)
def test_a_lone_title_word_decides_no_topic(tmp_path, title, abstract):
    from generator.topics import assign_topics

    paper = make_paper(title, abstract)
    assert assign_topics([paper], small_taxonomy(tmp_path))[paper.slug] == ("other",)


@pytest.mark.parametrize(
    ("title", "abstract", "wanted", "unwanted"),
    [
        (
            "Injecting a Structural Inductive Bias into a Seq2Seq Model",
            "Strong inductive biases help generalization. We inject an inductive bias for syntax into a "
            "sequence-to-sequence model; structural biases improve compositional generalization.",
            None,
            "alignment-and-safety",
        ),
        (
            "Gender Bias in Language Models",
            "We measure gender bias and social biases in language models, find stereotypes in their "
            "outputs and propose a debiasing method that keeps fairness without hurting accuracy.",
            "alignment-and-safety",
            None,
        ),
        (
            "A Dataset for Named Entity Recognition",
            "Named entity recognition is evaluated on small sets. We build a large dataset for entity "
            "recognition and retrieval of entities, and study recognition of rare entity types.",
            "information-extraction",
            "visual-understanding",
        ),
        (
            "Autoregressive Visual Generation in Random Orders",
            "We generate images token by token in random orders. The image generation model produces "
            "visual tokens of an image and edits images; on text-to-image generation it beats diffusion "
            "models in visual quality.",
            "image-and-video-generation",
            "visual-understanding",
        ),
    ],
)
def test_words_with_a_second_meaning_decide_no_topic(title, abstract, wanted, unwanted):
    """A word that belongs to a topic only in one of its senses ("bias", "recognition", "image") is no
    evidence alone: "inductive bias" is not fairness, "entity recognition" is not vision, generating
    images is not understanding them."""
    from generator.topics import assign_topics

    paper = make_paper(title, abstract)
    topics = assign_topics([paper], load_taxonomy(ROOT / "data" / "topics.yml"))[paper.slug]
    assert wanted is None or wanted in topics, topics
    assert unwanted not in topics, topics


def test_topic_kinds_are_checked(tmp_path):
    with pytest.raises(TaxonomyError, match="'kind' must be one of"):
        load_taxonomy(write(tmp_path, "fallback: A\ntopics:\n  - name: A\n    description: x\n    kind: tag\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fallback: A\ntopics:\n  - name: "A <b>"\n    description: x\n', "may not contain"),
        (
            "fallback: A\ntopics:\n  - name: A\n    description: x\n    children:\n      - name: B\n"
            "        description: y\n        children:\n          - name: C\n            description: z\n",
            "two levels deep",
        ),
    ],
)
def test_topic_names_stay_plain_text_and_shallow(tmp_path, text, message):
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(write(tmp_path, text))


EDGE_PHRASES = ["pre- training", "a-", "x y*", "ab-*", "-", "a_b c", "4-bit*", "ab ab*", "e.g.", "-based", "C++",
                "4-bit", "a b", "x*", "A-b*", "straße", "Kelvin", "k", "s", "(x)", "a.b*", "mo-e", "x_y", "ab ab",
                "--", "_a", "model", "Model", "language model*", "in context learning", "a b-c d"]  # fmt: skip


@pytest.mark.parametrize("characters", ["ascii", "symbols", "any"])
def test_keyword_counts_from_the_index_are_the_phrase_regex_counts(characters):
    """The index of word runs (relevant runs only, counts of one-word phrases without a regex) counts
    exactly the matches of the phrase's own pattern, on texts full of hyphens, case and punctuation:
    ASCII, ASCII with symbols from elsewhere (indexed as ASCII), any (letters from elsewhere too)."""
    import random

    from generator.topics import _Phrase, _Texts

    taxonomy = load_taxonomy(ROOT / "data" / "topics.yml")
    phrases = sorted({p for t in taxonomy.topics for p in (*t.keywords, *t.title_keywords, *t.exclude)})
    phrases += EDGE_PHRASES
    atoms = [w for p in phrases for w in p.rstrip("*").split()] + ["É", "é", "ſ", "K", "x", "-", "_", "0", "AB", "s"]
    separators = [" ", "  ", "-", "--", " - ", "", ".", ",", "(", ")", "\t", "/", "_", "é", "\u00a0"]
    separators += ["×", "“", "”", "—", "\u2009", "°", "≤", "²"]
    rng = random.Random(7)

    def text() -> str:
        words = []
        for _ in range(rng.randint(0, 40)):
            word = rng.choice(atoms)
            word = word.upper() if rng.random() < 0.2 else word.capitalize() if rng.random() < 0.1 else word
            words.append(word + rng.choice(separators))
        joined = "".join(words)
        if characters == "ascii":
            return joined.encode("ascii", "ignore").decode()
        return "".join(c for c in joined if c.isascii() or not c.isalnum()) if characters == "symbols" else joined

    texts = [text() for _ in range(600)]
    compiled = [_Phrase.compile(p) for p in phrases]
    for index in (_Texts(texts, compiled), _Texts(texts)):
        for phrase, source in zip(compiled, phrases, strict=True):
            want = {i: n for i, t in enumerate(texts) if (n := len(phrase.pattern.findall(t)))}
            assert index.counts(phrase) == want, source
