"""Inline cross-links: the right names link, ordinary words and self-defined abbreviations do not."""

from __future__ import annotations

import pytest

from generator.ids import identity_key, slugify
from generator.mentions import find_mentions, introduced_names
from generator.model import Paper, Source


def paper(title: str, abstract: str = "An abstract.") -> Paper:
    return Paper(
        slug=slugify(title), key=identity_key(title), title=title, abstract=abstract, sources=(Source("a", 1),)
    )


TARGETS = [
    paper("GPTQ: Accurate Post-Training Quantization"),
    paper("OPT: Open Pre-trained Transformer Language Models"),
    paper("LLM-Pruner: On the Structural Pruning of Large Language Models"),
    paper("Branch-Train-Merge: Embarrassingly Parallel Training", "We present Branch-Train-Merge (BTM), an algorithm."),
    paper("Primer: Searching for Efficient Transformers for Language Modeling"),
    paper("Sigma: Differential Rescaling of Query, Key and Value"),
    paper("SCALE: Scaling up the Complexity for Advanced Language Model Evaluation"),
    paper("Yi: Open Foundation Models by 01.AI"),
    paper("TART: A plug-and-play Transformer module for task-agnostic reasoning"),
    paper("Lizard: An Efficient Linearization Framework"),
    paper("FTP: A Fine-grained Token-wise Pruner for Large Language Models"),
    paper("Beyond Size: How Gradients Shape Pruning Decisions"),
]


def linked(abstract: str) -> list[str]:
    """The titles (up to the colon) an abstract links to, in text order."""
    citing = paper("Citing Paper Under Test", abstract)
    corpus = [*TARGETS, citing]
    titles = {p.slug: p.title.split(":")[0] for p in corpus}
    return [titles[m.target] for m in find_mentions(corpus)[citing.slug]]


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We beat GPTQ by a wide margin.", ["GPTQ"]),
        ("Models such as LLaMA and OPT-175B dominate.", ["OPT"]),
        ("Unlike LLM-Pruner, we keep the heads. LLM-Pruner again.", ["LLM-Pruner"]),
        ("Compared with BTM, our ensemble is cheaper.", ["Branch-Train-Merge"]),
        ("This is a primer on attention.", []),
        ("Primer is often used to start an essay.", []),
        ("Efficient architectures such as Primer are strong.", ["Primer"]),
        ("The sigma of the noise and Sigma. are unrelated.", []),
        ("We scale to larger models at SCALE.", ["SCALE"]),
        ("Yi was a dynasty.", []),
        ("Open models like Yi and OPT are compared.", ["Yi", "OPT"]),
        ("We compare against TART on reasoning.", ["TART"]),
        ("A lizard crossed the road. Lizard is a reptile.", []),
        ("We propose Future Token Prediction (FTP), where FTP predicts a token embedding.", []),
        ("Beyond Size matters, we argue.", []),
        ("See https://github.com/x/GPTQ for code.", []),
        ("opt for the gptq baseline.", []),
    ],
)
def test_mentions(abstract, expected):
    assert linked(abstract) == expected


def test_a_paper_does_not_link_to_itself_and_we_propose_blocks_a_name():
    own = paper("GPTQ: Accurate Post-Training Quantization", "We propose GPTQ, a new method. GPTQ is fast.")
    other = paper("Another Paper Here", "We propose TART, a module unlike OPT.")
    corpus = [own, TARGETS[1], TARGETS[8], other]
    mentions = find_mentions(corpus)
    assert mentions[own.slug] == ()
    assert [m.target for m in mentions[other.slug]] == [TARGETS[1].slug]


def test_names_two_papers_claim_link_nowhere():
    a = paper("Chimera: A Lossless Decoding Method")
    b = paper("Chimera: Something Else Entirely")
    citing = paper("Citing", "Methods such as Chimera are fast.")
    assert find_mentions([a, b, citing])[citing.slug] == ()


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("QLoRA: Efficient Finetuning of Quantized LLMs", ("QLoRA",)),
        ("Sorted LLaMA: Unlocking the Potential", ("Sorted LLaMA",)),
        ("Beyond the Imitation Game: Quantifying capabilities", ()),
        ("Future Lens: Anticipating Subsequent Tokens", ()),
        ("A Survey of Transformers", ()),
    ],
)
def test_introduced_names(title, names):
    assert introduced_names(paper(title)) == names
