"""Candidate topics for the papers the taxonomy serves poorly (generator/suggest.py, ``topics suggest``)."""

from __future__ import annotations

from pathlib import Path

from generator.topics import load_taxonomy


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yml"
    path.write_text(text)
    return path


def test_topics_suggest_prints_topics_ready_to_paste(tmp_path, capsys):
    """Papers no topic fits form a group; the suggestion is YAML a topics file accepts, with examples."""
    import yaml

    from generator.__main__ import main

    taxonomy = write(tmp_path, "fallback: Other\ntopics:\n  - name: Distillation\n    description: x\n"
                     "    keywords: [distill*]\n  - name: Other\n    description: y\n")  # fmt: skip
    listing = tmp_path / "l.txt"
    blocks = []
    for i in range(12):
        blocks.append(f"Protein Folding Study {i}\n\nWe predict protein folding structures with graph networks "
                      f"and residue contact maps, number {i}, from amino acid sequences.")  # fmt: skip
        blocks.append(f"Distilling Models {i}\n\nWe distill a teacher into a student, knowledge distillation {i}.")
    listing.write_text("\n\n".join(blocks) + "\n")
    assert main(["topics", "suggest", str(listing), "--topics", str(taxonomy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 12 of 24 papers are served poorly")
    topics = yaml.safe_load(out)
    assert topics and {"name", "description", "keywords"} <= set(topics[0])
    assert any("protein" in k for k in topics[0]["keywords"])
    assert out.count("(papers/protein-folding-study-") == 5
    data = yaml.safe_load(taxonomy.read_text())
    data["topics"] += topics
    assert len(load_taxonomy(write(tmp_path, yaml.safe_dump(data))).topics) == 2 + len(topics)
