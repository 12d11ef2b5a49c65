"""The figures against hand labels (generator/quality.py): tag and related scores on small corpora
worked out by hand, the labels file's errors, and the held-out folds of the related figures."""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator import quality, ranking
from generator.errors import TaxonomyError, UserError
from generator.model import Corpus, Related, Slug, Topic
from generator.quality import (
    Label,
    held_out,
    labels_beside,
    load_labels,
    measure,
    measure_all,
    related_scores,
    tag_scores,
)
from tests.conftest import FIXTURES, copy_project, run_generator


def topic(slug: str, parent: str | None = None) -> Topic:
    return Topic(Slug(slug), slug.title(), "", Slug(parent) if parent else None, ())


# ml is broader than llm; other is the fallback.
TOPICS = (topic("ml"), topic("llm", "ml"), topic("vision"), topic("other"))


def label(
    strong: tuple[str, ...] = (),
    acceptable: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    topics_ok: tuple[str, ...] = (),
) -> Label:
    return Label(
        strong=tuple(map(Slug, strong)),
        acceptable=tuple(map(Slug, acceptable)),
        topics=tuple(map(Slug, topics)),
        topics_ok=tuple(map(Slug, topics_ok)),
    )


def corpus(paper_topics: dict[str, tuple[str, ...]], fallback: str | None = "other") -> Corpus:
    return Corpus(
        papers=(),
        topics=TOPICS,
        paper_topics={Slug(p): tuple(map(Slug, ts)) for p, ts in paper_topics.items()},
        related={},
        fallback=Slug(fallback) if fallback else None,
    )


# --- tag_scores ----------------------------------------------------------------------------------

SHOWN = {"a": ("llm",), "b": ("vision",), "c": ("other",), "e": ("ml",)}
LABELS = {
    "a": label(topics=("llm",)),  # shown llm (+ ml): both central → 2 of 2 right, 2 of 2 central found
    "b": label(topics=("llm",)),  # shown vision: wrong; llm and ml missed → 0 of 1 right, 0 of 2 found
    "c": label(topics=("vision",)),  # shown the fallback: never wrong; vision missed → 1 of 1, 0 of 1
    "d": label(topics=("vision",)),  # not in the corpus: not counted
    "e": label(topics_ok=("llm",)),  # no central topic; ml (llm's broader) acceptable → 1 of 1, 0 of 0
}


def test_tag_scores_count_broader_topics_and_never_the_fallback_as_wrong() -> None:
    labels = {Slug(s): lab for s, lab in LABELS.items()}
    precision, recall = tag_scores(corpus(SHOWN), labels)
    assert precision == pytest.approx(4 / 5)  # (2 + 0 + 1 + 1) right of (2 + 1 + 1 + 1) shown
    assert recall == pytest.approx(2 / 5)  # (2 + 0 + 0 + 0) found of (2 + 2 + 1 + 0) central


def test_without_a_fallback_topic_the_same_tag_is_wrong() -> None:
    labels = {Slug(s): lab for s, lab in LABELS.items()}
    precision, recall = tag_scores(corpus(SHOWN, fallback=None), labels)
    assert precision == pytest.approx(3 / 5) and recall == pytest.approx(2 / 5)


def test_a_paper_labelled_with_no_topic_has_only_the_fallback_right() -> None:
    shown = corpus({"a": ("vision",), "b": ("other",)})
    assert tag_scores(shown, {Slug("a"): label(), Slug("b"): label()}) == (pytest.approx(1 / 2), 0.0)


@pytest.mark.parametrize("labels", [{}, {Slug("d"): label(topics=("ml",))}], ids=["no labels", "none present"])
def test_no_labelled_paper_present_scores_zero_not_an_error(labels: dict[Slug, Label]) -> None:
    assert tag_scores(corpus(SHOWN), labels) == (0.0, 0.0)
    assert related_scores({}, labels) == (0.0, 0.0)


# --- related_scores ------------------------------------------------------------------------------


def shown(*targets: str) -> tuple[Related, ...]:
    return tuple(Related(1.0 - i / 10, Slug(t)) for i, t in enumerate(targets))


def test_related_scores_by_hand() -> None:
    related = {
        Slug("p1"): shown("a", "c", "x", "y", "z", "b"),  # b is sixth: not shown
        Slug("p2"): shown("a", "b", "c", "d", "e"),
        Slug("p3"): shown("a"),  # one shown: the four gaps count as wrong
    }
    labels = {
        Slug("p1"): label(strong=("a", "b"), acceptable=("c",)),  # recall 1/2, precision 2/5
        Slug("p2"): label(strong=("a", "b", "c", "d", "e", "f", "g")),  # recall 5/min(7, 5) = 1, precision 5/5
        Slug("p3"): label(acceptable=("a",)),  # no strong paper: no recall; precision 1/5
        Slug("p4"): label(strong=("a",)),  # nothing ranked for it: not counted
    }
    recall, precision = related_scores(related, labels)
    assert recall == pytest.approx((1 / 2 + 1) / 2)
    assert precision == pytest.approx((2 / 5 + 1 + 1 / 5) / 3)


def test_measure_counts_only_the_labelled_papers_present_and_keeps_the_held_out_figures() -> None:
    labels = {Slug(s): lab for s, lab in LABELS.items()}
    measured = measure(corpus(SHOWN), labels, held_out=(0.25, 0.5))
    assert measured.papers == 4  # d is not in the corpus
    assert (measured.precision, measured.recall) == (pytest.approx(4 / 5), pytest.approx(2 / 5))
    assert (measured.held_out_recall, measured.held_out_precision) == (0.25, 0.5)
    assert measure(corpus(SHOWN), labels).held_out_recall is None
    assert measure_all(corpus(SHOWN), None) == ()


# --- the labels file -----------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / quality.LABELS_FILE
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_load_labels_reads_topic_names_as_slugs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# papers labelled by reading\n"
        "paper-one:\n  strong: [paper-two]\n  acceptable: [paper-three]\n  topics: [Llm]\n  topics_ok: [Ml]\n"
        "'paper-two':\n  topics: [Vision]\n"
        "paper-unknown-here: {}\n",
    )
    labels = load_labels(path, TOPICS)
    assert labels[Slug("paper-one")] == label(("paper-two",), ("paper-three",), ("llm",), ("ml",))
    assert labels[Slug("paper-two")] == label(topics=("vision",))
    # A paper no listing holds is no error: labels are written for one collection, and a build of
    # others has none of its papers (measure counts only the papers present).
    assert labels[Slug("paper-unknown-here")] == label()
    assert measure(corpus({"paper-one": ("llm",)}), labels).papers == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "# labels\nsome-paper:\n  topics: [Ml]\nother-paper:\n  topics: [No such topic]\n",
            4,
            "paper 'other-paper': unknown topic(s) No such topic; use the names of the taxonomy",
        ),
        ("a:\n  topics_ok: [ml]\n", 1, "paper 'a': unknown topic(s) ml"),  # names, not slugs
        ("a: {}\n'b': [x, y]\n", 2, "paper 'b': expected strong, acceptable, topics and topics_ok lists"),
        ("a:\n  strong: one-paper\n", 1, "paper 'a': each of strong, acceptable, topics, topics_ok is a list"),
        ("a:\n  strong: [1, 2]\n", 1, "paper 'a': each of strong, acceptable, topics, topics_ok is a list"),
        ("a:\n  strong: [b\n", 2, "invalid YAML"),
        ("- a\n- b\n", 1, "expected `paper-slug: {strong: [...], topics: [...]}` entries"),
        ("a:\n  topics: [Ml]\n'a':\n  topics: [Llm]\n", 3, "paper 'a' is labelled twice (lines 1 and 3)"),
    ],
)
def test_load_labels_errors_name_the_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError) as caught:
        load_labels(path, TOPICS)
    assert isinstance(caught.value, UserError)  # the command line's exit 2, a message and no traceback
    assert str(caught.value).startswith(f"{path.as_posix()}:{line}: {message}"), str(caught.value)


def test_a_labels_file_not_in_utf8_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a:\n  topics: [Caf\xe9]\n".encode("latin-1"))
    with pytest.raises(TaxonomyError, match="not valid UTF-8") as caught:
        load_labels(path, TOPICS)
    assert str(caught.value).startswith(f"{path.as_posix()}: ")


def test_a_labelled_paper_naming_no_paper_of_the_collection_is_a_warning_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a:\n  strong: [b, bb]\n  acceptable: [c]\n"
        "elsewhere:\n  strong: [nowhere]\n"  # a paper of another collection: no warning
        "b:\n  strong: [a]\n",
    )
    labels = load_labels(path, TOPICS)
    (warning,) = quality.unknown_papers(labels, {Slug("a"), Slug("b"), Slug("c")})
    assert str(warning) == (
        f"{path.as_posix()}:1: warning: paper 'a' lists 'bb', which no paper of the listings is: the figures "
        "count it as never shown; write the slug of the paper's page address"
    )


def test_labels_beside_reads_the_file_beside_the_taxonomy_or_none(tmp_path: Path) -> None:
    taxonomy = tmp_path / "topics.yml"
    assert labels_beside(taxonomy, TOPICS) is None
    write(tmp_path, "a:\n  topics: [Ml]\n")
    assert labels_beside(taxonomy, TOPICS) == {Slug("a"): label(topics=("ml",))}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# labels\nsome-paper:\n  topics: [Efficiency]\nother-paper:\n  topics: [No such topic]\n",
            "error: data/labels.yml:4: paper 'other-paper': unknown topic(s) No such topic; use the names of the taxonomy",
        ),
        ("some-paper: [a, b]\n", "error: data/labels.yml:1: paper 'some-paper': expected strong, acceptable"),
        ("some-paper:\n  strong: [a\n", "error: data/labels.yml:2: invalid YAML"),
        ("some-paper:\n  topics: [Caf\xe9]\n", "error: data/labels.yml: not valid UTF-8"),
    ],
)
def test_a_bad_labels_file_stops_the_build_before_any_costly_stage(tmp_path, text, message):
    project = copy_project(tmp_path / "p", FIXTURES / "layout-blocks.txt")
    (project / "data" / "labels.yml").write_bytes(text.encode("latin-1"))
    result = run_generator(project, "build", "--no-site")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert message in result.stderr
    assert "similarity" not in result.stderr and "read..." not in result.stderr
    assert not (project / "docs").exists()


# --- held-out folds ------------------------------------------------------------------------------


class Spy:
    """Stands in for the ranking's fitting and ranking: records what each fold trains on and scores."""

    def __init__(self, slugs: list[str]) -> None:
        self.slugs = [Slug(s) for s in slugs]
        self.signals = SimpleNamespace(similarity=SimpleNamespace(slugs=self.slugs))
        self.calls: list[tuple[str, frozenset[Slug]]] = []

    def labelled_pairs(self, signals: Any, labels: dict[Slug, Label]) -> list[Slug]:
        return sorted(labels)

    def fit(self, pairs: list[Slug], exclude: set[Slug]) -> tuple[frozenset[Slug], float]:
        trained = frozenset(pairs) - exclude
        self.calls.append(("fit", trained))
        return trained, 0.0

    def rank_pairs(
        self, pairs: list[Slug], weights: frozenset[Slug], intercept: float, only: set[Slug]
    ) -> dict[Slug, tuple[Related, ...]]:
        self.calls.append(("rank", frozenset(only)))
        # A paper the weights were fitted on would be ranked perfectly: the figures would show it.
        return {s: shown("good" if s in weights else "bad") for s in sorted(only)}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy([f"p{i:02d}" for i in range(13)] + ["unlabelled"])
    for name in ("labelled_pairs", "fit", "rank_pairs"):
        monkeypatch.setattr(ranking, name, getattr(spy, name))
    return spy


def test_held_out_folds_never_train_on_the_papers_they_score(spy: Spy) -> None:
    labels = {s: label(strong=("good",)) for s in spy.slugs if s != "unlabelled"}
    labels[Slug("not-in-the-corpus")] = label(strong=("good",))
    recall, precision = held_out(spy.signals, labels)  # type: ignore[misc]
    fits, ranks = spy.calls[0::2], spy.calls[1::2]
    assert [kind for kind, _ in fits] == ["fit"] * quality.FOLDS and [kind for kind, _ in ranks] == ["rank"] * 5
    labelled = sorted(s for s in labels if s in spy.slugs)
    for fold, ((_, trained), (_, scored)) in enumerate(zip(fits, ranks, strict=True)):
        assert scored == set(labelled[fold :: quality.FOLDS])  # folds by slug order
        assert not trained & scored and trained | scored == set(labelled)
    assert set().union(*(scored for _, scored in ranks)) == set(labelled)  # each paper scored once
    assert (recall, precision) == (0.0, 0.0)  # never ranked by weights that saw it


def test_held_out_folds_are_the_same_whatever_the_order_of_the_labels(spy: Spy) -> None:
    labels = {s: label(strong=("good",)) for s in spy.slugs}
    first = held_out(spy.signals, labels)
    calls = list(spy.calls)
    shuffled = list(labels.items())
    random.Random(7).shuffle(shuffled)
    spy.calls.clear()
    assert held_out(spy.signals, dict(shuffled)) == first
    assert spy.calls == calls


def test_too_few_labelled_papers_for_the_folds_give_no_held_out_figures(spy: Spy) -> None:
    labels = {s: label() for s in spy.slugs[: 2 * quality.FOLDS - 1]}
    assert held_out(spy.signals, labels) is None
    assert spy.calls == []
