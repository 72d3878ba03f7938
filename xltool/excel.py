"""The Excel add-in's Python side: entry points for xlwings ``RunPython`` (see macros/).

Each entry point takes the calling workbook (``xlwings.Book.caller()``), turns its sheets
into plain grids, runs the same core as the command line, and writes the result back
through xlwings: cell colours and notes, a 检查结果 / 汇总 sheet, a message box. No domain
logic lives here; the xlwings calls used are exactly those of the test fake in
tests/fake_xlwings.py.
"""

from __future__ import annotations

from .model import FINDING_COLUMNS, SEVERITY_CN, Book, Grid, Merge, cell_ref, worst_severity

RESULT_SHEET = "检查结果"
SUMMARY_SHEET = "汇总"
MARKS_SHEET = "xltool标记"  # hidden: the cells we coloured and their colours before
TITLE = "政务公开台账"
SEVERITY_RGB = {"error": (255, 199, 206), "warning": (255, 235, 156), "info": (221, 235, 247)}
OVERDUE_ROW_RGB = (252, 228, 214)
OWN_SHEETS = (RESULT_SHEET, SUMMARY_SHEET, MARKS_SHEET)
NOTE_MARK = "【xltool】"


def _xw():
    import xlwings

    return xlwings


# --- Book ⇄ Grid -------------------------------------------------------------------

def sheet_grid(sheet) -> Grid:
    """Values and merged ranges of one sheet, in absolute coordinates."""
    used = sheet.used_range
    r0, c0 = used.row - 1, used.column - 1
    values = _rows(used.value, used.shape)
    rows = [[] for _ in range(r0)] + [[None] * c0 + list(row) for row in values]
    merges, seen = [], set()
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            r, c = r0 + i, c0 + j
            if v is not None or (r, c) in seen:
                continue  # a merge's empty continuation cells find it; anchors hold values
            cell = sheet.range((r + 1, c + 1))
            if not cell.merge_cells:
                continue
            area = cell.merge_area
            m = Merge(area.row - 1, area.column - 1, area.row - 1 + area.shape[0] - 1,
                      area.column - 1 + area.shape[1] - 1)
            merges.append(m)
            seen.update((rr, cc) for rr in range(m.r0, m.r1 + 1) for cc in range(m.c0, m.c1 + 1))
    return Grid(name=sheet.name, rows=rows, merges=merges)


def book_grids(book) -> Book:
    sheets = [sheet_grid(s) for s in book.sheets if s.name not in OWN_SHEETS]
    return Book(path=book.name, format="excel", sheets=sheets)


def _ledger(book):
    from .reader import ledger_from_book

    return ledger_from_book(book_grids(book))


def _sheet(book, name: str):
    for s in book.sheets:
        if s.name == name:
            return s
    return None


def _fresh_sheet(book, name: str):
    old = _sheet(book, name)
    if old is not None:
        old.delete()
    last = list(book.sheets)[-1]
    return book.sheets.add(name=name, after=last)


def _alert(book, text: str) -> None:
    book.app.alert(text, title=TITLE)


# --- marks: colours and notes we add, and how to take them off again ----------------

def _remember(book, marks: list[tuple[str, str, object]]) -> None:
    """Keep (sheet, cell, colour before) in a hidden sheet so 清除标记 can restore them."""
    if not marks:
        return
    sheet = _sheet(book, MARKS_SHEET)
    rows = []
    if sheet is not None:
        rows = [r for r in (_rows(sheet.used_range.value) or []) if r and r[0]]
        sheet.delete()
    sheet = _fresh_sheet(book, MARKS_SHEET)
    known = {(r[0], r[1]) for r in rows}
    for s, c, before in marks:
        if (s, c) not in known:
            rows.append([s, c, "" if before is None else ",".join(map(str, before))])
            known.add((s, c))
    sheet.range("A1").value = rows
    sheet.visible = False


def _rows(value, shape: tuple[int, int] | None = None) -> list[list]:
    """xlwings hands back a scalar for one cell and a flat list for one row or column:
    always a list of rows. ``shape`` tells a single column from a single row."""
    if value is None:
        return [] if shape is None else [[None]]
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [[v] for v in value] if shape and shape[1] == 1 and shape[0] > 1 else [value]
    return value


def _mark_cell(book, sheet_name: str, cell: str, rgb, note: str | None, marks: list) -> None:
    rng = book.sheets[sheet_name].range(cell)
    marks.append((sheet_name, cell, rng.color))
    rng.color = rgb
    if note:
        ours = "\n".join(NOTE_MARK + line for line in note.split("\n"))  # every line ours, to take off
        existing = rng.note
        if existing is not None:
            existing.text = (existing.text + "\n" if existing.text else "") + ours
        else:
            rng.add_note(ours)


def clear_marks(book=None, quiet: bool = False) -> int:
    """清除标记：restore the colours we changed, remove our notes and result sheets."""
    book = book or _xw().Book.caller()
    sheet = _sheet(book, MARKS_SHEET)
    n = 0
    if sheet is not None:
        for row in _rows(sheet.used_range.value):
            if not row or not row[0] or _sheet(book, row[0]) is None:
                continue
            rng = book.sheets[row[0]].range(row[1])
            before = row[2] if len(row) > 2 else None
            rng.color = tuple(int(x) for x in str(before).split(",")) if before else None
            note = rng.note
            if note is not None and NOTE_MARK in note.text:
                kept = "\n".join(ln for ln in note.text.split("\n") if not ln.startswith(NOTE_MARK))
                if kept:
                    note.text = kept
                else:
                    note.delete()
            n += 1
        sheet.delete()
    for name in (RESULT_SHEET, SUMMARY_SHEET):
        s = _sheet(book, name)
        if s is not None:
            s.delete()
    if not quiet:
        _alert(book, f"已清除 {n} 处标记")
    return n


# --- entry points -------------------------------------------------------------------

def validate(book=None):
    """检查台账：run every rule, colour the cells, add notes, list findings in 检查结果."""
    from .check import CheckOptions, check_ledger

    book = book or _xw().Book.caller()
    clear_marks(book, quiet=True)
    ledger = _ledger(book)
    result = check_ledger(ledger, CheckOptions())
    marks: list = []
    by_cell: dict[tuple[str, str], list] = {}
    for f in result.findings:
        if f.sheet and f.cell:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in by_cell.items():
        note = "\n".join(f"{SEVERITY_CN[f.severity]}·{f.rule}：{f.message}" for f in fs)
        _mark_cell(book, sheet, cell, SEVERITY_RGB[worst_severity(fs)], note, marks)
    _remember(book, marks)
    out = _fresh_sheet(book, RESULT_SHEET)
    rows = [list(FINDING_COLUMNS)] + [f.as_row() for f in result.findings]
    out.range("A1").value = rows
    c = result.counts()
    _alert(book, f"检查完成（基准日期 {result.base.describe()}）：错误 {c['error']}，警告 {c['warning']}，"
                 f"提示 {c['info']}。详见“{RESULT_SHEET}”工作表。")
    return result


def mark_overdue(book=None):
    """标记逾期：tint every overdue row and note the deadline cell."""
    from .check import CheckOptions, check_ledger

    book = book or _xw().Book.caller()
    ledger = _ledger(book)
    result = check_ledger(ledger, CheckOptions())
    overdue = [f for f in result.findings if f.rule == "overdue"]
    widths = {t.sheet: (min(t.columns.values()), max(t.columns.values())) for t in ledger.tables}
    marks: list = []
    for f in overdue:
        lo, hi = widths.get(f.sheet, (0, 0))
        for c in range(lo, hi + 1):
            ref = cell_ref(f.excel_row - 1, c)
            _mark_cell(book, f.sheet, ref, OVERDUE_ROW_RGB, f.message if ref == f.cell else None, marks)
    _remember(book, marks)
    _alert(book, f"共有 {len(overdue)} 行任务逾期未完成（基准日期 {result.base.describe()}），已标为浅红色。")
    return overdue


def fill_merged(book=None):
    """填充合并单元格：unmerge inside the task tables and write the inherited values."""
    from .write.fill import fill_actions

    book = book or _xw().Book.caller()
    acts = fill_actions(_ledger(book))
    for sheet, m in acts.unmerge:
        book.sheets[sheet].range(cell_ref(m.r0, m.c0)).merge_area.unmerge()
    for sheet, r, c, value in acts.writes:
        book.sheets[sheet].range((r + 1, c + 1)).value = value
    _alert(book, f"已取消 {len(acts.unmerge)} 处合并单元格，填入 {len(acts.writes)} 个单元格。")
    return acts


def rollup_scores(book=None):
    """汇总得分：per-unit figures and scores of this workbook in a 汇总 sheet."""
    from .rollup import rollup_ledgers

    book = book or _xw().Book.caller()
    ledger = _ledger(book)
    res = rollup_ledgers([ledger], None)
    out = _fresh_sheet(book, SUMMARY_SHEET)
    rows = [["名次", "单位", "任务数", "已完成", "推进中", "未启动", "逾期", "完成率", "得分", "满分"]]
    for i, u in enumerate(res.units, start=1):
        rows.append([i, u.unit, u.tasks, u.completed, u.in_progress, u.not_started, u.overdue,
                     u.completion_rate, None if u.score is None else round(u.score, 2),
                     None if u.max_score is None else round(u.max_score, 2)])
    out.range("A1").value = rows
    _alert(book, f"已汇总 {len(res.units)} 个单位（基准日期 {res.base_dates()}），见“{SUMMARY_SHEET}”工作表。")
    return res
