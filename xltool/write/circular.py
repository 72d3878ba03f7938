"""``rollup --notice 通报.docx``: the 通报 (circular to leaders and units on how the plan is
going) as a Word draft in the layout GB/T 9704-2012 gives official documents.

The layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm
text block of 22 lines of 28 characters); title in 2号 小标宋, centred; body in 3号 仿宋 on a
fixed 28.95 pt line; headings (一、) in 黑体; page numbers in 4号 宋体 as “— 1 —”, outer
side (odd pages right, even pages left); the list of overdue tasks as the 附件, on a page of
its own after the signature. Tables repeat their header
row on every page and keep each row on one page. Everything is plain paragraphs and tables
(no text boxes, no fields but the page number), so the office edits it like any document and
pastes it under its own letterhead.

Every figure is taken from the Rollup that 汇总.xlsx is written from (tests/test_circular.py
compares the two).
"""

from __future__ import annotations

import datetime as dt
import re
from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..basedate import LEDGER, TODAY
from ..config import DEFAULT_CIRCULAR
from ..textnorm import one_line
from .atomic import OUTPUT_MARK, atomic_path
from .cells import clean_text

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
LATIN_FONT, PAGE_FONT = "Times New Roman", "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_TABLE = Pt(22), Pt(16), Pt(14), Pt(12)  # 2号, 3号, 4号, 小四
LINE = Pt(28.95)  # 225 mm / 22 lines
TEXT_WIDTH_MM = 156
_DIGITS = "零一二三四五六七八九"
_FIGURE = re.compile(r"[-+—\d.%/ ]*")  # a table cell of figures is centred, a name or a text is not


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五, 110 → 一百一十 (section numbers)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = "" if not rest else "零" + _DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + cn_number(rest)
        return _DIGITS[hundreds] + "百" + tail
    return str(n)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def percent(x: float) -> str:
    return f"{x * 100:.1f}%"


def period(result) -> str:
    """“截至2020年11月20日”, or the span of the ledgers' own 填报日期, as the roll-up judged."""
    if result.as_of is not None:
        return f"截至{cn_date(result.as_of)}"
    own = sorted({b.date for b in result.bases if b.source == LEDGER})
    today = [b for b in result.bases if b.source == TODAY]
    if not own:
        return f"截至{cn_date(today[0].date if today else dt.date.today())}"
    text = f"截至{cn_date(own[0])}" if len(own) == 1 else f"截至各单位填报日期（{cn_date(own[0])}至{cn_date(own[-1])}）"
    return text + (f"（{len(today)}份台账未填填报日期，按{cn_date(today[0].date)}计）" if today else "")


def _fonts(run, east: str, size, bold: bool = False, latin: str = LATIN_FONT) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = latin
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east)


class _Draft:
    """The document being written, paragraph by paragraph."""

    def __init__(self):
        self.doc = Document()
        self.sections = 0
        self._page()
        normal = self.doc.styles["Normal"]
        normal.font.size = SIZE_3
        normal.font.name = LATIN_FONT
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE

    def _page(self) -> None:
        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        s.header_distance = Mm(15)
        s.footer_distance = Mm(22)  # (the page number's line 7 mm under the text block)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number(s.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(s.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def para(self, text: str = "", font: str = BODY_FONT, size=SIZE_3, bold: bool = False, indent: bool = True,
             align=None):
        p = self.doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = size * 2
        if align is not None:
            p.alignment = align
        if text:
            _fonts(p.add_run(clean_text(text)), font, size, bold)  # (XML holds no control characters)
        return p

    def title(self, text: str) -> None:
        p = self.para(text, TITLE_FONT, SIZE_2, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing = Pt(35)
        self.para(indent=False)

    def heading(self, text: str) -> None:
        self.sections += 1
        self.para(f"{cn_number(self.sections)}、{text}", HEADING_FONT)

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float]) -> None:
        """A ruled table of the text block's width (or less), its header row repeated on
        every page, no row split across pages, every cell's width fixed."""
        scale = min(1.0, TEXT_WIDTH_MM / sum(widths_mm))
        widths = [Mm(w * scale) for w in widths_mm]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, w in zip(table.columns, widths, strict=True):  # (the grid: what LibreOffice lays out by)
            column.width = w
        _row_flag(table.rows[0], "w:tblHeader")
        for cell, text, w in zip(table.rows[0].cells, headers, widths, strict=True):
            _cell(cell, text, w, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER)
        texts = [["" if v is None else str(v) for v in values] for values in rows]
        centred = [all(_FIGURE.fullmatch(t[j]) for t in texts) for j in range(len(headers))]
        template = None
        for values in texts:
            if template is None:  # (the first body row made through the API, the rest copies of it:
                row = table.add_row()  # python-docx styles a cell slowly, and a 附件 can list thousands)
                _row_flag(row, "w:cantSplit")
                for cell, text, w, mid in zip(row.cells, values, widths, centred, strict=True):
                    _cell(cell, text, w, BODY_FONT, WD_ALIGN_PARAGRAPH.CENTER if mid else None)
                template = row._tr
                continue
            tr = deepcopy(template)
            for t, text in zip(tr.iter(qn("w:t")), values, strict=True):
                t.text = clean_text(text)
            table._tbl.append(tr)
        self.para(indent=False)


def _row_flag(row, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell(cell, text: str, width, font: str, align) -> None:
    cell.width = width
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        p.alignment = align
    run = p.add_run()
    _fonts(run, font, SIZE_TABLE)
    t = OxmlElement("w:t")  # (always one, empty or not: copies of the row set its text)
    t.set(qn("xml:space"), "preserve")
    t.text = clean_text(text)
    run._r.append(t)


def _page_number(p, align) -> None:
    """— PAGE — in 4号 宋体, one character in from the outer side."""
    p.alignment = align
    p.paragraph_format.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = SIZE_4
    else:
        p.paragraph_format.left_indent = SIZE_4
    lead = p.add_run("— ")
    _fonts(lead, PAGE_FONT, SIZE_4, latin=PAGE_FONT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    run.append(deepcopy(lead._element.rPr))
    number = OxmlElement("w:t")
    number.text = "1"
    run.append(number)
    field.append(run)
    p._p.append(field)
    _fonts(p.add_run(" —"), PAGE_FONT, SIZE_4, latin=PAGE_FONT)


def _mark(doc, kind: str) -> None:
    """Our output mark (docProps/custom.xml, as on our workbooks): a later --force may replace
    the file, and nothing else."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{OUTPUT_MARK}">'
           f'<vt:lpwstr>{kind}</vt:lpwstr></property></Properties>')
    part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, xml.encode(), doc.part.package)
    doc.part.package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


# --- what the 通报 says ------------------------------------------------------------------

def overall(result) -> dict[str, int]:
    """The figures of 一、总体情况: sums over the units, as the 排名 sheet lists them."""
    keys = ("tasks", "completed", "in_progress", "not_started", "overdue", "due_soon")
    return {"units": len(result.units), "ledgers": len(result.files), "reported": len(result.reported),
            **{k: sum(getattr(u, k) for u in result.units) for k in keys}}


def ranking_rows(result) -> tuple[list[str], list[list], list[float]]:
    """名次 … 得分 for every unit, in the roll-up's order; 满分 only where some unit's is not 100."""
    other_max = any(u.max_score not in (None, 100.0) for u in result.units)
    headers = ["名次", "单位", "任务数", "已完成", "逾期", "完成率", "得分"] + (["满分"] if other_max else [])
    widths = [14, 33 if other_max else 46, 17, 17, 15, 20, 20] + ([18] if other_max else [])  # (no label wraps)
    rows = []
    for i, u in enumerate(result.units, start=1):
        row = [i, u.unit, u.tasks, u.completed, u.overdue, percent(u.completion_rate),
               "—" if u.score is None else f"{u.score:.2f}"]
        rows.append(row + (["—" if u.max_score is None else f"{u.max_score:g}"] if other_max else []))
    return headers, rows, widths


def overdue_by_unit(result) -> list[tuple[str, list]]:
    """(unit, its overdue RowResults): most overdue first, then in ranking order."""
    rank = {u.unit: i for i, u in enumerate(result.units)}
    by_unit: dict[str, list] = {}
    for row in result.rows:
        if row.overdue:
            for unit in row.units:
                by_unit.setdefault(unit, []).append(row)
    return sorted(by_unit.items(), key=lambda kv: (-len(kv[1]), rank.get(kv[0], len(rank))))


def _overall_text(result, f: dict) -> str:
    done = percent(f["completed"] / f["tasks"]) if f["tasks"] else "0.0%"
    text = (f"{period(result)}，共收到台账{f['ledgers']}份（{f['reported']}个单位报送），"
            f"汇总{f['units']}个单位承担的任务合计{f['tasks']}项。"
            f"其中已完成{f['completed']}项，完成率{done}；推进中{f['in_progress']}项；未启动{f['not_started']}项；"
            f"逾期未完成{f['overdue']}项；即将到期{f['due_soon']}项。")
    if result.missing:
        text += f"另有{len(result.missing)}个单位未报送。"
    if result.unreadable:
        text += f"{len(result.unreadable)}份台账无法读取，未计入。"
    return text


ATTACHMENT = "逾期未完成任务清单"


def _overdue_section(d: _Draft, groups: list[tuple[str, list]]) -> None:
    """Which units have overdue tasks and how many; the tasks themselves are the attachment
    (a 通报 names them; a list of hundreds would bury the body)."""
    d.heading("逾期未完成任务")
    if not groups:
        d.para("各单位均无逾期未完成任务。")
        return
    total = sum(len(rows) for _, rows in groups)
    counts = "、".join(f"{unit}（{len(rows)}项）" for unit, rows in groups)
    d.para(f"共有{len(groups)}个单位存在逾期未完成任务，合计{total}项（一项任务由多个单位承担的，分别计入各单位）：{counts}。"
           f"具体任务见附件。")


def _attachment(d: _Draft, groups: list[tuple[str, list]]) -> None:
    """附件 on a page of its own: every overdue task with its unit, deadline and days overdue."""
    d.doc.add_page_break()
    d.para("附件", HEADING_FONT, indent=False)
    d.title(ATTACHMENT)
    rows = []
    for unit, unit_rows in groups:
        for row in unit_rows:
            t = row.task
            late = (row.as_of - t.deadline.due).days if t.deadline.due and row.as_of else None
            rows.append([len(rows) + 1, unit, one_line(t.task), one_line(t.deadline.text) or "未填写",
                         "—" if late is None else late, t.status or "未填写"])
    d.table(["序号", "单位", "任务", "时限要求", "逾期天数", "台账填报"], rows, [14, 28, 50, 22, 21, 21])


def _reporting_section(d: _Draft, result) -> None:
    d.heading("报送情况")
    lines = []
    if result.missing:
        lines.append(f"以下{len(result.missing)}个单位未报送台账：{'、'.join(result.missing)}。")
    for u in result.unreadable:
        lines.append(f"{u.unit or '单位不明'}报送的台账（{Path(u.file).name}）无法读取（{u.reason}），未计入。")
    for e in result.empty:
        lines.append(f"{e['unit'] or '单位不明'}报送的台账（{Path(e['file']).name}）没有任务行，未计入。")
    if not lines:
        lines.append("名单内各单位均已按时报送台账。" if result.roster_given else
                     "本次汇总未提供单位名录或任务表，未统计未报送单位。")
    for line in lines:
        d.para(line)


def _changes_section(d: _Draft, result) -> None:
    d.heading("与上一轮相比")
    known = [c for c in result.changes if c.completed_before is not None]
    new = sum(c.newly_completed for c in known)
    now, before = sum(c.overdue for c in known), sum(c.overdue_before for c in known)
    stale = sum(c.stale for c in result.changes)
    text = (f"与上一轮（基准日期：{result.previous_bases}）相比，{len(known)}个单位共新完成任务{new}项，"
            f"逾期未完成任务由{before}项变为{now}项；{stale}项未完成任务的进展情况与上一轮完全相同。")
    fresh = [c.unit for c in result.changes if c.completed_before is None]
    if fresh:
        text += f"{'、'.join(fresh)}上一轮未报送，不作比较。"
    d.para(text)
    rows = [[c.unit, c.completed, "—" if c.newly_completed is None else c.newly_completed, c.overdue,
             "上轮未报送" if c.overdue_change is None else f"{c.overdue_change:+d}" if c.overdue_change else "0", c.stale]
            for c in result.changes]
    d.table(["单位", "本轮已完成", "新完成", "本轮逾期", "逾期增减", "进展未更新"], rows, [39, 25, 18, 22, 25, 25])


def build(result, circular: dict | None = None, today: dt.date | None = None) -> Document:
    """The 通报 draft of a Rollup."""
    c = {**DEFAULT_CIRCULAR, **(circular or {})}
    d = _Draft()
    d.doc.core_properties.title = c["title"]
    d.title(c["title"])
    d.para(f"{c['recipients']}：", indent=False)
    d.para(f"现将{period(result)}政务公开工作任务落实情况通报如下。")
    f = overall(result)
    d.heading("总体情况")
    d.para(_overall_text(result, f))
    d.heading("各单位任务完成情况")
    d.para("按得分率从高到低排列（得分率相同的，完成率高、逾期少的在前；计分方法见汇总表“计分说明”）：")
    d.table(*ranking_rows(result))
    overdue = overdue_by_unit(result)
    _overdue_section(d, overdue)
    _reporting_section(d, result)
    if result.changes is not None:
        _changes_section(d, result)
    d.heading("下一步工作要求")
    d.para("请存在逾期未完成任务的单位对照本通报，逐项分析原因，明确完成时限，抓紧推进落实；"
           "请各单位在下次报送时如实更新完成状态和进展情况，并附佐证材料。")
    if overdue:
        d.para()
        d.para(f"附件：{ATTACHMENT}")
    d.para()
    d.para()
    right = WD_ALIGN_PARAGRAPH.RIGHT
    issuer = d.para(c["issuer"] or "（发文机关署名）", indent=False, align=right)
    issuer.paragraph_format.right_indent = SIZE_3 * 2
    dated = d.para(cn_date(today or dt.date.today()), indent=False, align=right)
    dated.paragraph_format.right_indent = SIZE_3 * 4
    if overdue:
        _attachment(d, overdue)
    _mark(d.doc, "通报")
    return d.doc


def write_circular(result, out: Path, circular: dict | None = None, replace: bool = True,
                   today: dt.date | None = None) -> None:
    doc = build(result, circular, today)
    with atomic_path(Path(out), replace) as tmp:
        doc.save(str(tmp))
