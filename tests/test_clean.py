"""Text clean-up (generator/clean.py; LaTeX read by generator/latex.py): whitespace, Unicode, stray LaTeX
and links."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.clean import clean_entries, clean_entry, clean_text, extract_links
from generator.model import Entry, Organisation, Source

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("PIXART-\\alpha excels", "PIXART-α excels"),
        ("value of $α$ here", "value of α here"),
        ("12.5\\% better", "12.5% better"),
        ("this \\emph{scan and snap} dynamic", "this scan and snap dynamic"),
        ("One For All (\\textsc{Ofa}), which", "One For All (Ofa), which"),
        ("adapted (\\eg text prompts)", "adapted (e.g. text prompts)"),
        ("costs $5 and $6 total", "costs $5 and $6 total"),
        ("  spaced\u00a0out\t\ttext \u200b ", "spaced out text"),
        ("Nystro\u0308mformer", "Nyströmformer"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@given(st.text(st.sampled_from([*WHITESPACE, "a", "B", "é", "\u200b", "\x00", "\ue000", "-", "."]), max_size=30))
def test_whitespace_of_every_kind_folds_to_single_spaces(text):
    """Whatever shortcut skips the folding, the result is the regex fold of every whitespace run."""
    dropped = text.replace("\u200b", "").replace("\x00", "")
    folded = re.sub(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", dropped).strip()
    assert clean_text(text) == folded


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Code is at https://github.com/IST-DASLab/gptq.", ["https://github.com/IST-DASLab/gptq"]),
        ("(https://github.com/linkedin/ControlLLM)", ["https://github.com/linkedin/ControlLLM"]),
        ("see https://github.com/NVIDIA/Megatron-LM#retro.", ["https://github.com/NVIDIA/Megatron-LM#retro"]),
        (
            "at {https://github.com/LUMIA-Group/FourierTransformer}",
            ["https://github.com/LUMIA-Group/FourierTransformer"],
        ),
        ("https://en.wikipedia.org/wiki/Foo_(bar).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("no links here, just javascript:alert(1)", []),
    ],
)
def test_links_lose_the_sentence_punctuation(text, urls):
    assert [link.url for link in extract_links(text)] == urls


def test_link_kinds():
    kinds = {link.url: link.kind for link in extract_links(
        "https://github.com/a/b https://huggingface.co/datasets/x/y https://huggingface.co/org/model https://aka.ms/xlm-t"
    )}  # fmt: skip
    assert kinds == {
        "https://github.com/a/b": "code",
        "https://huggingface.co/datasets/x/y": "dataset",
        "https://huggingface.co/org/model": "model",
        "https://aka.ms/xlm-t": "project",
    }


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("www.github.com/a/b", "code"),
        ("https://www.github.com/a/b", "code"),
        ("http://WWW.GitLab.com/a/b", "code"),
        ("https://www.huggingface.co/datasets/x/y", "dataset"),
        ("https://www.example.com/github.com/a", "project"),
    ],
)
def test_www_does_not_change_what_a_link_leads_to(text, kind):
    (link,) = extract_links(f"Code: {text}.")
    assert link.kind == kind


# Issue 14: text that XML forbids, and text that reads other than it is, reaches no page.
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Title\x01 With Control", "Title With Control"),
        ("Title \uffff\ufffe End", "Title End"),
        ("Nul\x00 and \x7f del and \x9b csi", "Nul and del and csi"),
        ("Safe Title \u202eEVIL", "Safe Title EVIL"),
        ("\u2067isolated\u2069 \u202aembedded\u202c", "isolated embedded"),
        ("tab\tand\x0bform\x0cfeed\x1cseparator\x85next", "tab and form feed separator next"),
        ("$\\alpha$\x01", "α"),
    ],
)
def test_control_noncharacters_and_bidi_controls_are_dropped(raw, clean):
    assert clean_text(raw) == clean


@given(st.text(max_size=40))
def test_clean_text_is_always_xml_and_never_reorders_what_it_shows(text):
    clean = clean_text(text)
    assert not XML_FORBIDDEN.search(clean) and not any(c in clean for c in BIDI)


def test_organisations_and_link_labels_lose_bidi_and_control_characters():
    (entry,) = clean_entries(
        [
            Entry(
                "Safe Title \u202eEVIL",
                "Code at https://evil.example/\u202emoc.buhtig//:sptth and more.",
                Source("a.txt", 3),
                organisation=Organisation("evil\u202e\x01", "Trusted \u202eLab\x01"),
            )
        ]
    ).entries
    assert entry.title == "Safe Title EVIL"
    assert entry.organisation == Organisation("evil", "Trusted Lab")
    assert [link.url for link in entry.links] == ["https://evil.example/moc.buhtig//:sptth"]
    (bare,) = clean_entries(
        [Entry("T", "A.", Source("a.txt", 1), organisation=Organisation("\u202e", "\u202e"))]
    ).entries
    assert bare.organisation is None


def test_the_listing_name_pages_show_loses_them_too_and_messages_keep_the_file_as_it_is():
    source = Source("data/odd\x01\u202ename.txt", 3)
    cleaned = clean_entry(Entry("Title", "Abstract.", source)).source
    assert (cleaned.path, cleaned.file, cleaned.line) == ("data/oddname.txt", source.file, 3)


@pytest.mark.parametrize("title", ["?!?!...---", "🚀🔥💯", "###", "\u202e"])
def test_a_title_without_letters_or_digits_is_a_warning_naming_file_and_line(title):
    cleaning = clean_entries([Entry(title, "An abstract.", Source("a.txt", 7)), Entry("GPT", "A.", Source("a.txt", 9))])
    (warning,) = cleaning.diagnostics
    assert str(warning).startswith("a.txt:7: warning: the title ") and "no letters or digits" in str(warning)
    assert repr(title) in str(warning)  # as read when nothing is left of it


# Issue 13: LaTeX read, not mangled (minimal inputs from the issue and from real listings).
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "See \\cite{smith2020} and $\\frac{1}{\\sqrt{n}}$ and 12$\\boldsymbol{g}$ and \\SI{96.73}{\\percent}",
            "See and 1/√n and 12g and 96.73 %",
        ),
        ("Physically Aware 360$^\\circ$ View Generation", "Physically Aware 360° View Generation"),
        ("PixArt-$\\Sigma$: Weak-to-Strong Training", "PixArt-Σ: Weak-to-Strong Training"),
        ("D$^2$GS: Dense Depth", "D²GS: Dense Depth"),
        ("a $x_{ij}$ term", "a xᵢⱼ term"),
        ("as shown \\citep[p.~3]{a,b}, it works \\ref{fig}.", "as shown, it works."),
        ("\\textbf{bold} and \\emph{\\textit{nested}}", "bold and nested"),
        ("We call it \\ModelName{}, and \\ModelName is fast", "We call it ModelName, and ModelName is fast"),
        ("\\% \\& \\_ \\# \\$", "% & _ # $"),
        ("prices $5-$10, 50% off", "prices $5-$10, 50% off"),
    ],
)
def test_latex_becomes_readable_text(raw, clean):
    assert clean_text(raw) == clean


def test_href_keeps_its_address_as_a_link_and_its_text_as_text():
    cleaning = clean_entries([entry("Code is at \\href{https://github.com/owner/repo/README.md}{here}.")])
    (cleaned,) = cleaning.entries
    assert cleaned.abstract == "Code is at here."
    assert [link.url for link in cleaned.links] == ["https://github.com/owner/repo/README.md"]
    assert cleaning.diagnostics == ()


@pytest.mark.parametrize(
    ("abstract", "text", "urls"),
    [
        ("See \\url{https://x.org/a\\_b}.", "See https://x.org/a_b.", ["https://x.org/a_b"]),
        (
            "at \\url{https://codearenaeval.github.io/ }",
            "at https://codearenaeval.github.io/",
            ["https://codearenaeval.github.io/"],
        ),
        (  # a copy that moved the link text inside the address
            "Data: \\href{https://huggingface.co/datasets/a/b{AM-b}}",
            "Data: AM-b",
            ["https://huggingface.co/datasets/a/b"],
        ),
        (  # a copy that lost \href: the link text glued after the address is not part of it
            "at https://github.com/Bekhouche/SegDT{GitHub}.",
            "at GitHub (https://github.com/Bekhouche/SegDT).",
            ["https://github.com/Bekhouche/SegDT"],
        ),
        (  # ... or glued the address to itself, or a Markdown link's second half
            "at https://github.com/top-yun/MADhttps://github.com/top-yun/MAD and https://github.com/a/b](https://github.com/a/b)",
            "at https://github.com/top-yun/MAD and https://github.com/a/b](https://github.com/a/b)",
            ["https://github.com/a/b", "https://github.com/top-yun/MAD"],
        ),
        (  # ... or glued the address to the word before it, or lost \href's text that is another address
            "future researchhttps://github.com/InternLM/OREAL. At https://x.github.io/w.github.io/{https://w.github.io}.",
            "future research https://github.com/InternLM/OREAL. At https://w.github.io (https://x.github.io/w.github.io/).",
            ["https://github.com/InternLM/OREAL", "https://w.github.io", "https://x.github.io/w.github.io/"],
        ),
        (  # ... or kept what stripping \href{URL}{URL} left: the braces between an address and its copy
            "at https://github.com/wwh0411/MCP-Persona}{https://github.com/wwh0411/MCP-Persona. At "
            "https://huggingface.co/JoshuaW1997/FUTGA{blue{https://huggingface.co/JoshuaW1997/FUTGA}}.",
            "at https://github.com/wwh0411/MCP-Persona. At https://huggingface.co/JoshuaW1997/FUTGA.",
            ["https://github.com/wwh0411/MCP-Persona", "https://huggingface.co/JoshuaW1997/FUTGA"],
        ),
        ("at https://x.github.io/\\allowbreak p", "at https://x.github.io/ p", ["https://x.github.io/"]),
        (
            "the https://b-61j.pages.dev/org/model",
            "the https://b-61j.pages.dev/org/model",
            ["https://huggingface.co/org/model"],
        ),
    ],
)
def test_latex_and_glued_addresses_are_links(abstract, text, urls):
    (cleaned,) = clean_entries([entry(abstract)]).entries
    assert cleaned.abstract == text
    assert [link.url for link in cleaned.links] == urls


@pytest.mark.parametrize("placeholder", ["{URL}", "<url>", "[link]", "{link}", "<link>", "[URL]"])
def test_an_address_with_a_placeholder_is_text_and_a_warning(placeholder):
    abstract = f"Our models are at https://huggingface.co/bertin-project{placeholder}."
    cleaning = clean_entries([entry(abstract)])
    assert cleaning.entries[0].links == ()
    assert cleaning.entries[0].abstract == abstract
    (warning,) = cleaning.diagnostics
    assert str(warning).startswith("a.txt:3: warning: the address ")
    assert placeholder in warning.message and "put the real address in the listing" in warning.message


def entry(abstract: str) -> Entry:
    return Entry(title="A title", abstract=abstract, source=Source("a.txt", 3))


COMMAND = re.compile(r"\\[A-Za-z]")
LATEX_PIECES = st.sampled_from(
    ["\\emph", "\\frac", "\\alpha", "\\cite", "\\ModelName", "\\SI", "\\href", "\\url", "\\sqrt", "\\%", "\\",
     "{", "}", "$", "^", "_", "a", "B", "2", " ", "x.org", "https://", "[", "]", "~"]
)  # fmt: skip


def balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@given(st.lists(LATEX_PIECES, max_size=25).map("".join))
def test_clean_text_never_shows_a_command_or_an_unbalanced_brace(text):
    """No backslash command survives; braces balanced in the input stay balanced, and none is added."""
    cleaned = clean_text(text)
    assert not COMMAND.search(cleaned)
    assert cleaned.count("{") <= text.count("{")
    assert not re.search(r"%s(?![A-Za-z])|%\(\d\)s", cleaned)  # no format of pylatexenc's left unfilled
    if balanced(text):
        assert balanced(cleaned)


@pytest.mark.parametrize(
    ("abstract", "text"),
    [
        ("Low Rank Adapters~(LoRA). Figure~3 and Task~Arithmetic.", "Low Rank Adapters (LoRA). Figure 3 and Task Arithmetic."),
        ("\\emph{Chain-of-Thought}~(CoT) at~https://x.org/~user/a~b", "Chain-of-Thought (CoT) at https://x.org/~user/a~b"),
        ("about ~5% and a ~~ b", "about ~5% and a ~~ b"),
        ("Combining Byte-~and Word-Level: (i)~the physics, (2)~more.~This runs (~6s)", "Combining Byte- and Word-Level: (i) the physics, (2) more. This runs (~6s)"),
    ],
)  # fmt: skip
def test_a_latex_tie_after_a_word_is_a_space_but_addresses_keep_theirs(abstract, text):
    (cleaned,) = clean_entries([entry(abstract)]).entries
    assert cleaned.abstract == text


# Real listings (HF Daily Papers) copy arXiv text with LaTeX's backslashes dropped, accents escaped and
# Markdown marks kept; each case is a short snippet of one.
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('the Aya model (\\"Ust\\"un et al., 2024)', "the Aya model (Üstün et al., 2024)"),
        ("measured by Fr\\'echet Inception Distance, Bolet\\'ın, na\\\"ıvely", "measured by Fréchet Inception Distance, Boletín, naïvely"),
        ("raises GPT-4o\\'s content scores, vis-\\`a-vis, It\\^o, a \\~8B model", "raises GPT-4o's content scores, vis-à-vis, Itô, a ~8B model"),
        ("a training cost of \\81 on a single GPU; \\3) Training Pipelines", "a training cost of $81 on a single GPU; 3) Training Pipelines"),
    ],
)  # fmt: skip
def test_escaped_accents_and_dollars_are_letters_and_dollars(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the taxonomy for ``world models'' has", "the taxonomy for “world models” has"),
        ("admit ``I DON'T KNOW'' (IDK), the well-known ``multi-task conflict\" issue", "admit “I DON'T KNOW” (IDK), the well-known “multi-task conflict” issue"),
        ("it learns to execute a `folding' operation, Student's t", "it learns to execute a ‘folding’ operation, Student's t"),
        ("a 41times reduction in storage, 64times64times4 latents, 1.92times faster", "a 41× reduction in storage, 64×64×4 latents, 1.92× faster"),
        ("using only sim20% of calls (sim2times over), not sim2real; leq2B; approx0.2", "using only ~20% of calls (~2× over), not sim2real; ≤2B; ≈0.2"),
        ("from 62.27% rightarrow 67.04% at 2B, (0.73rightarrow0.90)", "from 62.27% → 67.04% at 2B, (0.73 → 0.90)"),
        ("we propose texttt{D}ual-texttt{H}ead, Self-text{CO}rrecting, {bf MASK} tokens", "we propose Dual-Head, Self-COrrecting, MASK tokens"),
        ("implemented in 6{,}181 lines, a 360^{circ} view, ternary {-1, 0, 1} weights", "implemented in 6,181 lines, a 360° view, ternary {-1, 0, 1} weights"),
        ("multiple times, 3 times faster", "multiple times, 3 times faster"),
    ],
)  # fmt: skip
def test_latex_a_copy_stripped_of_backslashes_is_readable(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("abstract", "text", "urls"),
    [
        (
            "Please see the https://baskargroup.github.io/Arboretum/{project website} for data.",
            "Please see the project website (https://baskargroup.github.io/Arboretum/) for data.",
            ["https://baskargroup.github.io/Arboretum/"],
        ),
        (
            "Project page: https://anima-x.github.io/{https://anima-x.github.io/}. Code: https://github.com/a/Agent0-VL{this https URL}.",
            "Project page: https://anima-x.github.io/. Code: https://github.com/a/Agent0-VL.",
            ["https://anima-x.github.io/", "https://github.com/a/Agent0-VL"],
        ),
        (
            "available athttps://github.com/open-compass/CompassJudger. Or https://llm-stacking.github.io/https://llm-stacking.github.io/.",
            "available at https://github.com/open-compass/CompassJudger. Or https://llm-stacking.github.io/.",
            ["https://github.com/open-compass/CompassJudger", "https://llm-stacking.github.io/"],
        ),
        (
            "released at https: //gen-irasim.github.io and https:/github.com/GenIntel/3D-SC.",
            "released at https://gen-irasim.github.io and https://github.com/GenIntel/3D-SC.",
            ["https://gen-irasim.github.io", "https://github.com/GenIntel/3D-SC"],
        ),
        (
            "released at the [link](https://github.com/a/LongRecipe). At [kwanyun.github.io/x](kwanyun.github.io/x).",
            "released at the link (https://github.com/a/LongRecipe). At kwanyun.github.io/x.",
            ["https://github.com/a/LongRecipe"],
        ),
    ],
)
def test_lost_link_markup_shows_its_text_and_address_once(abstract, text, urls):
    (cleaned,) = clean_entries([entry(abstract)]).entries
    assert cleaned.abstract == text
    assert [link.url for link in cleaned.links] == urls


def test_an_address_holding_another_is_not_a_copy_of_it():
    text = "Archived at https://web.archive.org/web/2020/https://example.com/data."
    assert clean_entries([entry(text)]).entries[0].abstract == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("we propose **Alchemist**, the **C**hinese **I**mage bench", "we propose Alchemist, the Chinese Image bench"),
        ("as *interactive repair certification* and introduce *CARVE*, a", "as interactive repair certification and introduce CARVE, a"),
        ("(Fast-LIO2 + A*) and (LIO-SAM + RRT*); R^*, only; 1.6*GPU, 1.9* training", "(Fast-LIO2 + A*) and (LIO-SAM + RRT*); R^*, only; 1.6*GPU, 1.9* training"),
    ],
)  # fmt: skip
def test_markdown_emphasis_a_listing_kept_is_not_shown_as_stars(raw, clean):
    assert clean_text(raw) == clean


def test_a_sentence_glued_to_the_one_before_is_set_apart_in_abstracts_only():
    """Real abstracts lose the space after a full stop (83 of 9,877 Daily Papers); code, addresses and
    titles keep theirs."""
    abstract = (
        "Results hold in all settings.Project page: https://x.github.io/my.Page. We subclass nn.Module and "
        "torch.nn.Module, see www.Example.org, mail a@b.Org, use the pre-built operations.Schema-based tools."
    )
    (cleaned,) = clean_entries(
        [Entry(title="Glued.Title of a paper", abstract=abstract, source=Source("a.txt", 3))]
    ).entries
    assert cleaned.abstract == (
        "Results hold in all settings. Project page: https://x.github.io/my.Page. We subclass nn.Module and "
        "torch.nn.Module, see www.Example.org, mail a@b.Org, use the pre-built operations. Schema-based tools."
    )
    assert cleaned.title == "Glued.Title of a paper"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("the policy pi_{RL} beats π_{0.5} on J_{G}^*", "the policy pi_RL beats π_0.5 on J_G^*"),
        ("a filtration {F}_t in the {W}-space; {S}ignal {R}outing", "a filtration F_t in the W-space; Signal Routing"),
        ("with N{=}4 and by {sim} 1.5 times, {sim}750 steps", "with N=4 and by ~1.5 times, ~750 steps"),
        ("we present {Turing-RL}: a {Qwen2.5-VL} model", "we present Turing-RL: a Qwen2.5-VL model"),
        ("DR^{3}-Eval with 2^{128} codes", "DR^3-Eval with 2^128 codes"),
        # a word in braces right after an address is a lost link's text, not part of the address
        ("the project page https://x.github.io/p/{here}", "the project page here (https://x.github.io/p/)"),
    ],
)
def test_braces_a_copy_kept_from_stripped_latex_do_not_show(raw, clean):
    """Real Daily Papers abstracts (55 of 9,877) keep the braces of commands a copy stripped."""
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        "ternary weights {-1, 0, 1} and labels {True, False}",
        "tasks of {3D GU} kind",
        "a trajectory (z_{t}rightarrow z_0)",
    ],
)
def test_braces_that_mean_something_stay(text):
    """A set, a group of several words and a script glued to a word keep theirs."""
    assert "{" in clean_text(text)
