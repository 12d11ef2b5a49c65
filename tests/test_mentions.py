"""Inline cross-links (generator/mentions.py): the right names link (from titles and from abstracts that
introduce them), ordinary words, others' names and self-defined abbreviations do not."""

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
    # Titles without a name: the abstract introduces it.
    paper(
        "Fluctuation-based Adaptive Structured Pruning",
        "We propose a novel structured pruning framework, named FLAP (FLuctuation-based Adaptive Structured Pruning).",
    ),
    paper(
        "Hardware-Aware Structured Pruning",
        "This paper proposes a new compression approach, called ZipLM, which is fast.",
    ),
    paper("Looped Transformers Made Expressive", "We design a novel transformer block, dubbed AlgoFormer."),
    paper("Augmenting Token-Based Encoders", "In this paper, we present XRayEmb, a method for retrofitting encoders."),
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
        (
            "Pruners such as FLAP and ZipLM lose accuracy; AlgoFormer and XRayEmb do not.",
            [
                "Fluctuation-based Adaptive Structured Pruning",
                "Hardware-Aware Structured Pruning",
                "Looped Transformers Made Expressive",
                "Augmenting Token-Based Encoders",
            ],
        ),
        ("A flap of wings; the zipLM typo.", []),
        # The abstract defines the same letters for its own method: no link.
        ("We propose Fast Layer Adaptive Pruning (FLAP), where FLAP drops layers.", []),
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


@pytest.mark.parametrize(
    ("abstract", "names"),
    [
        ("In this paper, we propose a novel method named FLAP (FLuctuation-based Adaptive Pruning).", ("FLAP",)),
        ("We introduce a new model, called Mamba2X, with selective state spaces.", ("Mamba2X",)),
        ("We design a novel transformer block, dubbed AlgoFormer.", ("AlgoFormer",)),
        ("We propose a tri-branch framework, termed as POA (Pre-training Once for All).", ("POA",)),
        ("In this paper, we present XRayEmb, a method for retrofitting encoders.", ("XRayEmb",)),
        ("We propose GraphAdapter, which uses a graph neural network.", ("GraphAdapter",)),
        ("To this end, we introduce a novel method, LazyLLM, that prunes tokens.", ("LazyLLM",)),
        ("Our method, named LLM-Pruner, adopts structural pruning.", ("LLM-Pruner",)),
        # Ordinary words after a cue.
        ("We study named entity recognition in tweets.", ()),
        ("Models are called upon to reason; we called it a day.", ()),
        ("We propose a new method named after Fourier.", ()),
        ("We propose a new method for pruning.", ()),
        ("We introduce a Transformer variant, named Magneto, for stability.", ()),
        ("We propose a new architecture, called bird-eye attention.", ()),
        ("We propose a low-rank model called Low-Rank Transformer.", ()),
        # General acronyms of the field.
        ("We present LLMs, a family of models.", ()),
        ("We propose a sparse layer, named MoE, which routes tokens.", ()),
        # Bare letters: fields reuse them, so they need spelling out.
        ("We propose BCT, a framework of blockwise compression.", ()),
        # Someone else's names.
        ("We compare our model with an existing approach called Linformer2.", ()),
        ("We add truncated SVD modules (so-called LoRA blocks) to the model.", ()),
        ("We pretrain a model on a corpus called C4.", ()),
        ("Our method outperforms GPTQ, AWQ, which are strong.", ()),
        ("Flex runs a real-world MoE-based model named SwinV2-MoE.", ()),
        ("Recently, a new architecture called Mamba2X has emerged.", ()),
        ("We fine-tune a model called T5-XXL on the task.", ()),
        ("We present a method for a task called ToolQA-Hard.", ()),
        ("We propose a variant of the optimiser called AdamW2.", ()),
        ("We propose an efficient and straightforward algorithm called TL;DR, which compresses data.", ()),
    ],
)
def test_names_an_abstract_introduces(abstract, names):
    assert introduced_names(paper("A Title Without A Name", abstract)) == names


def test_an_abstract_name_two_papers_claim_links_nowhere():
    a = paper("One Pruning Method", "We propose SparseKit, a pruning method.")
    b = paper("Another Toolkit", "In this work, we present a library called SparseKit.")
    citing = paper("Citing", "Methods such as SparseKit are fast.")
    assert introduced_names(a) == introduced_names(b) == ("SparseKit",)
    assert find_mentions([a, b, citing])[citing.slug] == ()


def test_general_acronyms_in_titles_are_no_names():
    assert introduced_names(paper("LLM: A Title Whose Head Is A General Acronym")) == ()
