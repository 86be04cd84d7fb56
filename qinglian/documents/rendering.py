"""Render an OfficialDocument as .docx (python-docx) or PDF (WeasyPrint), GB/T 9704-2012 layout.

Rendering a PDF takes about a second: call these from services (or a background task), never
in a loop over many documents inside a request.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from django.template.loader import render_to_string

from qinglian.documents.content import OfficialDocument, Table

RED = "E60012"
LINE_PT = 28.95  # 225 mm text block / 22 lines
TEXT_WIDTH_PT = 442.2  # 156 mm
_CSS = Path(__file__).with_name("pdf") / "official.css"

# WeasyPrint logs every layout step at INFO; the application log only needs its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The .docx is edited on office PCs that have the fonts GB/T 9704 names; the PDF, rendered on the
# server, uses Noto Serif CJK SC for all of them (see pdf/official.css).
DOCX_FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "number": "宋体"}


def _red_header_size(text: str) -> float:
    """初号 (42 pt) unless the mark is too long for one line of the text block."""
    return round(min(42.0, TEXT_WIDTH_PT / max(len(text), 1) * 0.96), 1)


# --- PDF --------------------------------------------------------------------------------------


def _refusing_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Documents reference no resource at all: anything WeasyPrint asks for is refused, so a
        document can never make the server fetch a URL."""

        def fetch(self, url, headers=None):
            raise ValueError(f"external resources are not allowed in documents: {url[:80]}")

    return LocalOnlyFetcher(fail_on_errors=True)


def render_pdf(doc: OfficialDocument) -> bytes:
    from weasyprint import CSS, HTML

    fetcher = _refusing_fetcher()
    blocks = [
        {"is_table": True, "table": b} if isinstance(b, Table) else {"is_table": False, "text": b}
        for b in doc.body
    ]
    html = render_to_string("documents/official.html", {"doc": doc, "blocks": blocks})
    stylesheets = [CSS(string=_CSS.read_text(encoding="utf-8"), base_url=None, url_fetcher=fetcher)]
    if doc.red_header:
        size = _red_header_size(doc.red_header)
        stylesheets.append(CSS(string=f".red-header {{ font-size: {size}pt; }}", url_fetcher=fetcher))
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)


# --- DOCX -------------------------------------------------------------------------------------


def _set_run_font(run, name: str, size_pt: float, *, bold=False, color: str | None = None):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph(
    document,
    text="",
    *,
    align=None,
    indent_chars=0,
    font=None,
    size=16.0,
    bold=False,
    color=None,
    space_before_lines=0.0,
    exact=True,
):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    p = document.add_paragraph()
    fmt = p.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(space_before_lines * LINE_PT)
    fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = Pt(indent_chars * size)
    if align is not None:
        p.alignment = align
    if text:
        _set_run_font(p.add_run(text), font or DOCX_FONTS["body"], size, bold=bold, color=color)
    return p


def _border(paragraph, side: str, *, color="000000", eighths_pt=8):
    """A paragraph border line (w:pBdr), used for the red rule and the 版记 lines."""
    from docx.oxml.ns import qn

    ppr = paragraph._element.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = ppr.makeelement(qn("w:pBdr"), {})
        ppr.append(pbdr)
    el = pbdr.makeelement(
        qn(f"w:{side}"),
        {qn("w:val"): "single", qn("w:sz"): str(eighths_pt), qn("w:space"): "1", qn("w:color"): color},
    )
    pbdr.append(el)


def _page_number_footer(footer, *, align):
    """ "— PAGE —" in 4号 宋体."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.left_indent = Pt(14)
    fmt.right_indent = Pt(14)
    _set_run_font(p.add_run("— "), DOCX_FONTS["number"], 14)
    run = p.add_run()
    _set_run_font(run, DOCX_FONTS["number"], 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _set_run_font(p.add_run(" —"), DOCX_FONTS["number"], 14)


def _setup_section(document):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)  # the number's top sits 7 mm below the text block
    # A grid of 22 lines per page (linePitch in twentieths of a point).
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = sect_pr.makeelement(qn("w:docGrid"), {})
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, align=WD_ALIGN_PARAGRAPH.LEFT)


def _docx_table(document, table: Table):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if table.caption:
        _paragraph(document, table.caption, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=12, exact=False)
    t = document.add_table(rows=1, cols=len(table.header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, table.header, strict=True):
        cell.text = ""
        _set_run_font(cell.paragraphs[0].add_run(text), DOCX_FONTS["body"], 12, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in table.rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, list(row) + [""] * (len(cells) - len(row)), strict=False):
            _set_run_font(cell.paragraphs[0].add_run(str(text)), DOCX_FONTS["body"], 12)


def render_docx(doc: OfficialDocument) -> bytes:
    from docx import Document as DocxDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = DocxDocument()
    _setup_section(document)
    document.core_properties.title = doc.title
    document.core_properties.author = doc.issuing_body
    # Drop the template's empty first paragraph, if any.
    for p in list(document.paragraphs):
        p._element.getparent().remove(p._element)

    center = WD_ALIGN_PARAGRAPH.CENTER
    if doc.red_header:
        mark = _paragraph(document, align=center, exact=False)
        mark.paragraph_format.space_before = Pt(35 / 25.4 * 72)
        _set_run_font(
            mark.add_run(doc.red_header),
            DOCX_FONTS["title"],
            _red_header_size(doc.red_header),
            bold=True,
            color=RED,
        )
        number = _paragraph(document, doc.number, align=center, space_before_lines=2)
        _border(number, "bottom", color=RED, eighths_pt=12)
        _paragraph(document)
        _paragraph(document)
    elif doc.number:
        _paragraph(document, doc.number, align=center)
    _paragraph(document, doc.title, align=center, font=DOCX_FONTS["title"], size=22, bold=True)
    _paragraph(document)
    if doc.addressee:
        _paragraph(document, f"{doc.addressee}：")
    for block in doc.body:
        if isinstance(block, Table):
            _docx_table(document, block)
        else:
            _paragraph(document, block, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if doc.attachment_lines:
        _paragraph(document)
        for line in doc.attachment_lines:
            _paragraph(document, line, indent_chars=2)
    _paragraph(document)
    _paragraph(document)
    # 成文日期右空四字; the signature is centred over the date.
    date_width = len(doc.date_text)
    sign = _paragraph(document, doc.issuing_body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(16 * (4 + max(0, (date_width - len(doc.issuing_body)) / 2)))
    date_p = _paragraph(document, doc.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date_p.paragraph_format.right_indent = Pt(16 * (4 + max(0, (len(doc.issuing_body) - date_width) / 2)))
    if doc.cc or doc.printed_by:
        _paragraph(document)
        lines = []
        if doc.cc:
            lines.append(_paragraph(document, f"抄送：{doc.cc}。", size=14))
        if doc.printed_by:
            p = _paragraph(document, size=14)
            p.paragraph_format.tab_stops.add_tab_stop(
                Pt(TEXT_WIDTH_PT - 14),
                alignment=2,  # WD_TAB_ALIGNMENT.RIGHT
            )
            _set_run_font(p.add_run(f"{doc.printed_by}\t{doc.printed_text}"), DOCX_FONTS["body"], 14)
            lines.append(p)
        for line in lines:
            line.paragraph_format.left_indent = Pt(14)
            line.paragraph_format.right_indent = Pt(14)
            line.paragraph_format.first_line_indent = Pt(0)
        _border(lines[0], "top", eighths_pt=8)
        if len(lines) > 1:
            _border(lines[1], "top", eighths_pt=6)
        _border(lines[-1], "bottom", eighths_pt=8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
