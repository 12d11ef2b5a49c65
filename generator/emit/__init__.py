"""Page output: a corpus becomes the files of docs/ (the build's ``render`` and ``pages`` stages).

- :mod:`.render`: every file of docs/ from a corpus, by relative path (pages with YAML front
  matter through the Markdown templates in ``templates/``, papers.json/CSV, feeds);
- views of papers written as HTML once and printed by the templates: :mod:`.facts` (a paper page's
  metadata line, links, related papers, "Mentioned by"), :mod:`.lists` (lists of papers),
  :mod:`.charts` (inline SVG charts, the topic map);
- data the site's scripts read: :mod:`.previews` (previews of papers), :mod:`.reading` (the
  reading list's exports), with :mod:`.cite` (a paper's citation and search links);
- :mod:`.formats`: YAML front matter and JSON, the bytes the libraries write, faster;
- :mod:`.escape`: listing text written as text into Markdown, HTML and CSV, never run;
- :mod:`.addresses`: hosted and offline addresses, the one owner of both (the offline derivation,
  the MkDocs hook and the templates map links through it).

Nothing here writes a file: the result is bytes by path, which ``generator/write.py`` puts in place.
This file imports nothing: the MkDocs hook imports ``emit.addresses`` with generator/ on the path.
"""
