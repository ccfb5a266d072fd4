"""Native bar charts for :mod:`kpi.report.xlsx`: DrawingML chart and drawing parts.

A chart shows ranges of cells of the sheet it sits on. Every series carries the
cached values of those cells (``c:strCache``/``c:numCache``), taken from the
very cells the writer writes, so Excel, WPS and LibreOffice draw it on opening
without recalculating, and the chart can never disagree with its cells.

Only what the summary sheet needs: vertical bars, clustered or stacked, a
title, a legend below, a value axis with a number format, fixed colours (no
theme part is needed). The parts are those Excel itself writes:
``xl/drawings/drawingN.xml`` anchors the charts to cells, ``xl/charts/chartN.xml``
holds each chart, and relationships tie sheet → drawing → charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
SHEET_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_REL = f"{REL_NS}/drawing"
CHART_REL = f"{REL_NS}/chart"

#: Series colours, in order (Office's default palette, written out: no theme needed).
COLOURS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")


@dataclass(frozen=True)
class Span:
    """Cells of one column: ``column`` counts from 0, ``first`` and ``last`` are sheet rows (from 1)."""

    column: int
    first: int
    last: int


@dataclass(frozen=True)
class Series:
    """One series: its name is the text of cell ``name``; its values are the cells of ``values``."""

    name: Span
    values: Span


@dataclass(frozen=True)
class Chart:
    """A bar chart anchored from cell ``top_left`` to ``bottom_right`` (column, row; both from 0)."""

    title: str
    categories: Span
    series: Sequence[Series]
    top_left: tuple[int, int]
    bottom_right: tuple[int, int]
    value_format: str = "General"
    stacked: bool = False


Lookup = Callable[[int, int], Any]  # (sheet row from 1, column from 0) → the cell's value


def letter(index: int) -> str:
    """Excel's column letters of column ``index`` (from 0): A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _ref(sheet: str, span: Span) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    column = letter(span.column)
    if span.first == span.last:
        return f"{quoted}!${column}${span.first}"
    return f"{quoted}!${column}${span.first}:${column}${span.last}"


def _rows(span: Span) -> range:
    return range(span.first, span.last + 1)


def _str_ref(sheet: str, span: Span, lookup: Lookup) -> str:
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{escape(_shown(lookup(row, span.column)))}</c:v></c:pt>'
        for i, row in enumerate(_rows(span))
        if lookup(row, span.column) is not None
    )
    return (
        f"<c:strRef><c:f>{escape(_ref(sheet, span))}</c:f><c:strCache>"
        f'<c:ptCount val="{len(_rows(span))}"/>{points}</c:strCache></c:strRef>'
    )


def _shown(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _num_ref(sheet: str, span: Span, lookup: Lookup, number_format: str) -> str:
    points = []
    for i, row in enumerate(_rows(span)):
        value = lookup(row, span.column)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            continue  # a blank (or text) is a gap, as Excel shows it
        shown = int(value) if isinstance(value, int) else format(value, "f")
        points.append(f'<c:pt idx="{i}"><c:v>{shown}</c:v></c:pt>')
    return (
        f"<c:numRef><c:f>{escape(_ref(sheet, span))}</c:f><c:numCache>"
        f"<c:formatCode>{escape(number_format)}</c:formatCode>"
        f'<c:ptCount val="{len(_rows(span))}"/>{"".join(points)}</c:numCache></c:numRef>'
    )


def _text_props(size: int, bold: bool = False) -> str:
    b = ' b="1"' if bold else ""
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"{b}/></a:pPr>'
        '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def chart_xml(chart: Chart, sheet: str, lookup: Lookup) -> str:
    """The ``xl/charts/chartN.xml`` part of ``chart``, on sheet ``sheet``."""
    series = []
    for order, s in enumerate(chart.series):
        colour = COLOURS[order % len(COLOURS)]
        series.append(
            f'<c:ser><c:idx val="{order}"/><c:order val="{order}"/>'
            f"<c:tx>{_str_ref(sheet, s.name, lookup)}</c:tx>"
            f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr>'
            '<c:invertIfNegative val="0"/>'
            f"<c:cat>{_str_ref(sheet, chart.categories, lookup)}</c:cat>"
            f"<c:val>{_num_ref(sheet, s.values, lookup, chart.value_format)}</c:val></c:ser>"
        )
    grouping = "stacked" if chart.stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if chart.stacked else ""
    title = (
        '<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="zh-CN" sz="1200" b="1"/><a:t>{escape(chart.title)}</a:t></a:r></a:p>'
        '</c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
    )
    axes = (
        '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'{_text_props(900)}<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln w="6350">'
        '<a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        f'<c:numFmt formatCode="{escape(chart.value_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_text_props(900)}<c:crossAx val="500000001"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{CHART_NS}" xmlns:a="{DRAWING_NS}" xmlns:r="{REL_NS}">'
        '<c:roundedCorners val="0"/>'
        f"<c:chart>{title}<c:plotArea><c:layout/>"
        f'<c:barChart><c:barDir val="col"/><c:grouping val="{grouping}"/><c:varyColors val="0"/>'
        f'{"".join(series)}<c:gapWidth val="80"/>{overlap}'
        '<c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>'
        f"{axes}</c:plotArea>"
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln w="6350">'
        '<a:solidFill><a:srgbClr val="BFBFBF"/></a:solidFill></a:ln></c:spPr>'
        "</c:chartSpace>"
    )


def drawing_xml(charts: Sequence[Chart]) -> str:
    """The ``xl/drawings/drawingN.xml`` part: one anchored frame per chart, ``rId1``… in order."""
    frames = []
    for n, chart in enumerate(charts, start=1):
        (c1, r1), (c2, r2) = chart.top_left, chart.bottom_right
        frames.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            f"<xdr:from><xdr:col>{c1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r1}</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{c2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r2}</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" '
            f'name="Chart {n}" descr={_attr(chart.title)}/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{CHART_NS}">'
            f'<c:chart xmlns:c="{CHART_NS}" r:id="rId{n}"/></a:graphicData></a:graphic>'
            "</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{SHEET_DRAWING_NS}" xmlns:a="{DRAWING_NS}" xmlns:r="{REL_NS}">'
        f"{''.join(frames)}</xdr:wsDr>"
    )


def _attr(text: str) -> str:
    return '"' + escape(text, {'"': "&quot;"}) + '"'
