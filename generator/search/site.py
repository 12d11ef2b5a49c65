"""A built site's search, opened for the terminal (``python -m generator search``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SearchFileError
from .query import SearchIndex
from .searchfile import (
    DOCS,
    ENGINES,
    FACETS,
    FIELDS,
    FORMAT,
    PIPELINE,
    QUERY,
    REBUILD,
    SITE_DATA,
    SITE_SETTINGS,
    from_script,
    other_format,
)


@dataclass(frozen=True)
class SiteSearch:
    """A built site's search, opened for the terminal."""

    index: SearchIndex
    """The search file, loaded."""
    source: Path
    """The file it was read from."""
    site_url: str
    """The address the site is published at (``""`` when not configured)."""
    note: str | None
    """Why ``source`` is not in the site asked for (its search box asks Pagefind), if so."""


def open_site(site: Path) -> SiteSearch:
    """Load a built site's search file as its search box does; for a site whose search box asks
    Pagefind, the offline build's beside it (``site-offline/`` next to ``site/``), which has the
    same papers. Raises :class:`SearchFileError`, naming the file, for a missing folder or file
    and for one that is damaged or of another version."""
    if site.exists() and not site.is_dir():
        raise SearchFileError("not a folder: name the built site's folder (such as site/)", str(site))
    settings_file = site / SITE_SETTINGS
    settings = _settings(settings_file)
    site_url = settings["site_url"]
    note = None
    if settings["engine"] == "pagefind":
        # Resolved first: the folder of `--site .` has a name only once resolved.
        hosted = site.resolve()
        offline = hosted.parent / f"{hosted.name}-offline"
        note = f"{site}/ is searched with Pagefind in the browser; searching {offline / SITE_DATA['offline']}"
        site, settings_file = offline, offline / SITE_SETTINGS
        settings = _settings(settings_file)
    if not settings["data"]:
        raise SearchFileError(f"the search settings name no search file: {REBUILD}", str(settings_file))
    source = site / settings["data"].split("?", 1)[0]
    text = _read(source)
    try:
        data = json.loads(from_script(text) if source.suffix == ".js" else text)
    except ValueError as error:
        raise SearchFileError(f"not valid JSON ({error}): {REBUILD}", str(source)) from None
    try:
        check(data)
        index = SearchIndex(data)
    except SearchFileError as error:
        raise SearchFileError(error.message, str(source)) from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        reason = f"{type(error).__name__}: {error}"
        raise SearchFileError(f"not a search file this version reads ({reason}): {REBUILD}", str(source)) from None
    return SiteSearch(index, source, site_url, note)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SearchFileError("not found: build the site first with `python -m generator build`", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SearchFileError(f"cannot be read ({reason}): {REBUILD}", str(path)) from None


def _settings(path: Path) -> dict[str, Any]:
    """The generator's part of a built site's search settings (``config.papers``), checked."""
    try:
        loaded = json.loads(_read(path))
    except ValueError as error:
        raise SearchFileError(f"not valid JSON ({error}): {REBUILD}", str(path)) from None
    config = loaded.get("config") if isinstance(loaded, dict) else None
    settings = config.get("papers") if isinstance(config, dict) else None
    if not isinstance(settings, dict):
        raise SearchFileError(f"holds no search settings of this generator: {REBUILD}", str(path))
    if settings.get("format") != FORMAT:
        raise SearchFileError(other_format(settings.get("format")), str(path))
    engine, data, site_url = settings.get("engine"), settings.get("data", ""), settings.get("site_url", "")
    if engine not in ENGINES or not isinstance(data, str) or not isinstance(site_url, str):
        raise SearchFileError(f"search settings of an unknown shape: {REBUILD}", str(path))
    return {**settings, "data": data, "site_url": site_url}


def check(data: Any) -> None:
    """Raise :class:`SearchFileError` unless ``data`` has the layout :func:`generator.search.index.build` writes: the
    one place that checks what :class:`SearchIndex` and the worker index into (every column as
    long as the others, every number naming an entry that exists, the index terms sorted and
    distinct). The columns are checked whole, a type or a bound at a time (``map`` and ``min``
    rather than a Python loop over every value): about 10 ms at 10,000 papers."""

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise SearchFileError(f"not a search file this version reads ({what}): {REBUILD}")

    need(isinstance(data, dict), "not a JSON object")
    if data.get("format") != FORMAT:
        raise SearchFileError(other_format(data.get("format")))
    query, facets, sets, docs, index = (data.get(k) for k in ("query", "facets", "topic_sets", "docs", "index"))
    need(isinstance(data.get("full_text"), bool) and data.get("engine") in ENGINES, "no engine or full_text")
    need(
        isinstance(query, dict) and all(isinstance(query.get(k), int | float) for k in QUERY),
        "no query settings",
    )
    need(
        isinstance(facets, dict)
        and all(
            isinstance(facets.get(name), list) and all(isinstance(row, list) and len(row) == 3 for row in facets[name])
            for name in FACETS
        ),
        "no facet values",
    )
    topics, orgs = len(facets["topic"]), len(facets["org"])
    need(
        isinstance(sets, list)
        and all(isinstance(s, list) and len(s) == 2 and all(_numbers(n, 0, topics) for n in s) for s in sets),
        "a topic set names a topic that is not there",
    )
    need(isinstance(docs, dict) and all(isinstance(docs.get(name), list) for name in DOCS), "no documents")
    count = len(docs["location"])
    need(all(len(docs[name]) == count for name in DOCS), "document columns of different lengths")
    need(
        all(_only(docs[name], str) for name in (*DOCS[:3], "date")),
        "a document's address, title, text or date is not text",
    )
    need(_numbers(docs["topics"], -1, len(sets)), "a document names a topic set that is not there")
    need(_numbers(docs["org"], -1, orgs), "a document names an organisation that is not there")
    need(isinstance(index, dict), "no index")
    terms, term_index, vectors = index.get("terms"), index.get("term_index"), index.get("vectors")
    need(
        index.get("fields") == list(FIELDS) and index.get("pipeline") == list(PIPELINE) and isinstance(vectors, dict),
        "an index of other fields or pipeline",
    )
    need(isinstance(terms, list) and _only(terms, str), "no index terms")
    # Sorted and distinct: lunr's token set is built from them in this order (the terminal walks them so).
    need(terms == sorted(terms) and len(set(terms)) == len(terms), "index terms out of order or repeated")
    need(
        _numbers(term_index, 0, len(terms)) and len(term_index) == len(set(term_index)) == len(terms),
        "index term numbers that are not one per term",
    )
    for name in FIELDS:
        of_field = vectors.get(name)
        need(isinstance(of_field, list) and len(of_field) == count, f"no {name} vector for every document")
        need(
            _only(of_field, list)
            and not any(length % 2 for length in map(len, of_field))
            and _numbers(list(itertools.chain.from_iterable(e[::2] for e in of_field)), 0, len(terms))
            and _only(itertools.chain.from_iterable(e[1::2] for e in of_field), int, float, bool),
            f"a {name} vector names a term that is not there",
        )


def _only(values: Iterable[Any], *types: type) -> bool:
    """Whether every value is of one of ``types`` exactly (JSON gives no subclasses but ``bool``, an ``int``)."""
    return set(map(type, values)) <= set(types)


def _numbers(values: Any, low: int, high: int) -> bool:
    """Whether ``values`` is a list of integers (not ``bool``) from ``low`` to below ``high``."""
    return isinstance(values, list) and (
        not values or (_only(values, int) and low <= min(values) and max(values) < high)
    )
