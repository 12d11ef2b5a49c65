"""The site's search, the same in the browser and in the terminal: a package a module per concern.

- :mod:`.searchfile`: the search file's names, paths, layout and script form, and its check; no
  heavy imports (the MkDocs hook and the browser's scripts follow it);
- :mod:`.text`: folding, words and index terms (with :mod:`.stemmer`, lunr.js's stemmer in Python);
- :mod:`.index`: the search file built from a corpus (the build's ``search`` stage);
- :mod:`.query`: a query parsed, planned with bounded work and ranked (:class:`SearchIndex`);
- :mod:`.site`: a built site's search file opened for ``python -m generator search``;
- ``worker.js``: the search box's worker, the browser's copy of :mod:`.text` and :mod:`.query`.

The names below are importable from the package itself (``search.build``, ``search.open_site``);
each module is imported on first use, so reading :mod:`.searchfile` costs no lunr or numpy.

The generator builds one lunr index of the papers, topics and organisations (PyPI ``lunr``, the
Python port of lunr.js) and writes it, with what a result shows and the facet values, to
``docs/search/index.json`` (the search file, in a compact layout: :data:`DOCS`,
:func:`compact_index`). The MkDocs hook copies it into each site (:data:`SITE_DATA`) and names it
in the settings Material's search dialog loads and hands to the site's search worker
(``generator/search/worker.js``, :data:`SITE_SETTINGS`); the worker then loads the file itself and
builds the index with lunr.js instead of indexing in the browser. ``python -m generator search``
loads the same file from the built site (:func:`open_site`) and makes lunr's index of it only as
far as its query reaches (:func:`load_index`). Past :data:`LUNR_LIMIT` papers the hosted site's
box asks Pagefind instead (:func:`choose_engine`).

Both sides read text the same way (:func:`fold`, :func:`words`: ``Σ`` is a word, ``D²GS`` is
``d2gs``, ``ＧＰＴ`` is ``gpt``, ``café`` is ``cafe``) and turn a query into the same lunr clauses
(:func:`plan`), with the settings written into the file (:data:`QUERY`), so they rank alike:

- every word matches its stem exactly (boost 10), from three letters the start of a longer word
  (boost 1: the query is typed a letter at a time), and, from five letters, when the index lacks
  the word, words one edit away (two from nine letters; boost 0.1: typing slips). Stop words ("a",
  "of") count only when typed whole and are never reported missing;
- ``topic:``, ``year:`` and ``org:`` terms narrow the results to papers with that topic (or a
  narrower one), year or organisation; alone they list those papers, newest first;
- a result's score is lunr's, times ``1 + coverage²`` (coverage: the share of the query's words it
  matches), so a paper holding every word of a pasted title comes first;
- the work of one query is bounded (the last five settings of :data:`QUERY`): a pasted paragraph,
  address or 2,000 × ``a`` answers in a fraction of a second.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what mypy sees of the names __getattr__ gives
    from ..errors import SearchFileError as SearchFileError
    from .index import build as build
    from .index import lunr_index as lunr_index
    from .query import Hit as Hit
    from .query import Parsed as Parsed
    from .query import SearchIndex as SearchIndex
    from .query import count_starting as count_starting
    from .query import edit_distance as edit_distance
    from .query import load_index as load_index
    from .query import matched_words as matched_words
    from .query import papers_found as papers_found
    from .query import parse as parse
    from .query import plan as plan
    from .query import searched_words as searched_words
    from .searchfile import DOCS as DOCS
    from .searchfile import ENGINES as ENGINES
    from .searchfile import FACETS as FACETS
    from .searchfile import FIELDS as FIELDS
    from .searchfile import FORMAT as FORMAT
    from .searchfile import INDEX_FILE as INDEX_FILE
    from .searchfile import LUNR_LIMIT as LUNR_LIMIT
    from .searchfile import QUERY as QUERY
    from .searchfile import SCRIPT_VARIABLE as SCRIPT_VARIABLE
    from .searchfile import SITE_DATA as SITE_DATA
    from .searchfile import SITE_SETTINGS as SITE_SETTINGS
    from .searchfile import Documents as Documents
    from .searchfile import as_script as as_script
    from .searchfile import choose_engine as choose_engine
    from .searchfile import compact_index as compact_index
    from .searchfile import documents as documents
    from .searchfile import expand_index as expand_index
    from .searchfile import from_script as from_script
    from .site import SiteSearch as SiteSearch
    from .site import check as check
    from .site import open_site as open_site
    from .stemmer import stem as stem
    from .text import DASHES as DASHES
    from .text import SPACES as SPACES
    from .text import compatibility_words as compatibility_words
    from .text import facet_value as facet_value
    from .text import fold as fold
    from .text import index_terms as index_terms
    from .text import words as words

_HOMES = {
    "index": ("build", "lunr_index"),
    "query": ("Hit", "Parsed", "SearchIndex", "count_starting", "edit_distance", "load_index", "matched_words", "papers_found", "parse", "plan",
              "searched_words"),
    "searchfile": ("DOCS", "Documents", "ENGINES", "FACETS", "FIELDS", "FORMAT", "INDEX_FILE", "LUNR_LIMIT", "QUERY",
                   "SCRIPT_VARIABLE", "SITE_DATA", "SITE_SETTINGS", "as_script",
                   "choose_engine", "compact_index", "documents", "expand_index", "from_script"),
    "site": ("SearchFileError", "SiteSearch", "check", "open_site"),
    "stemmer": ("stem",),
    "text": ("DASHES", "SPACES", "compatibility_words", "facet_value", "fold", "index_terms", "words"),
}  # fmt: skip
_HOME = {name: module for module, names in _HOMES.items() for name in names}
__all__ = [
    "DASHES",
    "DOCS",
    "ENGINES",
    "FACETS",
    "FIELDS",
    "FORMAT",
    "INDEX_FILE",
    "LUNR_LIMIT",
    "QUERY",
    "SCRIPT_VARIABLE",
    "SITE_DATA",
    "SITE_SETTINGS",
    "SPACES",
    "Documents",
    "Hit",
    "Parsed",
    "SearchFileError",
    "SearchIndex",
    "SiteSearch",
    "as_script",
    "build",
    "check",
    "choose_engine",
    "compact_index",
    "compatibility_words",
    "count_starting",
    "documents",
    "edit_distance",
    "expand_index",
    "facet_value",
    "fold",
    "from_script",
    "index_terms",
    "load_index",
    "lunr_index",
    "matched_words",
    "open_site",
    "papers_found",
    "parse",
    "plan",
    "searched_words",
    "stem",
    "words",
]


def __getattr__(name: str) -> Any:
    """A name of :data:`__all__`, from the module that owns it (imported now, once), or a module of the package."""
    if name in _HOMES:  # a module of the package: ``search.index``
        return importlib.import_module(f".{name}", __name__)
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
