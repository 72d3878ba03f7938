"""LibreOffice Calc, driven through UNO, behind the same narrow book/sheet/range surface the
add-in uses through xlwings (the surface tests/fake_xlwings.py fakes). The add-in's entry
points take a book; given one of these, they run against a real spreadsheet application:
real value parsing, real fills, real comments, real merges, saved by Calc as .xlsx.

Only what xltool.excel calls is here. Excel's behaviour the add-in relies on is Calc's too
where it matters: text typed into a cell is parsed (setFormula), a leading ' keeps text as
text, reading a union whose cells have different fills is refused (as xlwings fails on
Interior.Color of a mixed range).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from fake_xlwings import xlwings_value

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-uno, ABI-compatible with 3.11
sys.path.append("/usr/lib/libreoffice/program")

import uno  # noqa: E402
from com.sun.star.beans import PropertyValue  # noqa: E402
from com.sun.star.table import CellAddress  # noqa: E402

EPOCH = dt.datetime(1899, 12, 30)
NO_FILL = -1


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


class Office:
    """A headless soffice listening on a pipe, with a throw-away profile."""

    def __init__(self, soffice: str, profile: Path):
        self.pipe = f"xltool_{os.getpid()}"
        self.proc = subprocess.Popen([soffice, "--headless", "--invisible", "--norestore", "--nologo",
                                      f"-env:UserInstallation={profile.as_uri()}",
                                      f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("LibreOffice did not start") from None
                time.sleep(0.3)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def open(self, path: Path) -> UnoBook:
        doc = self.desktop.loadComponentFromURL(Path(path).resolve().as_uri(), "_blank", 0, _props(Hidden=True))
        return UnoBook(doc, Path(path))

    def close(self) -> None:
        try:
            self.desktop.terminate()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _parse(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]) - 1, _col(letters)


def _letters(c: int) -> str:
    s, c = "", c + 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


class UnoApp:
    def __init__(self, doc):
        self.doc, self.alerts, self.answer = doc, [], "ok"
        self._updating, self._calculation = True, "automatic"

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title))
        return self.answer if buttons != "ok" else "ok"

    @property
    def screen_updating(self):
        return self._updating

    @screen_updating.setter
    def screen_updating(self, value):
        self._updating = value
        (self.doc.unlockControllers if value else self.doc.lockControllers)()

    @property
    def calculation(self):
        return self._calculation

    @calculation.setter
    def calculation(self, value):
        self._calculation = value
        self.doc.enableAutomaticCalculation(value == "automatic")


class _Api:
    def __init__(self, book):
        self._book = book

    def SaveCopyAs(self, path):  # noqa: N802 (COM's name)
        self._book.save_as(path)


class UnoBook:
    def __init__(self, doc, path: Path | None):
        self.doc, self.path = doc, path
        self.app = UnoApp(doc)
        self.sheets = UnoSheets(self)
        self.api = _Api(self)

    @property
    def name(self):
        return self.path.name if self.path else "Untitled"

    @property
    def fullname(self):
        return str(self.path) if self.path else self.name

    def save_as(self, path) -> None:
        self.doc.storeToURL(Path(path).resolve().as_uri(), _props(FilterName="Calc MS Excel 2007 XML"))

    def close(self) -> None:
        self.doc.close(True)


class UnoSheets:
    def __init__(self, book):
        self.book = book

    def _all(self):
        sheets = self.book.doc.Sheets
        return [UnoSheet(self.book, sheets.getByIndex(i)) for i in range(sheets.Count)]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return self.book.doc.Sheets.Count

    def __getitem__(self, key):
        sheets = self.book.doc.Sheets
        if isinstance(key, int):
            return UnoSheet(self.book, sheets.getByIndex(key % sheets.Count))
        return UnoSheet(self.book, sheets.getByName(key))

    def add(self, name=None, before=None, after=None):
        sheets = self.book.doc.Sheets
        index = sheets.Count
        if after is not None:
            index = [sheets.getByIndex(i).Name for i in range(sheets.Count)].index(after.name) + 1
        sheets.insertNewByName(name, index)
        return UnoSheet(self.book, sheets.getByName(name))


class UnoSheet:
    def __init__(self, book, sheet):
        self.book, self.sheet = book, sheet

    def __eq__(self, other):
        return isinstance(other, UnoSheet) and other.name == self.name

    @property
    def name(self):
        return self.sheet.Name

    @property
    def visible(self):
        return self.sheet.IsVisible

    @visible.setter
    def visible(self, value):
        self.sheet.IsVisible = bool(value)

    @property
    def used_range(self):
        cur = self.sheet.createCursor()
        cur.gotoStartOfUsedArea(False)
        cur.gotoEndOfUsedArea(True)
        a = cur.RangeAddress
        return UnoRange(self, [(a.StartRow, a.StartColumn, a.EndRow, a.EndColumn)])

    def range(self, addr):
        if isinstance(addr, tuple):
            return UnoRange(self, [(addr[0] - 1, addr[1] - 1, addr[0] - 1, addr[1] - 1)])
        areas = []
        for part in addr.replace("$", "").split(","):
            a, _, b = part.partition(":")
            (r0, c0), (r1, c1) = _parse(a), _parse(b or a)
            areas.append((r0, c0, r1, c1))
        return UnoRange(self, areas)

    def delete(self):
        self.book.doc.Sheets.removeByName(self.name)

    def merged_areas(self) -> list[tuple[int, int, int, int]]:
        out = []
        used = self.used_range.areas[0]
        for r in range(used[0], used[2] + 1):
            for c in range(used[1], used[3] + 1):
                cell = self.sheet.getCellByPosition(c, r)
                if cell.getIsMerged():
                    cur = self.sheet.createCursorByRange(cell)
                    cur.collapseToMergedArea()
                    a = cur.RangeAddress
                    out.append((a.StartRow, a.StartColumn, a.EndRow, a.EndColumn))
        return out


class UnoNote:
    def __init__(self, sheet, r, c):
        self.sheet, self.r, self.c = sheet, r, c

    def _find(self):
        anns = self.sheet.sheet.Annotations
        for i in range(anns.Count):
            a = anns.getByIndex(i)
            if (a.Position.Row, a.Position.Column) == (self.r, self.c):
                return i, a
        return None, None

    @property
    def text(self):
        return self._find()[1].getString()

    @text.setter
    def text(self, value):
        self._find()[1].setString(value)

    def delete(self):
        i, _ = self._find()
        self.sheet.sheet.Annotations.removeByIndex(i)


class UnoRange:
    def __init__(self, sheet, areas):
        self.sheet, self.areas = sheet, areas

    def _cells(self):
        for r0, c0, r1, c1 in self.areas:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    yield self.sheet.sheet.getCellByPosition(c, r)

    @property
    def row(self):
        return self.areas[0][0] + 1

    @property
    def column(self):
        return self.areas[0][1] + 1

    @property
    def shape(self):
        r0, c0, r1, c1 = self.areas[0]
        return r1 - r0 + 1, c1 - c0 + 1

    @property
    def address(self):
        return ",".join(f"${_letters(c0)}${r0 + 1}" + ("" if (r0, c0) == (r1, c1) else f":${_letters(c1)}${r1 + 1}")
                        for r0, c0, r1, c1 in self.areas)

    def _get(self, cell):
        from com.sun.star.table.CellContentType import EMPTY, FORMULA, TEXT

        kind = cell.getType()
        if kind == EMPTY:
            return None
        if kind == TEXT or (kind == FORMULA and cell.FormulaResultType2 == 2):
            return cell.getString()
        value = cell.getValue()
        fmt = self.sheet.book.doc.NumberFormats.getByKey(cell.NumberFormat)
        if fmt.Type & 2:  # com.sun.star.util.NumberFormat.DATE
            return EPOCH + dt.timedelta(days=value)
        return value

    @property
    def value(self):
        r0, c0, r1, c1 = self.areas[0]
        return xlwings_value([[self._get(self.sheet.sheet.getCellByPosition(c, r)) for c in range(c0, c1 + 1)]
                              for r in range(r0, r1 + 1)])

    def _put(self, cell, v):
        if v is None or v == "":
            cell.setString("")
            cell.clearContents(1 | 2 | 4 | 16)  # value, date, string, formula
        elif isinstance(v, bool):
            cell.setFormula("TRUE" if v else "FALSE")
        elif isinstance(v, (int, float)):
            cell.setValue(float(v))
        elif isinstance(v, (dt.date, dt.datetime)):
            d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
            cell.setFormula(d.strftime("%Y-%m-%d"))  # parsed as a date, as typing it would be
        else:
            cell.setFormula(str(v))  # parsed as typed: numbers, dates, =formulas, 'text

    @value.setter
    def value(self, v):
        r0, c0 = self.areas[0][:2]
        if isinstance(v, list) and v and isinstance(v[0], list):
            if len({len(row) for row in v}) > 1:
                raise ValueError("uneven rows")
            for i, row in enumerate(v):
                for j, x in enumerate(row):
                    self._put(self.sheet.sheet.getCellByPosition(c0 + j, r0 + i), x)
        elif isinstance(v, list):
            for j, x in enumerate(v):
                self._put(self.sheet.sheet.getCellByPosition(c0 + j, r0), x)
        else:
            for cell in self._cells():
                self._put(cell, v)

    @property
    def color(self):
        seen = {cell.CellBackColor for cell in self._cells()}
        if len(seen) > 1:
            raise TypeError("a range of cells with different fills")
        c = seen.pop()
        return None if c == NO_FILL else ((c >> 16) & 255, (c >> 8) & 255, c & 255)

    @color.setter
    def color(self, rgb):
        for r0, c0, r1, c1 in self.areas:
            rng = self.sheet.sheet.getCellRangeByPosition(c0, r0, c1, r1)
            rng.CellBackColor = NO_FILL if rgb is None else (rgb[0] << 16) + (rgb[1] << 8) + rgb[2]
            if rgb is None:
                rng.IsCellBackgroundTransparent = True

    def _merge(self):
        r, c = self.areas[0][:2]
        for m in self.sheet.merged_areas():
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    @property
    def merge_cells(self):
        merges = self.sheet.merged_areas()
        flags = set()
        for r0, c0, r1, c1 in self.areas:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    flags.add(any(m[0] <= r <= m[2] and m[1] <= c <= m[3] for m in merges))
        return flags.pop() if len(flags) == 1 else None

    @property
    def merge_area(self):
        m = self._merge()
        return UnoRange(self.sheet, [m]) if m else self

    def unmerge(self):
        m = self._merge()
        if m:
            self.sheet.sheet.getCellRangeByPosition(m[1], m[0], m[3], m[2]).merge(False)

    @property
    def note(self):
        r, c = self.areas[0][:2]
        note = UnoNote(self.sheet, r, c)
        return note if note._find()[1] is not None else None

    def add_note(self, text):
        if self.note is not None:
            raise ValueError("cell already has a note")
        r, c = self.areas[0][:2]
        addr = CellAddress()
        addr.Sheet, addr.Column, addr.Row = self.sheet.sheet.RangeAddress.Sheet, c, r
        self.sheet.sheet.Annotations.insertNew(addr, text)
        return UnoNote(self.sheet, r, c)
