"""The Excel add-in's Python side: entry points for xlwings ``RunPython`` (see macros/).

Adapter work only: read the open workbook into grids, hand them to the same core as the
command line (check, marks, fill actions, roll-up), and write what the core decided back in
as few calls as Excel allows (each is a round trip to Excel): values in blocks, fills per
colour over union ranges, merges from the saved file where it matches what is on screen.

What the add-in never does: touch a sheet it did not create (its sheets are listed in its
hidden record sheet, whatever their names), change a cell before the record of its original
fill is written, or leave a half-marked workbook after a failure (it restores from the record
and says, in Chinese, what went wrong). The xlwings calls used are exactly those of the test
fake in tests/fake_xlwings.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .marks import FILL_RGB, Anchors, CellMark, hex_of, plan_marks
from .model import FINDING_COLUMNS, Book, Grid, Merge, cell_ref, parse_range
from .textnorm import cell_text

TITLE = "政务公开台账"
RESULT_SHEET = "xltool检查结果"  # our sheets' names; a user's sheet of that name keeps it, ours takes another
SUMMARY_SHEET = "xltool汇总"
RECORD_SHEET = "xltool记录"  # hidden: what we marked and created, and the fills before
SIGNATURE = "xltool-marks/1"  # A1 of the record sheet: tells it from a user's sheet of that name
NOTE_MARK = "【xltool】"  # every line of a note we add starts with it, so that we take off only ours
NOTE_LIMIT = 20  # notes per button press: each costs Excel two round trips or more; the list sheet has all
ADDRESS_LIMIT = 250  # Excel's Range() takes an address of up to 255 characters
UNDO_NOTE = "（Excel 的“撤销”不能还原宏的操作；可用“清除标记”恢复）"


class AddinError(Exception):
    """A failure to show the user as it is (its message is Chinese)."""


def _xw():
    import xlwings

    return xlwings


# --- the record of what we did --------------------------------------------------------

@dataclass
class Record:
    """Our hidden record sheet's content: the areas we filled (with their fill before), the
    cells we added note lines to, and the sheets we created (name -> kind: 检查结果 or 汇总)."""

    sheet: object | None = None  # the record sheet in the book, if there is one
    # (sheet, area, fill before as hex or None, False) for fills; (sheet, cell, None, True) for notes
    cells: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    owned: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[list[str]]:
        """As text Excel cannot turn into a number, a date or an empty cell; rows of one width."""
        out = [[SIGNATURE, "-", "-", "-", "-"]]
        out += [["工作表", "名:" + name, "类:" + kind, "-", "-"] for name, kind in self.owned.items()]
        out += [["批注" if noted else "填充", "名:" + s, area, "色:" + (h or "无"), "-"]
                for s, area, h, noted in self.cells]
        return out

    @classmethod
    def parse(cls, sheet, rows: list[list]) -> Record:
        rec = cls(sheet)
        for row in rows[1:]:
            row = [cell_text(v) for v in row] + [""] * 5
            if row[0] == "工作表" and row[1].startswith("名:"):
                rec.owned[row[1][2:]] = row[2][2:]
            elif row[0] in ("填充", "批注") and row[1].startswith("名:") and row[3].startswith("色:"):
                colour = row[3][2:]
                rec.cells.append((row[1][2:], row[2], None if colour == "无" else colour, row[0] == "批注"))
        return rec


def _read_record(book, sheets: list) -> Record:
    for s in sheets:
        if s.name.startswith(RECORD_SHEET):
            rows = _as_rows(s.used_range.value)
            if rows and rows[0] and rows[0][0] == SIGNATURE:
                return Record.parse(s, rows)
    return Record()


def _write_record(book, rec: Record, by_name: dict) -> None:
    """Replace the record sheet with ``rec`` (hidden)."""
    if rec.sheet is not None:
        _delete_sheet(rec.sheet, by_name)
    rec.sheet = _add_sheet(book, _free_name(RECORD_SHEET, by_name), by_name)
    rows = rec.rows()
    rec.sheet.range(f"A1:E{len(rows)}").value = rows
    rec.sheet.visible = False


def _free_name(base: str, by_name: dict) -> str:
    """``base``, or base（2）… where a sheet of the user's already has the name."""
    name, i = base, 1
    while name in by_name:
        i += 1
        name = f"{base}（{i}）"
    return name


def _add_sheet(book, name: str, by_name: dict):
    sheet = book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    by_name[name] = sheet
    return sheet


def _delete_sheet(sheet, by_name: dict) -> None:
    by_name.pop(next((n for n, s in by_name.items() if s is sheet), None), None)
    sheet.delete()


# --- Book ⇄ Grid ----------------------------------------------------------------------

def _as_rows(value, shape: tuple[int, int] | None = None) -> list[list]:
    """xlwings hands back a scalar for one cell and a flat list for one row or column:
    always a list of rows. ``shape`` tells a single column from a single row."""
    if value is None:
        return [] if shape is None else [[None]]
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [[v] for v in value] if shape and shape[1] == 1 and shape[0] > 1 else [value]
    return value


def _saved_grids(book) -> dict[str, Grid]:
    """The grids of the workbook's saved file, by sheet name ({} for a never-saved book)."""
    from .errors import UnreadableFile
    from .grid import read_book

    path = book.fullname
    if not path or not os.path.isfile(path):
        return {}
    try:
        return {g.name: g for g in read_book(path).sheets}
    except (UnreadableFile, OSError):
        return {}


def _same_values(saved: Grid, rows: list[list]) -> bool:
    """Whether a sheet shows what its saved file holds (so the file's merges are the sheet's)."""
    height = max(len(rows), saved.height)
    for r in range(height):
        a = rows[r] if r < len(rows) else []
        b = saved.rows[r] if r < saved.height else []
        for c in range(max(len(a), len(b))):
            if cell_text(a[c] if c < len(a) else None) != cell_text(b[c] if c < len(b) else None):
                return False
    return True


def _probe_merges(sheet, values: list[list], r0: int, c0: int) -> list[Merge]:
    """Merges asked of Excel: one question per column of the used range, then, in partly
    merged columns, the cells a merge can start at: a cell with an empty one below or to
    its right that is filled itself or starts a run of empty cells. (A merge of empty
    cells inside a longer empty run is not found; it holds nothing to inherit.)"""
    merges: list[Merge] = []
    covered: set[tuple[int, int]] = set()
    n = len(values)
    width = max((len(r) for r in values), default=0)

    def empty(i: int, j: int) -> bool:
        return i >= n or j >= len(values[i]) or values[i][j] is None

    for j in range(width):
        col = cell_ref(r0, c0 + j).rstrip("0123456789")
        if n == 0 or sheet.range(f"{col}{r0 + 1}:{col}{r0 + n}").merge_cells is False:
            continue
        for i in range(n):
            if (i, j) in covered or not (empty(i + 1, j) and i + 1 < n or empty(i, j + 1) and j + 1 < width):
                continue
            if empty(i, j) and not (i == 0 or not empty(i - 1, j)):
                continue
            cell = sheet.range(cell_ref(r0 + i, c0 + j))
            if cell.merge_cells:
                m = Merge(*parse_range(cell.merge_area.address))
                merges.append(m)
                covered.update((r - r0, c - c0) for r in range(m.r0, m.r1 + 1) for c in range(m.c0, m.c1 + 1))
    return merges


def sheet_grid(sheet, saved: Grid | None = None) -> Grid:
    """Values and merged ranges of one sheet, in absolute coordinates."""
    used = sheet.used_range
    r0, c0 = used.row - 1, used.column - 1
    values = _as_rows(used.value, used.shape)
    rows = [[] for _ in range(r0)] + [[None] * c0 + list(row) for row in values]
    if saved is not None and _same_values(saved, rows):
        merges = list(saved.merges)
    else:
        merges = _probe_merges(sheet, values, r0, c0)
    return Grid(name=sheet.name, rows=rows, merges=merges, hidden=not sheet.visible)


def book_grids(book, sheets: list | None = None, owned: set[str] = frozenset()) -> Book:
    """The workbook's sheets as grids, leaving out the sheets the add-in created."""
    sheets = list(book.sheets) if sheets is None else sheets
    saved = _saved_grids(book)
    grids = []
    for s in sheets:
        name = s.name
        if name in owned or name.startswith(RECORD_SHEET):
            continue
        grids.append(sheet_grid(s, saved.get(name)))
    return Book(path=book.name, format="excel", sheets=grids)


def _ledger(book, sheets: list, owned: set[str]):
    from .reader import ledger_from_book

    return ledger_from_book(book_grids(book, sheets, owned))


# --- writing marks --------------------------------------------------------------------

def _rectangles(cells: list[tuple[int, int]]) -> list[str]:
    """Cells (1-based row, column) as few rectangular addresses: runs along a row, then the
    same runs on consecutive rows (an overdue row tint is one "A5:I5", a block of them one
    "A5:I9")."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for r, c in sorted(set(cells)):
        row = runs.setdefault(r, [])
        if row and row[-1][1] == c - 1:
            row[-1] = (row[-1][0], c)
        else:
            row.append((c, c))
    rects: list[list[int]] = []  # [r0, r1, c0, c1]
    open_rects: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs):
        now = {}
        for c0, c1 in runs[r]:
            rect = open_rects.get((c0, c1))
            if rect is not None and rect[1] == r - 1:
                rect[1] = r
            else:
                rect = [r, r, c0, c1]
                rects.append(rect)
            now[(c0, c1)] = rect
        open_rects = now
    return [cell_ref(r0 - 1, c0 - 1) + ("" if (r0, c0) == (r1, c1) else ":" + cell_ref(r1 - 1, c1 - 1))
            for r0, r1, c0, c1 in rects]


def _cells_of(address: str) -> list[str]:
    """A rectangle's cells, one by one (to ask a mixed rectangle cell by cell)."""
    r0, c0, r1, c1 = parse_range(address)
    return [cell_ref(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _chunks(areas: list[str]) -> Iterator[list[str]]:
    """Areas grouped into union addresses Excel accepts ("B7,D9:D12,…" up to 250 characters)."""
    group, size = [], 0
    for a in areas:
        if group and size + len(a) + 1 > ADDRESS_LIMIT:
            yield group
            group, size = [], 0
        group.append(a)
        size += len(a) + 1
    if group:
        yield group


def _read_fills(sheet, areas: list[str]) -> dict[str, tuple | None]:
    """Each area's fill, asked of Excel as few times as it can answer: first the box around
    them all (a ledger's body is mostly of one fill), else a union at a time; a union whose
    cells differ cannot answer (xlwings raises) and is halved until its parts can, a single
    mixed area is asked cell by cell."""
    out: dict[str, tuple | None] = {}

    def ask(group: list[str]) -> None:
        try:
            colour = sheet.range(",".join(group)).color
        except Exception:
            if len(group) > 1:
                half = len(group) // 2
                ask(group[:half])
                ask(group[half:])
            elif ":" in group[0]:
                ask(_cells_of(group[0]))
            else:
                raise
            return
        for a in group:
            out[a] = tuple(colour) if colour is not None else None

    if len(areas) > 1:
        boxes = [parse_range(a) for a in areas]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        try:
            colour = sheet.range(cell_ref(box[0], box[1]) + ":" + cell_ref(box[2], box[3])).color
        except Exception:
            pass
        else:
            return {a: tuple(colour) if colour is not None else None for a in areas}
    for group in _chunks(areas):
        ask(group)
    return out


def _paint(sheet, areas_by_colour: dict[tuple | None, list[str]], first=None) -> None:
    """One call per union of areas that take the same fill, in the dict's order (later
    colours over earlier ones); ``first()`` once the first union is painted."""
    for colour, areas in areas_by_colour.items():
        for group in _chunks(areas):
            sheet.range(",".join(group)).color = colour
            if first:
                first()
                first = None


def _add_note(sheet, cell: str, text: str) -> None:
    """Our note lines on a cell; after a note of the user's where it has one."""
    ours = "\n".join(NOTE_MARK + line for line in text.split("\n"))
    rng = sheet.range(cell)
    try:
        rng.add_note(ours)  # (most marked cells have no note: one call, not a look first)
    except Exception:
        note = rng.note
        if note is None:
            raise
        existing = note.text
        note.text = (existing + "\n" if existing else "") + ours


def _take_note(sheet, cell: str) -> None:
    """Remove our lines from a cell's note (the note goes if nothing else is left)."""
    note = sheet.range(cell).note
    if note is None:
        return
    text = note.text or ""
    kept = "\n".join(ln for ln in text.split("\n") if not ln.startswith(NOTE_MARK))
    if kept == text:
        return
    if kept:
        note.text = kept
    else:
        note.delete()


def _restore(book, rec: Record, by_name: dict, kinds: tuple[str, ...] | None = None) -> None:
    """Undo what ``rec`` records: fills back as they were, our note lines off, and the
    sheets of ``kinds`` (all where None) deleted. The record itself is left to the caller."""
    per_sheet: dict[str, dict[tuple | None, list[str]]] = {}
    for s, area, before, noted in rec.cells:
        if noted:
            continue  # (a note line of ours: its cell's fill has an entry of its own)
        colour = None if before is None else tuple(int(before[i:i + 2], 16) for i in (0, 2, 4))
        per_sheet.setdefault(s, {}).setdefault(colour, []).append(area)
    for s, groups in per_sheet.items():
        if s in by_name:
            _paint(by_name[s], groups)
    for s, cell, _, noted in rec.cells:
        if noted and s in by_name:
            _take_note(by_name[s], cell)
    rec.cells = []
    for name, kind in list(rec.owned.items()):
        if kinds is None or kind in kinds:
            if name in by_name:
                _delete_sheet(by_name[name], by_name)
            del rec.owned[name]


def _apply_marks(book, marks: list[CellMark], by_name: dict, rec: Record) -> int:
    """Record the fill of every cell to be marked, then fill and note; returns the notes
    left out over NOTE_LIMIT. Overdue rows are tinted whole first and the cells with
    findings coloured over the tint: fewer, larger areas for Excel."""
    per_sheet: dict[str, list[CellMark]] = {}
    for m in marks:
        per_sheet.setdefault(m.sheet, []).append(m)
    noted = [m for m in marks if m.note][:NOTE_LIMIT]
    paints: dict[str, dict[tuple, list[str]]] = {}
    for s, ms in per_sheet.items():
        union = _rectangles([(m.row, m.col) for m in ms])
        before = _read_fills(by_name[s], union)
        rec.cells += [(s, a, hex_of(colour) if colour else None, False) for a, colour in before.items()]
        tinted = {m.row for m in ms if m.fill == "overdue"}
        layers = [("overdue", [(m.row, m.col) for m in ms if m.row in tinted])]
        layers += [(fill, [(m.row, m.col) for m in ms if m.fill == fill]) for fill in ("info", "warning", "error")]
        paints[s] = {FILL_RGB[fill]: _rectangles(cells) for fill, cells in layers if cells}  # (colours differ)
    rec.cells += [(m.sheet, cell_ref(m.row - 1, m.col - 1), None, True) for m in noted]
    _write_record(book, rec, by_name)
    recorded, rec.cells = rec.cells, []  # from here on rec.cells is what has been done
    for s, layers in paints.items():  # a sheet's record counts once a paint of it went through
        _paint(by_name[s], layers, first=lambda s=s: rec.cells.extend(c for c in recorded if c[0] == s and not c[3]))
    for m in noted:
        cell = cell_ref(m.row - 1, m.col - 1)
        rec.cells.append((m.sheet, cell, None, True))
        _add_note(by_name[m.sheet], cell, m.note)
    rec.cells = recorded
    return sum(1 for m in marks if m.note) - len(noted)


# --- one button press -----------------------------------------------------------------

@dataclass
class _Press:
    """What every button starts from: the book, its sheets by name, our record."""

    book: object
    sheets: list  # the sheets as the press found them
    by_name: dict  # the sheets now, by name (ours come and go)
    rec: Record

    def ledger(self):
        return _ledger(self.book, self.sheets, set(self.rec.owned))


@contextmanager
def _quiet(app):
    """Screen updating and automatic calculation off during a button, restored after (also
    on a failure): every change otherwise repaints and recalculates."""
    updating, calculation = app.screen_updating, app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    try:
        yield
    finally:
        app.calculation = calculation
        app.screen_updating = updating


def _reason(e: BaseException) -> str:
    """The cause of a failure, in Chinese, for the message box."""
    text = str(e)
    low = text.lower()
    if isinstance(e, AddinError):
        return text
    if "protected" in low or "保护" in text:
        return "工作表受保护，请先在“审阅”选项卡中撤销工作表保护再试"
    if isinstance(e, PermissionError) or "read-only" in low or "只读" in text:
        return "文件是只读的或正被其他程序占用"
    if isinstance(e, MemoryError):
        return "内存不足"
    return f"意外错误（{type(e).__name__}: {text}），请把工作簿和这条信息反馈给开发者"


def entry(action: str):
    """An entry point called by a ribbon button through RunPython: finds the calling book,
    turns screen updating and calculation off, and turns any failure into one Chinese
    message box; a marking button's partial work is undone from its record."""

    def deco(func):
        @functools.wraps(func)
        def run(book=None):
            book = book or _xw().Book.caller()
            try:
                with _quiet(book.app):
                    sheets = list(book.sheets)
                    by_name = {s.name: s for s in sheets}
                    press = _Press(book, sheets, by_name, _read_record(book, sheets))
                    return func(press)
            except Exception as e:  # noqa: BLE001 (every failure becomes a message, never a traceback popup)
                _alert(book, f"“{action}”未完成：{_reason(e)}。")
                return None

        return run

    return deco


def _alert(book, text: str) -> None:
    book.app.alert(text, title=TITLE)


def _check(press: _Press):
    """The findings ``xltool check`` gives for this workbook saved as a file."""
    from .batch import CheckOptions, check_ledger, finish_batch

    ledger = press.ledger()
    opts = CheckOptions()
    result = check_ledger(ledger, opts)
    finish_batch([result], opts)
    return ledger, result


def _spans(ledger) -> dict[str, tuple[int, int]]:
    """Each sheet's task-table columns (1-based first and last), for overdue row tints."""
    spans: dict[str, tuple[int, int]] = {}
    for t in ledger.tables:
        lo, hi = min(t.columns.values()) + 1, max(t.columns.values()) + 1
        old = spans.get(t.sheet, (lo, hi))
        spans[t.sheet] = (min(lo, old[0]), max(hi, old[1]))
    return spans


def _mark(press: _Press, findings, ledger, result_sheet: bool = False) -> tuple[int, str | None]:
    """Replace our previous marks and result sheet by the marks of ``findings`` (and, with
    ``result_sheet``, the name of a new result sheet, recorded as ours before it is made);
    returns the notes left out over the limit and that name."""
    _restore(press.book, press.rec, press.by_name, kinds=("检查结果",))
    name = None
    if result_sheet:
        name = _free_name(RESULT_SHEET, press.by_name)
        press.rec.owned[name] = "检查结果"
    anchors = Anchors({g.name: g.merges for g in ledger.book.sheets})
    marks = [m for m in plan_marks(findings, anchors, _spans(ledger)) if m.sheet in press.by_name]
    try:
        return _apply_marks(press.book, marks, press.by_name, press.rec), name
    except Exception:
        _undo(press)
        raise


def _undo(press: _Press) -> None:
    """After a failure half way: what was done undone (press.rec.cells holds just that),
    our new sheets gone, the record keeping only the sheets of ours that were there before.
    If undoing fails too, the record stays, so that 清除标记 can finish it later."""
    _restore(press.book, press.rec, press.by_name, kinds=("检查结果",))
    if press.rec.owned:
        _write_record(press.book, press.rec, press.by_name)
    elif press.rec.sheet is not None:
        _delete_sheet(press.rec.sheet, press.by_name)


def _hyperlink(sheet: str, cell: str) -> str:
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("{target.replace(chr(34), chr(34) * 2)}","{cell}")'


def _result_sheet(press: _Press, name: str, result) -> None:
    """The findings list in the sheet of ours named ``name`` (already recorded), each cell
    address a link to the cell."""
    sheet = _add_sheet(press.book, name, press.by_name)
    rows = [list(FINDING_COLUMNS)]
    for f in result.findings:
        row = ["'" + cell_text(v) if isinstance(v, str) else v for v in f.as_row()]  # (text stays text)
        if f.sheet and f.cell:
            row[1] = _hyperlink(f.sheet, f.cell)
        rows.append(row)
    sheet.range(f"A1:G{len(rows)}").value = rows


def _summary_line(result, extra: str = "") -> str:
    c = result.counts()
    return (f"错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}（基准日期 {result.base.describe()}）{extra}")


# --- entry points ---------------------------------------------------------------------

@entry("检查台账")
def validate(press: _Press):
    """检查台账：every rule, marks as in an annotated copy, the findings in a sheet of ours."""
    ledger, result = _check(press)
    left_out, sheet = _mark(press, result.findings, ledger, result_sheet=True)
    try:
        _result_sheet(press, sheet, result)
    except Exception:
        _undo(press)
        raise
    more = f"；问题较多，只给前 {NOTE_LIMIT} 个单元格加了批注" if left_out else ""
    _alert(press.book, f"检查完成：{_summary_line(result, more)}。问题清单见“{sheet}”工作表。{UNDO_NOTE}")
    return result


@entry("标记逾期")
def mark_overdue(press: _Press):
    """标记逾期：tint every overdue row and note its deadline cell."""
    ledger, result = _check(press)
    overdue = [f for f in result.findings if f.rule == "overdue"]
    _mark(press, overdue, ledger)
    _alert(press.book, f"共有 {len(overdue)} 行任务逾期未完成（基准日期 {result.base.describe()}），已标为浅红色。"
                       f"{UNDO_NOTE}")
    return overdue


@entry("清除标记")
def clear_marks(press: _Press) -> int:
    """清除标记：every fill back as it was, our note lines off, our sheets and record gone."""
    n = sum(1 for c in press.rec.cells if not c[3])
    _restore(press.book, press.rec, press.by_name)
    if press.rec.sheet is not None:
        _delete_sheet(press.rec.sheet, press.by_name)
    _alert(press.book, f"已清除 {n} 处标记，单元格恢复原来的颜色。")
    return n


def _saved(book) -> Path | None:
    """Where the workbook is saved, or None for one never saved (no folder to write beside)."""
    full = book.fullname
    return Path(full) if full and os.path.isfile(full) else None


def _backup(book) -> Path | None:
    """A copy of the workbook next to it before 填充合并单元格 changes it; a never-saved book
    has nowhere to go: the user is asked (None when they go on without a backup)."""
    src = _saved(book)
    if src is None:
        answer = book.app.alert("此工作簿尚未保存，无法先备份。取消合并并填充后不能用“撤销”还原，仍要继续吗？",
                                title=TITLE, buttons="ok_cancel")
        if answer != "ok":
            raise AddinError("已取消，工作簿没有改动；请先保存工作簿再填充")
        return None
    target = src.with_name(f"{src.stem}（填充前备份 {dt.datetime.now():%Y%m%d-%H%M%S}）{src.suffix}")
    try:
        book.api.SaveCopyAs(str(target))  # (Windows: the workbook as it is now, unsaved edits included)
    except AttributeError:  # macOS has no SaveCopyAs: the saved file
        shutil.copy2(src, target)
    return target


@entry("填充合并单元格")
def fill_merged(press: _Press):
    """填充合并单元格：back the workbook up, then unmerge inside the task tables and write the
    inherited values (a merge's covered cells in one write each)."""
    from .write.fill import fill_actions

    acts = fill_actions(press.ledger())
    if not acts.unmerge and not acts.writes:
        _alert(press.book, "任务表中没有需要填充的合并单元格。")
        return acts
    backup = _backup(press.book)
    for sheet, m in acts.unmerge:
        press.by_name[sheet].range(cell_ref(m.r0, m.c0)).merge_area.unmerge()
    runs: dict[tuple[str, int, object], list[int]] = {}
    for sheet, r, c, value in acts.writes:  # consecutive rows of one column with one value: one write
        key = (sheet, c, value)
        rows = runs.setdefault(key, [])
        if rows and rows[-1][-1] == r - 1:
            rows[-1].append(r)
        else:
            rows.append([r])
    for (sheet, c, value), blocks in runs.items():
        for rows in blocks:
            addr = cell_ref(rows[0], c) + ("" if len(rows) == 1 else ":" + cell_ref(rows[-1], c))
            press.by_name[sheet].range(addr).value = "'" + value if isinstance(value, str) else value
    saved = f"操作前的工作簿已备份为 {backup}" if backup else "未备份（工作簿尚未保存）"
    _alert(press.book, f"已取消 {len(acts.unmerge)} 处合并单元格，填入 {len(acts.writes)} 个单元格；{saved}。"
                       "Excel 的“撤销”不能还原本操作。")
    return acts


@entry("汇总得分")
def rollup_scores(press: _Press):
    """汇总得分：per-unit figures and scores of this workbook in a sheet of ours."""
    from .unit_figures import rollup_ledgers

    res = rollup_ledgers([press.ledger()], None)
    old = Record(owned={n: k for n, k in press.rec.owned.items() if k == "汇总"})
    _restore(press.book, old, press.by_name)
    press.rec.owned = {n: k for n, k in press.rec.owned.items() if k != "汇总"}
    name = _free_name(SUMMARY_SHEET, press.by_name)
    press.rec.owned[name] = "汇总"
    _write_record(press.book, press.rec, press.by_name)
    out = _add_sheet(press.book, name, press.by_name)
    rows = [["名次", "单位", "任务数", "已完成", "推进中", "未启动", "逾期", "完成率", "得分", "满分"]]
    for i, u in enumerate(res.units, start=1):
        rows.append([i, "'" + u.unit, u.tasks, u.completed, u.in_progress, u.not_started, u.overdue,
                     u.completion_rate, "-" if u.score is None else round(u.score, 2),
                     "-" if u.max_score is None else round(u.max_score, 2)])
    out.range(f"A1:J{len(rows)}").value = rows
    _alert(press.book, f"已汇总 {len(res.units)} 个单位（基准日期 {res.base_dates()}），见“{name}”工作表。")
    return res


@entry("通报草稿")
def circular_draft(press: _Press):
    """通报草稿：the 通报 of ``xltool rollup --notice`` for this workbook, as a Word document
    beside it (its 配置 sheet may name the issuing office: circular.issuer)."""
    from .batch import file_config
    from .config import Config
    from .unit_figures import rollup_ledgers
    from .write.atomic import written_by_us
    from .write.circular import write_circular

    src = _saved(press.book)
    if src is None:
        raise AddinError("此工作簿尚未保存，通报草稿无处存放；请先保存工作簿再试")
    ledger = press.ledger()
    res = rollup_ledgers([ledger], None)
    if not res.units:
        _alert(press.book, "本工作簿中没有找到任务表，未生成通报草稿。")
        return None
    target = src.with_name(f"{src.stem}_通报草稿.docx")
    if target.exists() and written_by_us(target) is None:  # (a document of the user's: never replaced)
        target = src.with_name(f"{src.stem}_通报草稿（{dt.datetime.now():%Y%m%d-%H%M%S}）.docx")
    write_circular(res, target, file_config(ledger, Config()).circular)
    _alert(press.book, f"通报草稿已保存为 {target}（{len(res.units)} 个单位，基准日期 {res.base_dates()}），"
                       "请用 Word 或 WPS 打开修改。")
    return target
