"""MkDocs hooks of both builds: accessibility fixes to the theme's output, and the offline shim.

- Material's search dialog has no accessible name (axe: aria-dialog-name); one is added here
  rather than by copying the theme's template into the project.
- The offline build serves the iframe-worker shim installed by ``npm ci`` instead of loading it
  from a CDN.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

SHIM = Path("node_modules/iframe-worker/shim/index.js")
"""Where ``npm ci`` installs the shim, relative to the project root (the config file's folder)."""

SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
"""Where the shim lands in the offline site."""

_FEED_TITLE = re.compile(r"(<item>\s*<title>)(.*?)(</title>)", re.DOTALL)
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def _offline(config: MkDocsConfig) -> bool:
    return "material/offline" in config.plugins or "offline" in config.plugins


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Offline build: point Material's polyfills at the local shim, not the CDN address."""
    if _offline(config):
        config.extra["polyfills"] = [SHIM_URI]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Offline build: add the shim installed from the npm registry to the site's files."""
    if not _offline(config):
        return files
    shim = Path(config.config_file_path).parent / SHIM
    if not shim.is_file():
        raise PluginError(f"{SHIM} is missing: run `npm ci` in the project folder, then build again")
    files.append(File.generated(config, SHIM_URI, abs_src_path=str(shim)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Give the search dialog an accessible name."""
    return output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)


def on_post_build(config: MkDocsConfig) -> None:
    """Undo the double escaping of item titles in the RSS feed.

    The generator HTML-escapes page titles because Material prints them as HTML; the feed plugin
    escapes them again, so readers would show ``&amp;lt;``. One unescape gives XML-escaped text.
    """
    for feed in Path(config.site_dir).glob("feed_rss_*.xml"):
        text = feed.read_text(encoding="utf-8")
        fixed = _FEED_TITLE.sub(lambda m: m[1] + html.unescape(m[2]) + m[3], text)
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")
