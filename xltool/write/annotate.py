"""``check --annotate DIR``: a marked-up copy of each checked workbook, never the input.

Cells with findings are filled (error red, warning amber, info blue) and carry a comment
with the messages; overdue rows are tinted; a 检查结果 sheet lists the file's findings with
links to the cells. Everything else of the workbook is left as openpyxl read it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import get_column_letter

from ..marks import FILL_RGB, Anchors, hex_of, plan_marks
from ..model import FINDING_COLUMNS
from .atomic import save_workbook
from .cells import put
from .sheetdata import Body, Edits, hyperlinks_xml, rows_xml
from .styles import fill_with, filled_style, finding_looks, fitted_rows, header_row, location, print_a4
from .workbook import copy_password, open_for_copy

RESULT_SHEET = "检查结果"


def annotated_name(label: str, base: str | None) -> Path:
    """Where a file's copy goes inside DIR: its path relative to the common input folder."""
    p = Path(label)
    rel = Path(os.path.relpath(p, base)) if base else Path(p.name)
    if rel.parts and rel.parts[0] == "..":
        rel = Path(p.name)
    return rel.with_suffix(".xlsx") if p.suffix.lower() == ".xls" else rel


def annotate_file(result, out: Path, password: str | None = None, decrypt_copies: bool = False,
                  replace: bool = True) -> tuple[str | None, bool]:
    """Write the annotated copy of one checked file; returns what the copy could not keep
    and whether it is encrypted with the original's password."""
    source = open_for_copy(result.path, password, keep_rows=True)
    wb, note, kept = source.wb, source.note, source.kept
    sheets = {f.sheet for f in result.findings if f.sheet in wb.sheetnames}
    spans = {name: (1, kept[name].last_column() if name in kept else wb[name].max_column) for name in sheets}
    fills = {k: PatternFill("solid", fgColor=hex_of(rgb)) for k, rgb in FILL_RGB.items()}
    as_xml = {k: filled_style(wb, fill) for k, fill in fills.items()}
    edits: dict[str, Edits] = {}
    anchors = Anchors({name: source.merges(name) for name in sheets})
    for m in plan_marks((f for f in result.findings if f.sheet in sheets), anchors, spans):
        if m.sheet in kept:
            edits.setdefault(m.sheet, Edits()).restyle(m.row, m.col, as_xml[m.fill])
        else:
            fill_with(wb[m.sheet].cell(m.row, m.col), fills[m.fill])
        if m.note:  # (comments live outside the rows: openpyxl writes them for kept sheets too)
            cell = wb[m.sheet].cell(m.row, m.col)
            text = m.note if cell.comment is None else cell.comment.text + "\n" + m.note
            cell.comment = Comment(text, "xltool", width=360, height=40 + 20 * text.count("\n"))
    bodies = source.bodies(edits)
    bodies[RESULT_SHEET] = _result_sheet(wb, result, note)
    encrypt = copy_password(source, password, decrypt_copies)
    save_workbook(wb, out, mark="标注副本", password=encrypt, replace=replace, bodies=bodies, sst=source.sst)
    return note, encrypt is not None


RESULT_WIDTHS = [14, 9, 7, 18, 70, 24, 20]


def _result_sheet(wb, result, note: str | None) -> Body:
    """The 检查结果 sheet: title and header through openpyxl, one row per finding as XML
    (a big ledger marked overdue throughout has a finding on every row)."""
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET)
    c = result.counts()
    base = f"（基准日期 {result.base.describe()}）" if result.base else ""
    put(ws, 1, 1, f"{result.file}：错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}{base}")
    if note:
        put(ws, 2, 1, note)
    header_row(ws, 3, FINDING_COLUMNS, RESULT_WIDTHS)
    look = finding_looks(ws)
    links = [(f"B{i}", location(f.sheet, f.cell)) for i, f in enumerate(result.findings, start=4)
             if f.sheet and f.cell and f.sheet in wb.sheetnames]
    linked_rows = {int(ref[1:]) for ref, _ in links}

    def rows():
        for i, f in enumerate(result.findings, start=4):
            styles = [None, look.body, look.linked if i in linked_rows else look.body, look.severity[f.severity]]
            styles += [look.body] * 4
            yield f.as_row(), styles

    ws.freeze_panes = "A4"
    print_a4(ws, landscape=True, title_rows=3, footer=base.strip("（）") if base else None)
    last = max(3, len(result.findings) + 3)
    ws.auto_filter.ref = f"A3:{get_column_letter(7)}{last}"
    return Body(rows_xml(fitted_rows(4, rows(), RESULT_WIDTHS)), replace=False, links=hyperlinks_xml(links))


class CopyOutcome(NamedTuple):
    """What became of one requested copy."""

    file: str  # the input, as the user named it
    out: Path
    written: bool
    note: str | None  # why it was not written, or what the written copy could not keep
    encrypted: bool = False  # written with the original's open password


def inputs_base(inputs: list[Path]) -> str | None:
    """The folder the inputs share (relative to the working folder): copies keep the file
    layout below it."""
    if not inputs:
        return None
    dirs = [os.path.abspath(p if Path(p).is_dir() else Path(p).parent) for p in inputs]
    return os.path.relpath(os.path.commonpath(dirs))


def annotate_all(report, out_dir: Path, inputs: list[Path], password: str | None = None,
                 force: bool = False, decrypt_copies: bool = False, progress=None) -> list[CopyOutcome]:
    """Annotated copies of every readable file of a check of ``inputs`` (the files and folders
    given), one outcome per file (unreadable files have no copy and no outcome)."""
    from ..errors import UsageError
    from .atomic import guard_output

    base = inputs_base(inputs)
    todo = [r for r in report.files if r.status != "error" and r.path]
    done = []
    for i, r in enumerate(todo, start=1):
        out = Path(out_dir) / annotated_name(r.file, base)
        try:
            guard_output(out, [Path(r.path)], force=force, suffix=None)
            done.append(CopyOutcome(r.file, out, True, *annotate_file(r, out, password, decrypt_copies, force)))
        except UsageError as e:
            done.append(CopyOutcome(r.file, out, False, str(e)))
        except Exception as e:  # one copy failing must not stop the others
            done.append(CopyOutcome(r.file, out, False, f"无法写出标注副本（{type(e).__name__}: {e}）"))
        if progress:
            progress(i, len(todo))
    return done
