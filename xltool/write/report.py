"""``check --report findings.xlsx``: a summary sheet and a findings sheet whose cells
link to the offending cell of the checked file."""

from __future__ import annotations

import os
from itertools import chain
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..textnorm import shown_name
from .atomic import save_workbook
from .cells import put
from .sheetdata import Body, rows_xml
from .styles import (
    SEVERITY_CN,
    SEVERITY_FILL,
    body_row,
    column_widths,
    fill_with,
    finding_looks,
    fit_rows,
    fitted_rows,
    header_look,
    header_row,
    location,
    print_a4,
    style_id,
)

SOURCE_TIP = "打开该文件并定位到此单元格"


def link_target(source: str, report_dir: Path) -> str | None:
    """The checked file as seen from the report's folder (relative where possible); None for
    a file whose name is not UTF-8 (a link cannot name it)."""
    if shown_name(source) != source:
        return None
    try:
        return os.path.relpath(Path(source).resolve(), report_dir.resolve()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return Path(source).resolve().as_uri()


def shown_path(file: str, path: str | None, folder: Path) -> str:
    """A checked file as the report shows it: relative to the report's folder when it lies
    below it (short enough for one printed line), else as the user named it."""
    try:
        rel = os.path.relpath(Path(path or file).resolve(), folder.resolve())
    except ValueError:  # another drive on Windows
        return file
    return file if rel.startswith("..") else shown_name(rel.replace(os.sep, "/"))


def write_report(report, out: Path, replace: bool = True) -> None:
    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    put(ws, 1, 1, f"台账检查结果（基准日期：{report.base_dates()}）").font = Font(bold=True, size=14)
    header_row(ws, 2, ["文件", "状态", "任务行数", "错误", "警告", "提示", "逾期", "说明"],
               [48, 10, 10, 8, 8, 8, 8, 60])
    status_cn = {"ok": "通过", "findings": "有问题", "error": "无法读取"}
    for i, f in enumerate(report.files, start=3):
        c = f.counts()
        body_row(ws, i, [shown_path(f.file, f.path, out.parent), status_cn[f.status], f.tasks, c["error"], c["warning"], c["info"], f.overdue,
                         f.error or "；".join(f.notes)], wrap=True)
        if f.status == "error":
            fill_with(ws.cell(i, 2), SEVERITY_FILL["error"])
    s = report.summary()
    last = len(report.files) + 3
    put(ws, last, 1, f"合计 {s['files']} 个文件，无法读取 {s['unreadable']} 个").font = Font(bold=True)
    for j, k in ((4, "errors"), (5, "warnings"), (6, "infos")):
        ws.cell(last, j, s[k])
    ws.cell(last, 7, sum(f.overdue for f in report.files))
    ws.freeze_panes = "A3"
    fit_rows(ws, 3)
    footer = f"基准日期：{report.base_dates()}"
    print_a4(ws, landscape=True, title_rows=2, footer=footer)
    ws.auto_filter.ref = f"A2:H{max(2, last - 1)}"

    fs = wb.create_sheet("问题清单")
    save_workbook(wb, out, mark="检查结果", replace=replace, bodies={fs.title: _findings_sheet(fs, report, out, footer)})


FINDINGS_HEADER = ["文件", "工作表", "单元格", "规则", "代码", "级别", "问题", "原值", "建议"]
FINDINGS_WIDTHS = [36, 12, 8, 18, 8, 6, 74, 22, 16]


def _findings_sheet(fs, report, out: Path, footer: str) -> Body:
    """The 问题清单 sheet, one row per finding, written as XML (a batch's findings can run to
    more rows than any ledger). Only the cells that link to a ledger are made by openpyxl,
    which writes the links and their relationships; its rows are then replaced by these."""
    column_widths(fs, FINDINGS_WIDTHS)
    header = style_id(fs, header_look)
    look = finding_looks(fs)
    base = out.parent
    rows = []
    for f in report.files:
        found = [(None, None, "无法读取", "", "error", f.error, None, None)] if f.status == "error" else [
            (x.sheet, x.cell, x.title, x.code, x.severity, x.message, x.value, x.suggestion) for x in f.findings]
        target = link_target(f.path, base) if f.path else None
        shown = shown_path(f.file, f.path, base)
        for sheet, cell, rule, code, sev, msg, value, sug in found:
            r = len(rows) + 2
            styles = [None] + [look.body] * 9
            styles[6] = look.severity[sev]
            if target is not None:
                col = 3 if cell else 1
                styles[col] = look.linked
                fs.cell(r, col).hyperlink = Hyperlink(ref=f"{get_column_letter(col)}{r}", target=target, tooltip=SOURCE_TIP,
                                                      location=location(sheet, cell or "A1") if sheet else None)
            rows.append(([shown, sheet, cell, rule, code, SEVERITY_CN[sev], msg, value, sug], styles))
    fs.freeze_panes = "A2"
    print_a4(fs, landscape=True, title_rows=1, footer=footer)
    fs.auto_filter.ref = f"A1:I{max(len(rows) + 1, 1)}"
    head = (1, None, [(c, label, header) for c, label in enumerate(FINDINGS_HEADER, start=1)])
    return Body(rows_xml(chain([head], fitted_rows(2, rows, FINDINGS_WIDTHS))), replace=True)
