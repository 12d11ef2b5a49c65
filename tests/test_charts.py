"""Small charts as inline SVG (generator/emit/charts.py): bars that link when asked, text that keeps its size,
axis labels inside the chart and apart at the narrowest width, and the topic map's rows and arcs."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from generator.emit.charts import ARC_PX, FONT_PX, MAP_EDGES, NARROWEST_PX, ROW_PX, _text_px, bar_chart, topic_map

MONTHS = [(f"{dt.date(2017 + (i + 9) // 12, (i + 9) % 12 + 1, 1):%b %Y}", i % 5) for i in range(97)]
"""Oct 2017 to Oct 2025, as the timeline's chart has them."""

BAR_SETS = {
    "one bar": [("2024", 12)],
    "three years": [("2023", 4), ("2024", 0), ("2025", 31)],
    "twelve months": [(f"{dt.date(2024, m, 1):%b %Y}", m * 3) for m in range(1, 13)],
    "eight years of months": MONTHS,
    "long labels": [(f"A rather long label number {i}", i) for i in range(6)],
}


def label_spans(chart: str, height: int) -> list[tuple[float, float, str]]:
    """Each axis label's left and right edge, in pixels, at the narrowest width, left to right."""
    spans = []
    axis = rf'<text (x="[^"]+"(?: dx="-1")? text-anchor="\w+") y="{height - 4}"[^>]*>([^<]+)<'
    for position, label in re.findall(axis, chart):
        width = _text_px(label)
        if 'text-anchor="end"' in position:
            spans.append((NARROWEST_PX - 1 - width, NARROWEST_PX - 1, label))
        elif 'text-anchor="start"' in position:
            spans.append((1.0, 1.0 + width, label))
        else:
            centre = float(re.search(r'x="([\d.]+)%"', position)[1]) * NARROWEST_PX / 100
            spans.append((centre - width / 2, centre + width / 2, label))
    return spans


def test_no_bars_no_chart() -> None:
    assert bar_chart([], "Papers per year") == ""


def test_chart_bars_link_to_their_sections_and_the_last_label_fits() -> None:
    links = [f"#m{i}" if value else None for i, (_, value) in enumerate(MONTHS)]
    chart = bar_chart(MONTHS, "Papers per month", width=760, height=160, links=links)
    assert re.findall(r'xlink:href="([^"]+)"', chart) == [link for link in links if link]
    assert ' href="' not in chart  # an SVG link's href property cannot be set (Material sets it)
    assert 'role="group"' in chart and chart.count('class="chart__link"') == len([v for _, v in MONTHS if v])
    assert re.findall(r'aria-label="(Oct 2025: \d+)"', chart) == [f"Oct 2025: {MONTHS[-1][1]}"]
    assert "Oct 2025</text>" in chart, "the newest bar is labelled in full"
    spans = label_spans(chart, 160)
    assert spans and spans[-1][2] == "Oct 2025"


def test_without_links_the_chart_is_one_image_with_a_text_alternative() -> None:
    chart = bar_chart([("2024", 3), ("2025", 5)], "Papers per year")
    assert 'role="img"' in chart and "<a " not in chart and "xlink" not in chart
    assert 'aria-label="Papers per year: 2024: 3, 2025: 5"' in chart
    assert "<title>2024: 3</title>" in chart and "<title>2025: 5</title>" in chart  # each bar's tooltip


@pytest.mark.parametrize("bars", BAR_SETS.values(), ids=BAR_SETS.keys())
def test_text_keeps_its_size_on_any_screen(bars: list[tuple[str, int]]) -> None:
    """No viewBox: the drawing is not scaled to the screen, so text is ``FONT_PX`` (at least 12 px)
    however narrow the chart, down to the narrowest width the module keeps legible (a phone)."""
    chart = bar_chart(bars, "Papers", links=["#x"] * len(bars))
    assert "viewBox" not in chart and 'width="100%"' in chart
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', chart)]
    assert sizes and min(sizes) >= FONT_PX >= 12
    assert NARROWEST_PX <= 375 - 2 * 16  # a 375 px phone less the page's margins


@pytest.mark.parametrize("bars", BAR_SETS.values(), ids=BAR_SETS.keys())
def test_axis_labels_stay_inside_the_chart_and_apart_at_the_narrowest_width(bars: list[tuple[str, int]]) -> None:
    chart = bar_chart(bars, "Papers", height=140)
    spans = label_spans(chart, 140)
    assert spans and spans[-1][2] == bars[-1][0], "the last bar is always labelled"
    for left, right, label in spans:
        assert left >= 0 and right <= NARROWEST_PX, f"{label} is cut at an edge"
    for (_, right, label), (left, _, other) in itertools.pairwise(spans):
        assert right <= left, f"{label} touches {other}"


@pytest.mark.parametrize("bars", BAR_SETS.values(), ids=BAR_SETS.keys())
def test_bar_values_are_written_only_where_they_fit_their_bar(bars: list[tuple[str, int]]) -> None:
    chart = bar_chart(bars, "Papers")
    values = re.findall(r'<text x="([\d.]+)%" y="[\d.]+" font-size="\d+" text-anchor="middle"[^>]*>(\d+)<', chart)
    slot = NARROWEST_PX / len(bars)
    for x, value in values:
        centre = float(x) * NARROWEST_PX / 100
        index = int(centre // slot)
        assert bars[index][1] == int(value)
        half = _text_px(value) / 2
        assert index * slot <= centre - half and centre + half <= (index + 1) * slot, f"{value} leaves its bar"
    if values:
        assert {int(v) for _, v in values} == {v for _, v in bars if v}  # zero bars carry no value
    else:
        assert max(_text_px(str(v)) for _, v in bars) + 4 > slot  # left to the tooltips only when they would not fit


def test_chart_text_is_escaped() -> None:
    chart = bar_chart([("<b>&", 1)], 'A "title" <i>', links=['#a"b'])
    assert "<b>" not in chart and "<i>" not in chart and "&lt;b&gt;&amp;" in chart
    assert 'xlink:href="#a&quot;b"' in chart and "A &quot;title&quot; &lt;i&gt;" in chart


# --- the topic map -------------------------------------------------------------------------------

TOPICS = [
    ("efficiency", "Efficiency", None, 40),
    ("quantization", "Quantization", "efficiency", 12),
    ("pruning", "Pruning", "efficiency", 0),
    ("agents", "Agents and tool use by language models", None, 25),
    ("other", "Other", None, 3),
]


def test_the_topic_map_has_a_row_and_a_link_target_for_every_topic_in_order() -> None:
    drawn = topic_map(TOPICS, [])
    nodes = drawn["nodes"]
    assert isinstance(nodes, list)
    assert [(n["slug"], n["name"], n["papers"], n["child"]) for n in nodes] == [
        (slug, name, papers, parent is not None) for slug, name, parent, papers in TOPICS
    ]
    assert drawn["height"] == ROW_PX * len(TOPICS)


def test_the_topic_maps_labels_and_dots_never_overlap() -> None:
    """Names are an HTML list beside the arcs, one per row (overrides/topics.html): rows ``ROW_PX``
    apart hold text of ``FONT_PX``, and dots fit their row, however long a name is."""
    nodes = topic_map(TOPICS, [])["nodes"]
    assert isinstance(nodes, list)
    ys = [n["y"] for n in nodes]
    assert all(b - a == ROW_PX for a, b in itertools.pairwise(ys)) and ROW_PX >= FONT_PX * 1.5
    assert ys[0] - FONT_PX / 2 >= 0 and ys[-1] + FONT_PX / 2 <= ROW_PX * len(TOPICS)
    assert all(0 < n["r"] <= ROW_PX / 2 - 1 for n in nodes), [n["r"] for n in nodes]
    assert nodes[0]["r"] > nodes[1]["r"] > nodes[2]["r"]  # sized by papers


def test_the_topic_map_draws_the_strongest_pairs_inside_its_width() -> None:
    many = [(f"t{i:02d}", f"Topic {i}", None, 10) for i in range(30)]
    pairs = [(f"t{i:02d}", f"t{j:02d}", (i * j) % 17) for i in range(30) for j in range(i + 1, 30)]
    pairs += [("t00", "not-a-topic", 99)]
    drawn = topic_map(many, pairs)
    edges = drawn["edges"]
    assert isinstance(edges, list) and 0 < len(edges) <= MAP_EDGES
    assert [e["papers"] for e in edges] == sorted((e["papers"] for e in edges), reverse=True)
    assert min(e["papers"] for e in edges) >= 2  # a single shared paper is no link worth a line
    strongest = sorted((n for a, b, n in pairs if b != "not-a-topic"), reverse=True)
    assert edges[0]["papers"] == strongest[0]
    for edge in edges:
        start, bulge, half, end = re.fullmatch(
            r"M(\d+) ([\d.]+) A([\d.]+) ([\d.]+) 0 0 0 \d+ ([\d.]+)", edge["d"]
        ).group(2, 3, 4, 5)
        assert ARC_PX - float(bulge) > 0 and float(end) <= drawn["height"], edge  # inside the drawing
        assert float(end) - float(start) == pytest.approx(2 * float(half))
    assert drawn["width"] > ARC_PX  # room for the dots on the arcs' right edge
