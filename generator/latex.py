"""LaTeX in listing text to readable Unicode: only the LaTeX stretches are converted, by pylatexenc.

Abstracts copied from arXiv keep some LaTeX: inline math (``360$^\\circ$``, ``PixArt-$\\Sigma$``),
commands (``\\emph{x}``, ``\\cite{key}``, ``\\SI{96.73}{\\percent}``), escapes (``\\%``) and links
(``\\href{URL}{text}``, ``\\url{URL}``). Each stretch is handed to pylatexenc's latex-to-text on its
own; the text around it (``$5 and $6``, ``50%``) is never parsed as LaTeX.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latex2text import get_default_latex_context_db as text_context
from pylatexenc.macrospec import MacroSpec


@dataclass(frozen=True)
class Converted:
    """Text with its LaTeX made readable, and the addresses its ``\\href``/``\\url`` commands held."""

    text: str
    """The readable text: no backslash command, no brace the input did not show as text."""
    addresses: tuple[str, ...] = ()
    """The addresses of ``\\href{URL}{text}`` and ``\\url{URL}``, in text order, each once."""


_SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
_SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SCRIPT_SYMBOLS = {"^": {"\\circ": "°", "\\prime": "′", "\\dagger": "†", "\\ast": "*", "*": "*"}, "_": {}}

_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
"""A brace group, nested up to three levels."""

_STRETCH = re.compile(
    rf"""
      (?P<href>\\href\s*\{{\s*(?P<href_url>[^{{}}\s]*)\s*\}}\s*(?P<href_text>{_GROUP}))
    | (?P<glued>\\href\s*\{{(?P<glued_text>(?:[^{{}}]|\{{[^{{}}]*\}})*)\}})
    | (?P<url>\\url\s*\{{\s*(?P<url_url>[^{{}}\s]*)\s*\}})
    | (?P<cite>[ ~]*\\(?:cite[a-zA-Z]*|[cC]?ref|eqref|autoref|label)\*?(?:\s*\[[^\[\]]*\])*\s*{_GROUP})
    | (?P<math>\$(?=\S)(?P<inner>[^$\n]{{1,200}}?)(?<=\S)\$(?!\d)|\\\((?P<paren>.{{1,200}}?)\\\))
    | (?P<command>\\[A-Za-z]+\*?(?:\s*\[[^\[\]{{}}]*\])*(?:\s*{_GROUP})*)
    | (?P<accent>\\(?P<mark>["'`^~])(?:\{{(?P<braced>[A-Za-zı])\}}|(?P<letter>[A-Za-zı]))?)
    | (?P<dollar>\\(?=\d))
    | (?P<escape>\\[%&_\#$,;:!{{}} ~\\])
    """,
    re.VERBOSE,
)
"""One LaTeX stretch; the ``cite`` branch takes the spaces before the citation with it; ``glued``
is an ``\\href`` whose text the copy moved inside the address (``\\href{URL{text}}``); ``accent`` is
an accented letter (``Schr\\"odinger``, ``Fr\\'echet``) or an escaped quote (``GPT-4o\\'s``);
``dollar`` is ``\\$`` whose dollar a copy lost (``costs \\81 on one GPU``, ``less than \\0.1``)."""

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
"""LaTeX's accent commands and the combining marks they put on the letter after them."""

_GLUED_TEXT = re.compile(r"(https?://[^\s{}]+)\{([^{}]*)\}")

_MATH_MARKS = re.compile(r"[\\^_{}=<>]")
_SHORT_SYMBOL = re.compile(r"[^\W\d_]{1,3}")
_PLAIN_FORMULA = re.compile(r"[^\W\d_][\w()+\-*/,.|' ]{0,39}")
_SCRIPT = re.compile(r"([\^_])\s*(\{(?P<group>[^{}]*)\}|(?P<command>\\[A-Za-z]+)|(?P<char>[A-Za-z0-9+\-*]))")
_BRACED_WORD = re.compile(r"\{([^{}\s]{1,40})\}")
"""A word in braces (``{https://...}``, ``{GPT}``) in a text that holds LaTeX: TeX shows the word alone."""
_LEFTOVER_COMMAND = re.compile(r"\\+([A-Za-z]+)")
_SPACES = re.compile(r"[ \t]{2,}")


def latex_to_text(text: str) -> Converted:
    """The text with each LaTeX stretch replaced by readable Unicode, and the addresses it linked."""
    if "\\" not in text and "$" not in text:
        return Converted(text)
    addresses: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match["href"]:
            addresses.append(_unescape_url(match["href_url"]))
            return latex_to_text(match["href_text"][1:-1]).text
        if match["glued"]:

            def glued(link: re.Match[str]) -> str:
                addresses.append(_unescape_url(link[1]))
                return link[2]

            return latex_to_text(_GLUED_TEXT.sub(glued, match["glued_text"])).text
        if match["url"]:
            url = _unescape_url(match["url_url"])
            addresses.append(url)
            return url
        if match["cite"]:
            return ""
        if match["accent"]:
            return _accent(match)
        if match["dollar"]:
            return "" if re.match(r"\d+\)", text[match.end() :]) else "$"  # ``\\3) Training``: a list item
        if match["math"]:
            inner = match["inner"] if match["inner"] is not None else match["paren"]
            if match["inner"] is not None and not looks_like_math(inner):
                return match[0]
            return _convert(_scripts_to_unicode(inner), math=True)
        return _convert(match[0], math=False)

    # A backslash the stretches left (one before ``\\emph`` read as a line break) starts no command.
    converted = _LEFTOVER_COMMAND.sub(r"\1", _BRACED_WORD.sub(r"\1", _STRETCH.sub(replace, text)))
    return Converted(converted, tuple(dict.fromkeys(a for a in addresses if a)))


def _accent(match: re.Match[str]) -> str:
    """``\\"o`` → ``ö``; an apostrophe or quote escaped as code escapes it (``object\\'s``) stays one."""
    mark, letter = match["mark"], match["braced"] or match["letter"]
    after = match.string[match.end() : match.end() + 1]
    if not letter or (
        mark == "'" and letter == "s" and not after.isalpha() and match.string[: match.start()][-1:].isalnum()
    ):
        return mark + (letter or "")
    base = "i" if letter == "ı" else letter  # ``na\\"ıve``: an accent takes the i's dot
    return unicodedata.normalize("NFC", base + _ACCENTS[mark])


_TEX_QUOTES = re.compile(
    r"``(?P<double>(?:[^`'\"\n]|'(?=\w)){1,300}?)(?:''|\")|(?<![\w`])`(?P<single>(?:[^`'\n]|'(?=\w)){1,100}?)'(?!\w)"
)
"""TeX's quotation marks, as arXiv text keeps them: ``\u0060\u0060world models''`` and ``\u0060folding'``."""
_STRIPPED_OPERATOR = re.compile(
    r"(?<=[\d)}])times(?![a-z])"  # ``41times``, ``3times3``, ``(r)times``
    r"|(?<![A-Za-z])(?:sim|approx|leq|geq)(?=\d[\d.,]*(?:[%×KMBx]|times|[\s);,]|$))"  # ``sim20%``, not ``sim2real``
    r"|(?<=[\d%])\s?rightarrow\s?(?=\d)"  # ``0.73rightarrow0.90``
)
_OPERATORS = {"times": "×", "sim": "~", "approx": "≈", "leq": "≤", "geq": "≥", "rightarrow": " → "}
_STRIPPED_COMMAND = re.compile(
    r"(?<![\\A-Za-z])(?:text(?:bf|it|tt|sc|rm|sf)?|emph|math(?:rm|bf|it|sf|tt|cal|bb)|underline)\{(?P<arg>[^{}]*)\}"
    r"|\{(?:bf|it|em|sc|tt|rm) (?P<font>[^{}]*)\}"  # ``{bf MASK}``
    r"|(?<=\d)\{(?P<sep>,)\}(?=\d)"  # ``1{,}879``
    r"|(?<=\d)\^(?:\{circ\}|circ)"  # ``360^{circ}``
)
"""Text commands whose backslash a copy dropped (``textbf{Self}``, ``texttt{D}ual``) and TeX's
number and degree forms (``1{,}879``, ``360^{circ}``): no word of prose is glued to a brace so."""
_STRIPPED_BRACES = re.compile(
    r"(?<![\w\\])\{sim\} ?(?=\d)"  # ``{sim}750``, ``{sim} 1.5``: ~750, ~1.5
    r"|(?<=\w)\{(?P<relation>[=<>])\}(?=\w)"  # ``N{=}4``
    r"|(?<=[_^])\{(?P<script>[A-Za-z0-9.]{1,8})\}(?![A-Za-z])"  # ``pi_{RL}``, ``TRC^{2}``
    r"|(?<![^\s(])\{(?P<letter>[A-Za-z])\}(?=[\w-])"  # ``{F}_t``, ``{S}ignal``
    r"|(?<![^\s(])\{(?P<word>[A-Za-z][\w.+-]{2,})\}(?![\w}])"  # ``{Turing-RL}``, ``{where}``
)
"""Braces a copy kept when it dropped the command before them (``mathcal{F}_t`` → ``{F}_t``,
``textbf{S}ignal`` → ``{S}ignal``, ``pi_{RL}``, ``N{=}4``, ``{sim}750``): they group, they never show.
A set (``{-1, 0, 1}``, ``{True, False}``) holds a space or a comma and keeps its braces; a word in
braces right after an address is the text of a lost ``\\href`` (``clean._GLUED_HREF``) and keeps them."""


def stripped_latex_to_text(text: str) -> str:
    """LaTeX that a copy stripped of its backslashes and dollars made readable (HF Daily Papers
    drops them): TeX quotes, ``41times``, ``textbf{x}``, ``360^{circ}``."""
    if "`" in text:
        text = _TEX_QUOTES.sub(lambda m: f"“{m['double']}”" if m["double"] is not None else f"‘{m['single']}’", text)
    glued_times = occurs(text, "times", before=lambda c: c.isdigit() or c in ")}")
    relation = any(occurs(text, word, after=str.isdigit) for word in ("sim", "approx", "leq", "geq"))
    if glued_times or relation or "rightarrow" in text:
        text = _STRIPPED_OPERATOR.sub(lambda m: _OPERATORS[m[0].strip()], text)
    if "{" in text or "^" in text:
        text = _STRIPPED_COMMAND.sub(
            lambda m: m["arg"] or m["font"] or m["sep"] or ("°" if "circ" in m[0] else ""), text
        )
    if "{" in text:
        text = _STRIPPED_BRACES.sub(lambda m: m["relation"] or m["script"] or m["letter"] or m["word"] or "~", text)
    return text


def occurs(
    text: str, word: str, before: Callable[[str], bool] | None = None, after: Callable[[str], bool] | None = None
) -> bool:
    """Whether ``word`` occurs in ``text`` right after a character ``before`` accepts and right before
    one ``after`` accepts (None: anything, the text's ends too). Plain searches for a word: they spare
    running an expression that starts with a look-behind over every abstract, when few hold it."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (before is None or (at and before(text[at - 1]))) and (
            after is None or (end < len(text) and after(text[end]))
        ):
            return True
        at = text.find(word, at + 1)
    return False


def looks_like_math(inner: str) -> bool:
    """``$α$``, ``$\\alpha=1$``, ``$O(n)$`` are math; ``$5 and $`` or ``$5-$`` from prices is not."""
    return bool(_MATH_MARKS.search(inner) or _SHORT_SYMBOL.fullmatch(inner) or _PLAIN_FORMULA.fullmatch(inner))


def _unescape_url(url: str) -> str:
    return re.sub(r"\\([%&_#$~])", r"\1", url)


def _scripts_to_unicode(math: str) -> str:
    """``^2`` → ``²``, ``_{ij}`` → ``ᵢⱼ``, ``^\\circ`` → ``°``; a script with no Unicode form stays."""

    def script(match: re.Match[str]) -> str:
        mark = match[1]
        body = match["group"] if match["group"] is not None else match["command"] or match["char"]
        body = body.strip()
        if body in _SCRIPT_SYMBOLS[mark]:
            return _SCRIPT_SYMBOLS[mark][body]
        table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
        if body and all(c in table for c in body):
            return "".join(table[c] for c in body)
        return match[0]

    return _SCRIPT.sub(script, math)


@functools.lru_cache(maxsize=4096)
def _convert(latex: str, math: bool) -> str:
    """One stretch through pylatexenc; a stretch it cannot parse loses its backslashes and dollars only."""
    source = f"${latex}$" if math else latex
    try:
        nodes = latexwalker.LatexWalker(
            source, latex_context=_WALKER_CONTEXT, tolerant_parsing=False
        ).get_latex_nodes()[0]
        text = _TO_TEXT.nodelist_to_text(nodes)
        if ("%s" in text or "%(" in text) and "%" not in latex:  # a format that lacked its arguments
            raise ValueError(text)
    except (latexwalker.LatexWalkerError, AttributeError, IndexError, KeyError, ValueError, TypeError):
        # pylatexenc fails on some malformed input (a macro whose arguments are missing) in these ways
        text = latex.replace("$", "")
    text = _LEFTOVER_COMMAND.sub(r"\1", text)
    return _SPACES.sub(" ", text.replace("\n", " "))


def _sqrt(node: latexwalker.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    arg = l2tobj.nodelist_to_text([node.nodeargd.argnlist[-1]]).strip()
    return f"√{arg}" if len(arg) <= 1 or arg.isalnum() else f"√({arg})"


def _frac(node: latexwalker.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    top, bottom = (_operand(l2tobj.nodelist_to_text([n]).strip()) for n in node.nodeargd.argnlist[-2:])
    return f"{top}/{bottom}"


def _operand(part: str) -> str:
    """A side of a fraction, in parentheses unless it is one word or a root of one."""
    return part if part.isalnum() or len(part) <= 1 or _sqrt_of_word(part) else f"({part})"


def _sqrt_of_word(part: str) -> bool:
    return part.startswith("√") and part[1:].isalnum()


def _quantity(node: latexwalker.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    args = node.nodeargd.argnlist  # [options]{value}[options]{unit}
    value, unit = (l2tobj.nodelist_to_text([args[i]]).strip() for i in (1, 3))
    return f"{value} {unit}".strip()


def _argument(node: latexwalker.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    return "".join(l2tobj.nodelist_to_text([n]) for n in node.nodeargd.argnlist if n is not None)


def _name(node: latexwalker.LatexMacroNode) -> str:
    """A macro the paper defined itself (``\\ModelName``): its name, the nearest thing to its text."""
    name = str(node.macroname)
    return name if name.isalpha() else " "


def _walker_context() -> latexwalker.macrospec.LatexContextDb:
    context = latexwalker.get_default_latex_context_db()
    context.add_context_category(
        "listings",
        prepend=True,
        macros=[
            MacroSpec("SI", "[{[{"),
            MacroSpec("si", "[{"),
            MacroSpec("num", "[{"),
            MacroSpec("boldsymbol", "{"),
            MacroSpec("bm", "{"),
            MacroSpec("mathbbm", "{"),
            MacroSpec("textsuperscript", "{"),
            MacroSpec("textsubscript", "{"),
            MacroSpec("newcommand", "*{[[{"),
            MacroSpec("renewcommand", "*{[[{"),
        ],
    )
    return context


def _text_context() -> latexwalker.macrospec.LatexContextDb:
    context = text_context()
    context.add_context_category(
        "listings",
        prepend=True,
        macros=[
            MacroTextSpec("SI", simplify_repl=_quantity),
            MacroTextSpec("si", simplify_repl=_argument),
            MacroTextSpec("num", simplify_repl=_argument),
            MacroTextSpec("percent", simplify_repl="%"),
            MacroTextSpec("degree", simplify_repl="°"),
            MacroTextSpec("celsius", simplify_repl="°C"),
            MacroTextSpec("boldsymbol", simplify_repl=_argument),
            MacroTextSpec("bm", simplify_repl=_argument),
            MacroTextSpec("mathbbm", simplify_repl=_argument),
            MacroTextSpec("textsuperscript", simplify_repl=_argument),
            MacroTextSpec("textsubscript", simplify_repl=_argument),
            MacroTextSpec("sqrt", simplify_repl=_sqrt),
            MacroTextSpec("frac", simplify_repl=_frac),
            MacroTextSpec("dfrac", simplify_repl=_frac),
            MacroTextSpec("tfrac", simplify_repl=_frac),
            *(
                MacroTextSpec(name, discard=True)
                for name in ("cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref", "label")
            ),
            MacroTextSpec("newcommand", discard=True),
            MacroTextSpec("renewcommand", discard=True),
            MacroTextSpec("eg", simplify_repl="e.g."),
            MacroTextSpec("ie", simplify_repl="i.e."),
            MacroTextSpec("etal", simplify_repl="et al."),
            *(
                MacroTextSpec(name, simplify_repl="")
                for name in (
                    "xspace",
                    "allowbreak",
                    "nobreak",
                    "linebreak",
                    "newline",
                    "noindent",
                    "hfill",
                    "break",
                    "relax",
                    "centering",
                    "footnotesize",
                    "small",
                    "normalsize",
                    "large",
                )
            ),
            MacroTextSpec("ignorespaces", simplify_repl=""),
        ],
    )
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_name))
    return context


# pylatexenc logs malformed input (a \\url without its argument) as warnings; such a stretch falls back,
# and the build's warnings are about the listings, said with file:line, not about a library's parser.
logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
_WALKER_CONTEXT = _walker_context()
_TO_TEXT = LatexNodes2Text(latex_context=_text_context(), math_mode="text", strict_latex_spaces="based-on-source")
