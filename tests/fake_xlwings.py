"""A small fake of exactly the xlwings API that xltool.excel uses, loaded from a real
workbook with openpyxl, that behaves as Excel does where that bites:

- values written through ``Range.value`` are coerced: "" becomes empty, text that reads as a
  number ("255,242,204", "1e5") becomes that number, "TRUE" a boolean, an ISO date a datetime,
  numbers come back as floats; text starting with "'" stays text; a list of uneven rows is
  refused; text starting with "=" is a formula (=HYPERLINK shows its friendly name);
- ``Range.color`` of a range whose cells differ raises (xlwings reads Interior.Color, which is
  Null for a mixed range), ``Range.merge_cells`` is None for a partly merged range;
- the used range grows with formatting (fills, notes), hidden sheets stay hidden;
- a protected sheet refuses every change;
- every access to the API is counted in ``app.calls`` (Excel pays a COM round trip for each).

Anything else raises AttributeError, so the adapter cannot drift from the API it was tested
against. Covered API: Book.caller, book.name/.fullname/.sheets/.app/.api.SaveCopyAs, sheets
iteration/indexing/add(name, after)/len, sheet.name/.used_range/.range/.delete/.visible,
range.row/.column/.shape/.address/.value/.color/.merge_cells/.merge_area/.unmerge/.note/
.add_note, note.text/.delete, app.alert/.screen_updating/.calculation.
"""

from __future__ import annotations

import datetime as dt
import re

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries


def xlwings_value(rows: list[list]):
    """A block of values shaped as xlwings' ``Range.value`` gives it: a scalar for one cell, a
    list for one row or one column, a list of rows otherwise."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    if len(rows) == 1:
        return rows[0]
    if len(rows[0]) == 1:
        return [r[0] for r in rows]
    return rows

class ProtectedError(Exception):
    """What Excel raises on a change to a protected sheet (a COM error)."""

    def __str__(self):
        return "The cell or chart you're trying to change is on a protected sheet."


def _areas(addr) -> list[tuple[int, int, int, int]]:
    if isinstance(addr, tuple):
        return [(addr[0], addr[1], addr[0], addr[1])]
    if len(addr) > 255:
        raise ValueError("Range address longer than 255 characters")  # what Excel's Range() refuses
    out = []
    for part in addr.replace("$", "").split(","):
        c0, r0, c1, r1 = range_boundaries(part)
        out.append((r0, c0, r1, c1))
    return out


_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?([eE][+-]?\d+)?")


def coerce(v):
    """What Excel makes of a value written through Range.value."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, str):
        if v == "":
            return None
        if v.startswith("'"):
            return v[1:]
        t = v.strip()
        if _NUMBER.fullmatch(t):
            return float(t.replace(",", ""))
        if t.upper() in ("TRUE", "FALSE"):
            return t.upper() == "TRUE"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return dt.datetime.fromisoformat(t)
        return v
    raise TypeError(f"cannot write {type(v).__name__}")


def _shown(v):
    """What a formula cell shows: =HYPERLINK(target, name) shows name."""
    if isinstance(v, str) and v.startswith("=HYPERLINK("):
        m = re.search(r',\s*"((?:[^"]|"")*)"\)$', v)
        return m.group(1).replace('""', '"') if m else v
    return v


class FakeNote:
    __slots__ = ("_sheet", "_key")

    def __init__(self, sheet, key):
        self._sheet, self._key = sheet, key

    @property
    def text(self) -> str:
        self._sheet.tick()
        return self._sheet.notes[self._key]

    @text.setter
    def text(self, value: str) -> None:
        self._sheet.tick(change=True)
        self._sheet.notes[self._key] = value

    def delete(self) -> None:
        self._sheet.tick(change=True)
        del self._sheet.notes[self._key]


class FakeRange:
    __slots__ = ("sheet", "areas")

    def __init__(self, sheet, areas):
        self.sheet, self.areas = sheet, areas

    @property
    def _first(self):
        return self.areas[0]

    def _cells(self):
        for r0, c0, r1, c1 in self.areas:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    yield r, c

    @property
    def row(self) -> int:
        self.sheet.tick()
        return self._first[0]

    @property
    def column(self) -> int:
        self.sheet.tick()
        return self._first[1]

    @property
    def shape(self) -> tuple[int, int]:
        self.sheet.tick()
        r0, c0, r1, c1 = self._first
        return r1 - r0 + 1, c1 - c0 + 1

    @property
    def address(self) -> str:
        self.sheet.tick()
        return ",".join(f"${get_column_letter(c0)}${r0}" + ("" if (r0, c0) == (r1, c1) else
                                                             f":${get_column_letter(c1)}${r1}")
                        for r0, c0, r1, c1 in self.areas)

    @property
    def value(self):
        self.sheet.tick()
        r0, c0, r1, c1 = self._first
        return xlwings_value([[_shown(self.sheet.cells.get((r, c))) for c in range(c0, c1 + 1)]
                              for r in range(r0, r1 + 1)])

    @value.setter
    def value(self, v) -> None:
        self.sheet.tick(change=True)
        r0, c0 = self._first[:2]
        if isinstance(v, list) and v and isinstance(v[0], list):  # 2D expands from the top-left cell
            if len({len(row) for row in v}) > 1:
                raise ValueError("uneven rows")  # what the conversion to a COM array refuses
            for i, row in enumerate(v):
                for j, x in enumerate(row):
                    self.sheet.set(r0 + i, c0 + j, coerce(x))
        elif isinstance(v, list):
            for j, x in enumerate(v):
                self.sheet.set(r0, c0 + j, coerce(x))
        else:
            for r, c in self._cells():
                self.sheet.set(r, c, coerce(v))

    def _merge_of(self, r, c):
        for m in self.sheet.merges:
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    @property
    def merge_cells(self):
        self.sheet.tick()
        flags = {self._merge_of(r, c) is not None for r, c in self._cells()}
        return flags.pop() if len(flags) == 1 else None

    @property
    def merge_area(self) -> FakeRange:
        self.sheet.tick()
        m = self._merge_of(*self._first[:2])
        return FakeRange(self.sheet, [m]) if m else FakeRange(self.sheet, [self._first[:2] * 2])

    def unmerge(self) -> None:
        self.sheet.tick(change=True)
        m = self._merge_of(*self._first[:2])
        if m:
            self.sheet.merges.remove(m)

    @property
    def color(self):
        self.sheet.tick()
        seen = {self.sheet.colors.get(rc) for rc in self._cells()}
        if len(seen) > 1:
            raise TypeError("int_to_rgb() argument must be int, not None")  # Interior.Color of a mixed range
        return seen.pop()

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.tick(change=True)
        for rc in self._cells():
            if rgb is None:
                self.sheet.colors.pop(rc, None)
            else:
                self.sheet.colors[rc] = tuple(rgb)

    @property
    def note(self):
        self.sheet.tick()
        key = self._first[:2]
        return FakeNote(self.sheet, key) if key in self.sheet.notes else None

    def add_note(self, text: str) -> FakeNote:
        self.sheet.tick(change=True)
        key = self._first[:2]
        if key in self.sheet.notes:
            raise ValueError("cell already has a note")
        self.sheet.notes[key] = text
        return FakeNote(self.sheet, key)


class FakeSheet:
    def __init__(self, book, name):
        self.book, self._name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.colors: dict = {}
        self.notes: dict = {}
        self._visible = True
        self.protected = False

    def tick(self, change: bool = False) -> None:
        self.book.app.calls += 1
        if change and self.protected:
            raise ProtectedError()

    def set(self, r, c, v):
        if v is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = v

    @property
    def name(self) -> str:
        self.tick()
        return self._name

    @property
    def visible(self) -> bool:
        self.tick()
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.tick()
        self._visible = bool(value)

    @property
    def used_range(self) -> FakeRange:
        self.tick()
        spots = list(self.cells) + list(self.colors) + list(self.notes)
        spots += [(m[2], m[3]) for m in self.merges] + [(m[0], m[1]) for m in self.merges]
        if not spots:
            return FakeRange(self, [(1, 1, 1, 1)])
        return FakeRange(self, [(min(r for r, _ in spots), min(c for _, c in spots),
                                 max(r for r, _ in spots), max(c for _, c in spots))])

    def range(self, addr) -> FakeRange:
        self.tick()
        return FakeRange(self, _areas(addr))

    def delete(self) -> None:
        self.tick()
        self.book.sheets._list.remove(self)


class FakeSheets:
    def __init__(self, book):
        self.book, self._list = book, []

    def __iter__(self):
        self.book.app.calls += 1
        return iter(list(self._list))

    def __len__(self):
        self.book.app.calls += 1
        return len(self._list)

    def __getitem__(self, key):
        self.book.app.calls += 1
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s._name == key:
                return s
        raise KeyError(key)

    def add(self, name=None, before=None, after=None) -> FakeSheet:
        self.book.app.calls += 1
        if any(s._name == name for s in self._list):
            raise ValueError(f"sheet {name} exists")
        s = FakeSheet(self.book, name)
        idx = self._list.index(after) + 1 if after is not None else 0
        self._list.insert(idx, s)
        return s


class FakeApp:
    def __init__(self):
        self.alerts: list[tuple[str, str | None]] = []
        self.answer = "ok"  # what the user presses in a question box
        self.calls = 0
        self._screen_updating = True
        self._calculation = "automatic"

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.calls += 1
        self.alerts.append((prompt, title))
        return self.answer if buttons != "ok" else "ok"

    @property
    def screen_updating(self) -> bool:
        self.calls += 1
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.calls += 1
        self._screen_updating = value

    @property
    def calculation(self) -> str:
        self.calls += 1
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        self.calls += 1
        self._calculation = value


class FakeBookApi:
    """The part of Excel's Workbook COM object the add-in uses: SaveCopyAs."""

    def __init__(self, book):
        self._book = book

    def SaveCopyAs(self, path):  # noqa: N802 (COM's name)
        self._book.app.calls += 1
        self._book.save_state(path)


class FakeBook:
    _caller = None

    def __init__(self, path=None, saved: bool = True):
        self.path = str(path) if path else None
        self._name = str(path).replace("\\", "/").rsplit("/", 1)[-1] if path else "工作簿1"
        self._saved = saved and path is not None
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        self.api = FakeBookApi(self)
        if path is None:
            self.sheets._list.append(FakeSheet(self, "Sheet1"))
            return
        wb = load_workbook(path)
        for ws in wb.worksheets:
            s = FakeSheet(self, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.__class__.__name__ != "MergedCell":
                        v = cell.value
                        s.cells[(cell.row, cell.column)] = float(v) if isinstance(v, int) and not isinstance(
                            v, bool) else v
                    if cell.comment is not None:
                        s.notes[(cell.row, cell.column)] = cell.comment.text
                    if cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill.fgColor.type == "rgb":
                        h = cell.fill.fgColor.rgb[-6:]
                        s.colors[(cell.row, cell.column)] = tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
            s.merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
            s._visible = ws.sheet_state == "visible"
            self.sheets._list.append(s)

    @property
    def name(self) -> str:
        self.app.calls += 1
        return self._name

    @property
    def fullname(self) -> str:
        self.app.calls += 1
        return self.path if self.path else self._name

    @classmethod
    def caller(cls) -> FakeBook:
        if cls._caller is None:
            raise RuntimeError("Book.caller() is only available when called from Excel")
        return cls._caller

    def state(self) -> dict:
        """Everything a user sees, for comparing before and after (no calls counted)."""
        return {s._name: {"cells": dict(s.cells), "merges": sorted(s.merges), "colors": dict(s.colors),
                          "notes": dict(s.notes), "visible": s._visible} for s in self.sheets._list}

    def save_state(self, path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for s in self.sheets._list:
            ws = wb.create_sheet(s._name)
            for (r, c), v in s.cells.items():
                ws.cell(r, c, v)
            for m in s.merges:
                ws.merge_cells(start_row=m[0], start_column=m[1], end_row=m[2], end_column=m[3])
        wb.save(path)


class FakeXlwings:
    """Stands in for the ``xlwings`` module."""

    Book = FakeBook
