"""Papers in a space of word vectors learned elsewhere, where two papers that say one thing in other
words can still meet: the ``embedding`` signal of ``generator/ranking.py``.

The vectors are the static table shipped inside the ``wordllama`` wheel (``l2_supercat``: 32,000
tokens × 256 dimensions, taken from a large language model's token embeddings and trained for
sentence similarity), read from the installed package's folder with its tokenizer: nothing is
downloaded, and the package's own loader (which would fetch a missing file) is never imported. A
paper is the mean of its tokens' vectors weighted by how rare each token is in the collection (its
inverse document frequency), less the collection's mean paper (the direction every abstract
shares), as a unit row. ``python -m bench related-wider --wordllama`` measured this against the
package's plain mean (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from .errors import BuildError
from .model import Paper

if TYPE_CHECKING:
    from .cache import Table

PACKAGE = "wordllama"
"""The PyPI package whose wheel holds the table (pinned in requirements.txt)."""

TABLE = "weights/l2_supercat_256.safetensors"
"""The table in the package's folder (safetensors, key ``embedding.weight``)."""

TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
"""Its tokenizer in the package's folder."""

DIMENSIONS = 256


class EmbeddingMissing(BuildError):
    """The package holding the table is not installed (or not whole): one message, exit code 2."""


def _folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec else []
    folder = Path(locations[0]) if locations else None
    if folder is None or not (folder / TABLE).is_file() or not (folder / TOKENIZER).is_file():
        raise EmbeddingMissing(
            f"the word vectors of the {PACKAGE} package are missing; install the build's requirements "
            "(`make site`, or `pip install -r requirements.txt`)"
        )
    return folder


@functools.cache
def _model() -> tuple[np.ndarray, Any]:
    """The table (float32) and the tokenizer, read once per process."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = _folder()
    table = np.ascontiguousarray(load_file(str(folder / TABLE))["embedding.weight"], dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return table, tokenizer


WORD_MARK = "\u2581"
"""What the tokenizer's normalizer writes for a space (and puts before the text): no token of its
table holds it after another character, so no token spans two words."""


@functools.cache
def _word_tokenizer() -> Any:
    """The tokenizer without its normalizer, for one word at a time (``_token_ids``); None when the
    normalizer is not the one that only marks spaces, which that rests on."""
    import json

    from tokenizers import Tokenizer

    _, tokenizer = _model()
    written = tokenizer.to_str()
    described = json.loads(written)
    marks_spaces = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Prepend", "prepend": WORD_MARK},
            {"type": "Replace", "pattern": {"String": " "}, "content": WORD_MARK},
        ],
    }
    if described.get("normalizer") != marks_spaces or described.get("pre_tokenizer") is not None:
        return None
    words = Tokenizer.from_str(written)
    words.normalizer = None
    return words


def _token_ids(texts: Sequence[str], tokenizer: Any, words: Any) -> list[list[int]]:
    """Each text's token ids, as ``tokenizer`` gives them (``_tokenizing``)."""
    return list(map(_tokenizing(tokenizer, words), texts))


def _tokenizing(tokenizer: Any, words: Any) -> Callable[[str], list[int]]:
    """A text's token ids, as ``tokenizer`` gives them. Its normalizer marks each space, and no token
    spans a mark (``WORD_MARK``), so a word's tokens do not depend on the words around it: each
    distinct word is tokenized once (``words``: the tokenizer without its normalizer), 2-5x faster
    than whole texts. Text with two spaces in a row (a token can hold two marks) goes whole, as do
    empty text and all text when ``words`` is None. One text at a time: the tokenizer's batch call
    would start threads of its own, and a process forked after them (the build's worker) would run
    without them."""
    known: dict[str, list[int]] = {}

    def ids_of(text: str) -> list[int]:
        if words is None or not text or "  " in text or text.startswith(" "):
            whole: list[int] = tokenizer.encode(text, add_special_tokens=False).ids
            return whole
        ids: list[int] = []
        for word in text.split(" "):
            found = known.get(word)
            if found is None:
                found = known[word] = words.encode(WORD_MARK + word, add_special_tokens=False).ids
            ids += found
        return ids

    return ids_of


def paper_space(papers: Sequence[Paper], remembered: Table[Any] | None = None) -> np.ndarray:
    """Each paper's title and abstract in the table's space, unit rows (float32), rows in slug order
    (as ``links.similar_papers`` orders them). Needs only the papers: the build computes it on the
    second core while ``similar_papers`` runs. ``remembered``: each text's token ids from an earlier
    build (``cache.Table``)."""
    ordered = sorted({p.slug: p for p in papers}.values(), key=lambda p: p.slug)
    if not ordered:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    table, tokenizer = _model()
    width = np.uint16 if table.shape[0] <= 1 << 16 else np.uint32
    ids_of = _tokenizing(tokenizer, _word_tokenizer())

    def packed(text: str) -> bytes:
        return np.asarray(ids_of(text), dtype=width).tobytes()

    texts = [f"{p.title}. {p.abstract}" for p in ordered]
    found = [remembered.get(text, packed) for text in texts] if remembered else [packed(text) for text in texts]
    lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found)) // np.dtype(width).itemsize
    tokens = np.frombuffer(b"".join(found), dtype=width).astype(np.int64)
    rows = np.repeat(np.arange(len(found)), lengths)
    counts = sparse.csr_matrix(
        (np.ones(len(tokens), dtype=np.float32), (rows, tokens)), shape=(len(found), table.shape[0])
    )
    papers_with = np.bincount(counts.indices, minlength=table.shape[0])
    rarity = (np.log((len(found) + 1) / (papers_with + 1)) + 1).astype(np.float32)
    weighted = sparse.csr_matrix(counts @ sparse.diags(rarity))
    space = np.asarray(weighted @ table, dtype=np.float32)
    space /= np.maximum(np.asarray(weighted.sum(axis=1), dtype=np.float32), 1e-6)
    space -= space.mean(axis=0, dtype=np.float64).astype(np.float32)
    norms = np.linalg.norm(space, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (space / norms).astype(np.float32)
    return result
