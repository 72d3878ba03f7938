"""Sheet rows kept as XML: a copy of a big ledger passes its rows through unparsed.

openpyxl makes an object of every cell it loads and writes, and for a big ledger that is
where a copy's time goes. A copy changes few cells, so the rows of a sheet in the usual form
(every row and cell with its ``r``, no namespace prefix) are taken out of the package before
openpyxl loads it (``strip``) and put back into what openpyxl saved (``splice``), with the
cells the copy changes rewritten on the way (``patch_rows``). Generated rows (a findings
sheet with a line per finding) are written as XML by ``rows_xml`` and spliced the same way.
Shared strings the kept rows refer to go back as the original part: openpyxl (3.1) writes
its own strings inline, so their indexes stay valid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from .cells import clean_text

_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_CELL_AT = re.compile(rb'<c\s[^>]*?r="([A-Z]{1,3})\d+"[^>]*?(?:/>|>.*?</c>)', re.S)
_ROW_R = re.compile(rb'\sr="(\d+)"')
_STYLE = re.compile(rb'\ss="(\d*)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_ANY_ROW = re.compile(rb"<row\b")
_ANY_CELL = re.compile(rb"<c[\s/>]")
_ROW_WITH_R = re.compile(rb"<row\b[^>]*?\sr=\"\d+\"")
_CELL_WITH_R = re.compile(rb"<c\s[^>]*?r=\"[A-Z]{1,3}\d+\"")
_ROOT = re.compile(rb"<worksheet\b[^>]*>")
_DECLARATION = re.compile(rb'\s(?:xmlns:[\w.-]+|mc:Ignorable)="[^"]*"')
_LAST_COLUMN = re.compile(rb'<c\s[^>]*?r="([A-Z]{1,3})\d+"')

SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

KEEP = object()  # an edit that leaves the cell's value as it is


@dataclass
class Kept:
    """The rows taken out of one sheet part, and its dimension element."""

    rows: bytes
    dimension: bytes
    merges: list[str] = field(default_factory=list)  # its merged ranges, put back as XML too
    namespaces: bytes = b""  # the root's prefix declarations (rows carry x14ac:dyDescent …)

    def last_column(self) -> int:
        """The rightmost column any kept cell is in (1-based; 0 for no cells)."""
        letters = set(_LAST_COLUMN.findall(self.rows))
        return max((column_index_from_string(x.decode()) for x in letters), default=0)


def _sheet_data(xml: bytes) -> tuple[int, int, bytes] | None:
    """Where the unprefixed <sheetData> element is (start, end) and its content."""
    start = xml.find(b"<sheetData")
    if start < 0:
        return None
    head = xml.find(b">", start)
    if head < 0:
        return None
    if xml[head - 1:head] == b"/":
        return start, head + 1, b""
    end = xml.find(b"</sheetData>", head)
    return None if end < 0 else (start, end + len(b"</sheetData>"), xml[head + 1:end])


def strip(xml: bytes) -> tuple[bytes, Kept] | None:
    """The sheet part without its rows, and the rows; None for a sheet not in the usual
    form (openpyxl then loads it whole)."""
    found = _sheet_data(xml)
    if found is None:
        return None
    start, end, rows = found
    if (len(_ANY_ROW.findall(rows)) != len(_ROW_WITH_R.findall(rows))
            or len(_ANY_CELL.findall(rows)) != len(_CELL_WITH_R.findall(rows))):
        return None
    dim = _DIMENSION.search(xml)
    root = _ROOT.search(xml)
    declared = b"".join(_DECLARATION.findall(root.group(0))) if root else b""
    return xml[:start] + b"<sheetData/>" + xml[end:], Kept(rows, dim.group(0) if dim else b"", namespaces=declared)


# ---- cells as XML ------------------------------------------------------------------------

def _text(value: str) -> bytes:
    return escape(clean_text(value)).encode()


def cell_xml(ref: str, value, style: int | None = None) -> bytes:
    """One cell: text as an inline string (never a formula), numbers, booleans, dates as
    Excel serial numbers (the style carries their format)."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'.encode()
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'.encode()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        from openpyxl.utils.datetime import to_excel

        return f'<c r="{ref}"{s}><v>{to_excel(value)!r}</v></c>'.encode()
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'.encode() + _text(str(value)) + b"</t></is></c>"


class Edit(NamedTuple):
    """What a copy changes in one cell: its style (an index, a function of the index it had,
    the (row, column) of a cell above or to the left whose style it takes, or None to keep
    it), and its value unless KEEP."""

    style: int | Callable[[int], int] | tuple[int, int] | None = None
    value: object = KEEP


@dataclass
class Edits:
    """The cells to change in one sheet, by 1-based row and column."""

    cells: dict[int, dict[int, Edit]] = field(default_factory=dict)
    had: dict[tuple[int, int], int] = field(default_factory=dict)  # styles of edited cells, as patched

    def restyle(self, row: int, col: int, style: int | Callable[[int], int]) -> None:
        """Give a cell a new style (its value, if a write set one, stays)."""
        got = self.cells.setdefault(row, {})
        got[col] = Edit(style, got[col].value) if col in got else Edit(style)

    def write(self, row: int, col: int, value=KEEP, style: int | tuple[int, int] | None = None) -> None:
        """Write a value into a cell (KEEP: leave its value) with the style given: an index,
        the (row, column) of a cell above or to the left whose style it takes, or None for
        the style it has."""
        if isinstance(style, tuple):
            self.cells.setdefault(style[0], {}).setdefault(style[1], Edit())
        self.cells.setdefault(row, {})[col] = Edit(style, value)


_letters: dict[int, str] = {}


def _ref(row: int, col: int) -> str:
    letters = _letters.get(col)
    if letters is None:
        letters = _letters[col] = get_column_letter(col)
    return f"{letters}{row}"


def _edited(row: int, col: int, edit: Edit, old: bytes | None, had: dict) -> bytes:
    """A cell after its edit; ``old`` is the cell element it had, if any."""
    before = 0
    attrs = b""
    if old is not None:
        attrs = old[2:old.index(b">")].rstrip(b"/")
        st = _STYLE.search(attrs)
        before = int(st.group(1) or 0) if st else 0
    had[row, col] = before
    style = edit.style
    if style is None:
        if edit.value is KEEP:  # (a cell whose style another cell takes)
            return old or b""
        style = before
    elif isinstance(style, tuple):
        style = had.get(style, 0)
    elif callable(style):
        style = style(before)
    if edit.value is not KEEP or old is None:
        return cell_xml(_ref(row, col), None if edit.value is KEEP else edit.value, style)
    st = _STYLE.search(attrs)
    new_attrs = (attrs[:st.start()] + attrs[st.end():] if st else attrs) + (f' s="{style}"'.encode() if style else b"")
    return b"<c" + new_attrs + old[len(attrs) + 2:] if old.endswith(b"</c>") else b"<c" + new_attrs + b"/>"


_columns: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    got = _columns.get(letters)
    if got is None:
        got = _columns[letters] = column_index_from_string(letters.decode())
    return got


def _patched_row(attrs: bytes, body: bytes, row: int, edits: dict[int, Edit], had: dict) -> bytes:
    have = {_column(m.group(1)): m.group(0) for m in _CELL_AT.finditer(body)} if body else {}
    rest = _CELL.sub(b"", body).strip() if b"<extLst" in body else b""  # (stays after the cells)
    out = [b"<row", _SPANS.sub(b"", attrs) if b"spans" in attrs else attrs, b">"]
    for c in sorted(have.keys() | edits.keys()):
        e = edits.get(c)
        out.append(have[c] if e is None else _edited(row, c, e, have.get(c), had))
    out += [rest, b"</row>"]
    return b"".join(out)


def patch_rows(rows: bytes, edits: Edits) -> list[bytes | memoryview]:
    """Kept rows with the edits applied, as pieces to write in turn: rows no edit touches
    pass through as they were (views of ``rows``, not copies), rows and cells that did not
    exist are added in their places. Run before openpyxl saves: edits may add styles."""
    view = memoryview(rows)
    if not edits.cells:
        return [view]
    todo = sorted(edits.cells)
    out: list[bytes | memoryview] = []
    i = pos = 0
    for m in _ROW.finditer(rows):
        r = int(_ROW_R.search(m.group(1)).group(1))
        while i < len(todo) and todo[i] < r:
            out.append(_patched_row(f' r="{todo[i]}"'.encode(), b"", todo[i], edits.cells[todo[i]], edits.had))
            i += 1
        if i < len(todo) and todo[i] == r:
            out.append(view[pos:m.start()])
            out.append(_patched_row(m.group(1).rstrip(b"/"), m.group(2) or b"", r, edits.cells[r], edits.had))
            pos = m.end()
            i += 1
    out.append(view[pos:])
    out += [_patched_row(f' r="{r}"'.encode(), b"", r, edits.cells[r], edits.had) for r in todo[i:]]
    return out


def rows_xml(rows: Iterable[tuple[int, float | None, list[tuple[int, object, int | None]]]],
             batch: int = 2000) -> Iterator[bytes]:
    """Generated rows, (row, height or None, [(column, value, style)]) each, as XML in
    pieces of ``batch`` rows (written while the package is saved, never held whole)."""
    out = []
    for r, height, cells in rows:
        h = f' ht="{height}" customHeight="1"' if height else ""
        out.append(f'<row r="{r}"{h}>'.encode())
        out += [cell_xml(_ref(r, c), v, s) for c, v, s in cells]
        out.append(b"</row>")
        if len(out) > batch * 9:
            yield b"".join(out)
            out = []
    yield b"".join(out)


def hyperlinks_xml(links: Iterable[tuple[str, str]]) -> bytes:
    """In-workbook links, (cell, location) each, as the elements of <hyperlinks>."""
    return b"".join(f"<hyperlink ref={quoteattr(ref)} location={quoteattr(clean_text(loc))}/>".encode()
                    for ref, loc in links)


# ---- putting rows back into a saved package ----------------------------------------------

@dataclass
class Body:
    """Rows to put into one sheet of the saved package: replacing what openpyxl wrote
    (kept rows, with their dimension) or after it (generated rows), with hyperlinks."""

    rows: Iterable[bytes | memoryview]  # pieces, written in turn
    replace: bool
    dimension: bytes = b""
    namespaces: bytes = b""  # prefix declarations the rows need on the root
    links: bytes = b""
    merges: list[str] = field(default_factory=list)


_AFTER_MERGES = re.compile(rb"<(?:phoneticPr|conditionalFormatting|dataValidations|hyperlinks)\b")
_AFTER_LINKS = re.compile(rb"<(?:printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|"
                          rb"cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture|oleObjects|"
                          rb"controls|webPublishItems|tableParts|extLst)\b|</worksheet>")


def _with_body(xml: bytes, body: Body) -> Iterator[bytes | memoryview]:
    """A sheet part openpyxl wrote, with ``body`` put in, as pieces to write in turn."""
    start, end, had = _sheet_data(xml)
    head, tail = xml[:start], xml[end:]
    if body.replace:
        dim = _DIMENSION.search(head)
        if dim:
            head = head[:dim.start()] + body.dimension + head[dim.end():]
        root = _ROOT.search(head)
        if root and body.namespaces:
            have = {d.split(b"=")[0].strip() for d in _DECLARATION.findall(root.group(0))}
            more = b"".join(d for d in _DECLARATION.findall(body.namespaces) if d.split(b"=")[0].strip() not in have)
            at = root.end() - (2 if root.group(0).endswith(b"/>") else 1)
            head = head[:at] + more + head[at:]
    if body.merges:
        cells = b"".join(b'<mergeCell ref="' + ref.encode() + b'"/>' for ref in body.merges)
        at = _AFTER_MERGES.search(tail) or _AFTER_LINKS.search(tail)
        tail = (tail[:at.start()] + f'<mergeCells count="{len(body.merges)}">'.encode() + cells + b"</mergeCells>"
                + tail[at.start():])
    if body.links:
        at = tail.find(b"</hyperlinks>")
        if at >= 0:
            tail = tail[:at] + body.links + tail[at:]
        else:
            at = _AFTER_LINKS.search(tail).start()
            tail = tail[:at] + b"<hyperlinks>" + body.links + b"</hyperlinks>" + tail[at:]
    yield head + b"<sheetData>"
    if not body.replace:
        yield had
    yield from body.rows
    yield b"</sheetData>" + tail


def _with_sst(name: str, data: bytes) -> bytes:
    """The content types or the workbook's relationships of a package openpyxl wrote (it
    writes no shared strings), naming the original shared strings part as well."""
    if name == "[Content_Types].xml":
        return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                            + SST_TYPE + b'"/></Types>')
    rid, n = b"rIdXltoolSst", 1
    while b'"' + rid + str(n).encode() + b'"' in data:
        n += 1
    return data.replace(b"</Relationships>", b'<Relationship Id="' + rid + str(n).encode() + b'" Type="'
                        + SST_REL + b'" Target="sharedStrings.xml"/></Relationships>')


def splice(package: bytes, bodies: dict[str, Body], sst: bytes | None, out) -> None:
    """Write the package openpyxl saved to the file ``out``, with ``bodies`` (by sheet name)
    put into their sheets and, when kept rows were put back, the original shared strings.
    Parts are written one at a time: a big sheet is never held whole twice."""
    import io
    import zipfile

    from ..grid.guard import sheet_parts

    with zipfile.ZipFile(io.BytesIO(package)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        infos = zin.infolist()
        title_of = sheet_parts(zin, {i.filename.lower(): i for i in infos}, "")
        add_sst = (sst is not None and any(b.replace for b in bodies.values())
                   and "xl/sharedStrings.xml" not in zin.namelist())
        for info in infos:
            data = zin.read(info)
            body = bodies.get(title_of.get(info.filename.lower(), ""))
            if add_sst and info.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                data = _with_sst(info.filename, data)
            if body is None:
                zout.writestr(info.filename, data)
                continue
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                for piece in _with_body(data, body):
                    fh.write(piece)
        if add_sst:
            zout.writestr("xl/sharedStrings.xml", sst)
