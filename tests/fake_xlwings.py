"""A small fake of exactly the xlwings API that xltool.excel uses, loaded from a real
workbook with openpyxl: Book.caller, book.name/.sheets/.app.alert, sheets iteration,
indexing by name and add(name, after), sheet.name/.used_range/.range/.delete/.visible,
range.row/.column/.shape/.value/.color/.merge_cells/.merge_area/.unmerge/.note/.add_note,
note.text/.delete. Anything else raises AttributeError, so the adapter cannot drift."""

from __future__ import annotations

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries


def _rc(addr) -> tuple[int, int, int, int]:
    if isinstance(addr, tuple):
        return addr[0], addr[1], addr[0], addr[1]
    c0, r0, c1, r1 = range_boundaries(addr.replace("$", ""))
    return r0, c0, r1, c1


class FakeNote:
    __slots__ = ("_sheet", "_key")

    def __init__(self, sheet, key):
        self._sheet, self._key = sheet, key

    @property
    def text(self) -> str:
        return self._sheet.notes[self._key]

    @text.setter
    def text(self, value: str) -> None:
        self._sheet.notes[self._key] = value

    def delete(self) -> None:
        del self._sheet.notes[self._key]


class FakeRange:
    __slots__ = ("sheet", "r0", "c0", "r1", "c1")

    def __init__(self, sheet, r0, c0, r1, c1):
        self.sheet, self.r0, self.c0, self.r1, self.c1 = sheet, r0, c0, r1, c1

    @property
    def row(self) -> int:
        return self.r0

    @property
    def column(self) -> int:
        return self.c0

    @property
    def shape(self) -> tuple[int, int]:
        return self.r1 - self.r0 + 1, self.c1 - self.c0 + 1

    @property
    def value(self):
        rows = [[self.sheet.cells.get((r, c)) for c in range(self.c0, self.c1 + 1)]
                for r in range(self.r0, self.r1 + 1)]
        n, m = self.shape
        if n == 1 and m == 1:
            return rows[0][0]
        if n == 1:
            return rows[0]
        if m == 1:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, v) -> None:
        if isinstance(v, list) and v and isinstance(v[0], list):  # 2D expands from the top-left cell
            for i, row in enumerate(v):
                for j, x in enumerate(row):
                    self.sheet.set(self.r0 + i, self.c0 + j, x)
        else:
            self.sheet.set(self.r0, self.c0, v)

    def _merge(self):
        for m in self.sheet.merges:
            if m[0] <= self.r0 <= m[2] and m[1] <= self.c0 <= m[3]:
                return m
        return None

    @property
    def merge_cells(self) -> bool:
        return self._merge() is not None

    @property
    def merge_area(self) -> FakeRange:
        m = self._merge()
        return FakeRange(self.sheet, *m) if m else self

    def unmerge(self) -> None:
        m = self._merge()
        if m:
            self.sheet.merges.remove(m)

    @property
    def color(self):
        return self.sheet.colors.get((self.r0, self.c0))

    @color.setter
    def color(self, rgb) -> None:
        for r in range(self.r0, self.r1 + 1):
            for c in range(self.c0, self.c1 + 1):
                if rgb is None:
                    self.sheet.colors.pop((r, c), None)
                else:
                    self.sheet.colors[(r, c)] = tuple(rgb)

    @property
    def note(self):
        return FakeNote(self.sheet, (self.r0, self.c0)) if (self.r0, self.c0) in self.sheet.notes else None

    def add_note(self, text: str) -> FakeNote:
        if (self.r0, self.c0) in self.sheet.notes:
            raise ValueError("cell already has a note")
        self.sheet.notes[(self.r0, self.c0)] = text
        return FakeNote(self.sheet, (self.r0, self.c0))


class FakeSheet:
    def __init__(self, book, name):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.colors: dict = {}
        self.notes: dict = {}
        self.visible = True

    def set(self, r, c, v):
        if v is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = v

    @property
    def used_range(self) -> FakeRange:
        spots = list(self.cells) + [(m[2], m[3]) for m in self.merges] + [(m[0], m[1]) for m in self.merges]
        if not spots:
            return FakeRange(self, 1, 1, 1, 1)
        return FakeRange(self, min(r for r, _ in spots), min(c for _, c in spots),
                         max(r for r, _ in spots), max(c for _, c in spots))

    def range(self, addr) -> FakeRange:
        return FakeRange(self, *_rc(addr))

    def delete(self) -> None:
        self.book.sheets._list.remove(self)


class FakeSheets:
    def __init__(self, book):
        self.book, self._list = book, []

    def __iter__(self):
        return iter(list(self._list))

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s.name == key:
                return s
        raise KeyError(key)

    def add(self, name=None, before=None, after=None) -> FakeSheet:
        if any(s.name == name for s in self._list):
            raise ValueError(f"sheet {name} exists")
        s = FakeSheet(self.book, name)
        idx = self._list.index(after) + 1 if after is not None else 0
        self._list.insert(idx, s)
        return s


class FakeApp:
    def __init__(self):
        self.alerts: list[tuple[str, str | None]] = []

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title))
        return "ok"


class FakeBook:
    _caller = None

    def __init__(self, path):
        self.name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        wb = load_workbook(path)
        for ws in wb.worksheets:
            s = FakeSheet(self, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.__class__.__name__ != "MergedCell":
                        s.cells[(cell.row, cell.column)] = cell.value
                    if cell.comment is not None:
                        s.notes[(cell.row, cell.column)] = cell.comment.text
            s.merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
            self.sheets._list.append(s)

    @classmethod
    def caller(cls) -> FakeBook:
        return cls._caller


class FakeXlwings:
    """Stands in for the ``xlwings`` module."""

    Book = FakeBook


