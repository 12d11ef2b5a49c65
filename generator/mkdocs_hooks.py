"""MkDocs hooks of the offline build: serve the iframe-worker shim from the site, not a CDN."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SHIM = Path("node_modules/iframe-worker/shim/index.js")
"""Where ``npm ci`` installs the shim, relative to the project root (the config file's folder)."""

SHIM_URI = "assets/javascripts/iframe-worker-shim.js"
"""Where the shim lands in the built site."""


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Point Material's polyfills at the local shim before the offline plugin adds its CDN address."""
    config.extra["polyfills"] = [SHIM_URI]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the shim installed from the npm registry to the site's files."""
    shim = Path(config.config_file_path).parent / SHIM
    if not shim.is_file():
        raise PluginError(f"{SHIM} is missing: run `npm ci` in the project folder, then build again")
    files.append(File.generated(config, SHIM_URI, abs_src_path=str(shim)))
    return files
