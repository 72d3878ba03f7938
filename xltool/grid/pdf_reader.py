"""PDF notice → Grids: the ruled tables of a text PDF as values and merged ranges (pdfplumber).

A table is read from its drawn boxes: every box is one cell, and a box that spans several
row or column bands is a merge. The text of a box is rebuilt from its characters, line by
line: a line that ends because the box is full is a wrap and is joined to the next without a
break; a line that ends short is a real line break ("县财政局\\n县审计局").

A table that goes on over a page break is joined into one grid. The header printed again
at the top of each page is dropped, a row cut by the page break is put back together, and a
merged box that goes on over the break stays one merge. The lines above the first table
(title, issue date) are the context, as for Word.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from ..errors import LimitExceeded, UnreadableFile
from ..model import Grid, Merge

_TOL = 1.5  # points: edges closer than this are one edge
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")  # never begins a line (the char before moves down)
_SENTENCE_END = set("。；！？;!?")
_ASCII_RUN = re.compile(r"[0-9A-Za-z.%\-]+")


@dataclass
class _Cell:
    r0: int
    c0: int
    r1: int
    c1: int
    text: str
    full: bool = False  # its last line is full: the text may go on in the next box down


@dataclass
class _PageTable:
    """One ruled table on one page: its cells, its column edges and where it stands."""

    cells: list[_Cell]
    rows: int
    xs: list[float]
    top: float
    bottom: float
    page_height: float
    page: int


@dataclass
class _Joined:
    """A table joined over the pages it goes on to."""

    cells: list[_Cell] = field(default_factory=list)
    rows: int = 0
    xs: list[float] = field(default_factory=list)


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _lines(chars: list[dict]) -> list[list[dict]]:
    """The box's characters in lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) < ch["size"] * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _lead_width(line: list[dict]) -> float:
    """How wide the start of a line is that could not stay on the line before: a run of
    Latin letters and digits, or a character with the punctuation that may not begin a line."""
    text = "".join(c["text"] for c in line)
    m = _ASCII_RUN.match(text)
    n = len(m.group(0)) if m else 1
    while n < len(text) and text[n] in _NO_LINE_START:
        n += 1
    return line[min(n, len(line)) - 1]["x1"] - line[0]["x0"]


def box_text(chars: list[dict], x0: float, x1: float) -> tuple[str, bool]:
    """The text of a box from x0 to x1 (wrapped lines joined, real line breaks kept), and
    whether its last line is full."""
    lines = [ln for ln in _lines(chars) if ln]
    if not lines:
        return "", False
    pad = min(6.0, min(ln[0]["x0"] for ln in lines) - x0)
    width = (x1 - x0) - 2 * max(pad, 0.0)

    def used(line) -> float:
        return line[-1]["x1"] - line[0]["x0"]

    out = _line_text(lines[0])
    for prev, line in zip(lines, lines[1:], strict=False):
        text = _line_text(line)
        if used(prev) + _lead_width(line) <= width - 0.5:
            out += "\n"
        elif out[-1:].isascii() and out[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum():
            out += " "  # a wrap between two Latin words
        out += text
    last = lines[-1]
    # (a full line that ends a sentence is taken as the end: a page break rarely cuts there)
    full = used(last) + (last[-1]["x1"] - last[-1]["x0"]) > width - 0.5 and out[-1] not in _SENTENCE_END
    return out, full


def _line_text(line: list[dict]) -> str:
    """A line's characters as text; spaces only where the PDF has them."""
    return "".join(c["text"] for c in line).strip()


def _page_tables(page, number: int) -> list[_PageTable]:
    found = []
    for table in page.find_tables():
        boxes = [c for c in table.cells if c]
        if not boxes:
            continue
        xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
        by_box: dict[tuple, list[dict]] = {b: [] for b in boxes}
        for ch in page.chars:
            cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            for b in boxes:
                if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                    by_box[b].append(ch)
                    break
        cells = []
        for b in boxes:
            r0, r1 = _index(ys, b[1]), _index(ys, b[3]) - 1
            c0, c1 = _index(xs, b[0]), _index(xs, b[2]) - 1
            cells.append(_Cell(r0, c0, max(r0, r1), max(c0, c1), *box_text(by_box[b], b[0], b[2])))
        found.append(_PageTable(cells, len(ys) - 1, xs, table.bbox[1], table.bbox[3], page.height, number))
    return found


def _row_texts(cells: list[_Cell], row: int, ncol: int) -> list[str]:
    texts = [""] * ncol
    for c in cells:
        if c.r0 == row and c.c0 < ncol:
            texts[c.c0] = re.sub(r"\s+", "", c.text)
    return texts


def _continues(first: _PageTable, prev: _PageTable, t: _PageTable) -> bool:
    """Whether a table at the top of a page goes on with the table (begun by ``first``) that
    ended the page before with ``prev``."""
    if t.page != prev.page + 1 or len(t.xs) != len(first.xs):
        return False
    same_columns = all(abs(a - b) <= 3 for a, b in zip(t.xs, first.xs, strict=True))
    near_bottom = prev.bottom > prev.page_height * 0.75
    near_top = t.top < t.page_height * 0.25
    return same_columns and near_bottom and near_top


_LISTED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d)")


def _repeated_header(chain: list[_PageTable]) -> int:
    """How many first rows of a table are printed again at the top of every page it goes on
    to (Word's and LibreOffice's repeated header). Every page must repeat them: a section
    row that merely stands again after a break (a real quirk of published tables) is data, and
    so is any row that starts like an item (一、 （一） 1.)."""
    first = chain[0]
    ncol = len(first.xs) - 1
    n = first.rows
    for t in chain[1:]:
        k = 0
        while k < min(n, t.rows) and _row_texts(t.cells, k, ncol) == _row_texts(first.cells, k, ncol):
            k += 1
        n = k
    while n and any(_LISTED.match(x) for r in range(n) for x in _row_texts(first.cells, r, ncol)):
        n -= 1
    return n


def _cell_at(cells: list[_Cell], r: int, c: int) -> _Cell | None:
    return next((x for x in cells if x.r0 <= r <= x.r1 and x.c0 <= c <= x.c1), None)


def _cut_row(above: list[_Cell], last: int, top: list[_Cell], merged_on: set[int]) -> bool:
    """Whether the top row of a continued page is the rest of the row the page before ended
    with (``merged_on``: its boxes that go on from a merge above). It is when the
    row has text and every text goes on from a box of the same columns whose last line was
    full (a new row's 序号, task and units would all have to follow full lines), or when
    one does and the row lacks what that row has first in a box of its own (its 序号 or task)."""
    texts = [c for c in top if c.text and id(c) not in merged_on]
    if not texts:  # nothing of its own: the rest of a row whose merged boxes go on
        return bool(top)
    after_full = [(a := _cell_at(above, last, c.c0)) is not None and a.full and (a.c0, a.c1) == (c.c0, c.c1)
                  for c in texts]
    if all(after_full):
        return True
    own = sorted((c for c in above if c.r0 == c.r1 == last and c.text), key=lambda c: c.c0)
    first = next((c for c in top if own and c.c0 <= own[0].c0 <= c.c1), None)
    return any(after_full) and first is not None and not first.text and first.r1 == 0


def _goes_on(above: _Cell, top: _Cell, merging_column: bool, inner: list[tuple[int, int]]) -> bool:
    """Whether a box at the top of a continued page is the rest of the box above it (the row
    itself being new): an empty box under a merge, or under any text in a column whose cells
    are merged elsewhere (a merge of two rows split one and one); text under a merge whose
    last line was full, or whose finer columns to the right go on (``inner``: column and first
    row of the merges that go on as empty boxes): a group goes on while a group inside it does."""
    if not top.text:
        return above.r1 > above.r0 or (merging_column and bool(above.text))
    return above.r1 > above.r0 and (above.full or any(col > top.c1 and r0 >= above.r0 for col, r0 in inner))


def _append(joined: _Joined, t: _PageTable, skip: int) -> None:
    """Put a continued page's table under the joined one, less its ``skip`` header rows."""
    cells = [c for c in t.cells if c.r1 >= skip]
    for c in cells:
        c.r0, c.r1 = max(c.r0, skip) - skip, c.r1 - skip
    last = joined.rows - 1
    pairs = []  # (a box of the top row, the box of the same columns above it)
    for c in cells:
        above = _cell_at(joined.cells, last, c.c0) if c.r0 == 0 else None
        if above is not None and (above.c0, above.c1) == (c.c0, c.c1):
            pairs.append((c, above))
    merged_cols = {c.c0 for c in joined.cells if c.r1 > c.r0 and c.c0 == c.c1}
    inner = [(c.c0, a.r0) for c, a in pairs if not c.text and a.r1 > a.r0]
    merged_on = {id(c) for c, a in pairs if _goes_on(a, c, a.c0 in merged_cols, inner)}
    cut = _cut_row(joined.cells, last, [c for c in cells if c.r0 == 0], merged_on)
    offset = last if cut else joined.rows
    going_on = {id(c): a for c, a in pairs if cut or id(c) in merged_on}
    for c in cells:
        above = going_on.get(id(c))
        if above is None:
            c.r0, c.r1 = c.r0 + offset, c.r1 + offset
            joined.cells.append(c)
            continue
        if c.text:  # (a box cut by the page break in mid-line goes on without a break)
            above.text += ("" if above.full else "\n") + c.text
            above.full = c.full
        above.r1 = max(above.r1, c.r1 + offset)
    joined.rows = offset + t.rows - skip


def _grid(joined: _Joined, name: str) -> Grid:
    ncol = len(joined.xs) - 1
    rows: list[list] = [[None] * ncol for _ in range(joined.rows)]
    merges = []
    for c in joined.cells:
        if c.r0 < joined.rows and c.c0 < ncol:
            rows[c.r0][c.c0] = c.text or None
        if c.r1 > c.r0 or c.c1 > c.c0:
            merges.append(Merge(c.r0, c.c0, min(c.r1, joined.rows - 1), min(c.c1, ncol - 1)))
    return Grid(name=name, rows=rows, merges=merges)


def _context(page, first_table_top: float | None) -> list[str]:
    """The lines above the first table, a wrapped line joined to the next."""
    limit = page.height if first_table_top is None else first_table_top
    chars = [c for c in page.chars if c["text"].strip() and (c["top"] + c["bottom"]) / 2 < limit]
    lines = _lines(chars)
    if not lines:
        return []
    right = max(ln[-1]["x1"] for ln in lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        text = _line_text(line)
        if i and lines[i - 1][-1]["x1"] > right - lines[i - 1][-1]["size"] * 1.5 and out:
            out[-1] += text
        else:
            out.append(text)
    return [t for t in out if t]


def _chains(tables: list[_PageTable]) -> list[list[_PageTable]]:
    """The page tables grouped into tables: each with the pages it goes on to."""
    chains: list[list[_PageTable]] = []
    for t in tables:
        if chains and _continues(chains[-1][0], chains[-1][-1], t):
            chains[-1].append(t)
        else:
            chains.append([t])
    return chains


def _joined(chain: list[_PageTable]) -> _Joined:
    first = chain[0]
    joined = _Joined(list(first.cells), first.rows, first.xs)
    skip = _repeated_header(chain) if len(chain) > 1 else 0
    for t in chain[1:]:
        _append(joined, t, skip)
    return joined


def _read_pages(pages, label: str, max_cells: int) -> tuple[list[_PageTable], list[str], int]:
    """(every ruled table of every page, the lines before the first one, the count of text
    characters)."""
    tables: list[_PageTable] = []
    context: list[str] = []  # every line before the first table, as Word's paragraphs
    text_chars = cells = 0
    for number, page in enumerate(pages):
        text_chars += sum(1 for c in page.chars if c["text"].strip())
        found = _page_tables(page, number)
        if not tables:
            context += _context(page, found[0].top if found else None)
        tables += found
        cells += sum(t.rows * (len(t.xs) - 1) for t in found)
        if cells > max_cells:
            raise LimitExceeded(label, f"PDF 中的表格超过 {max_cells} 个单元格")
    return tables, context, text_chars


def read_pdf(path: str, label: str, max_pages: int, max_cells: int) -> tuple[list[Grid], list[str]]:
    """(one grid per table, a table going over page breaks joined; the lines above the first
    table). A PDF without a text layer is refused as a scan."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception:
        raise UnreadableFile(label, "无法打开 PDF 文件（文件已损坏或不完整）") from None
    try:
        if len(pdf.pages) > max_pages:
            raise LimitExceeded(label, f"PDF 共 {len(pdf.pages)} 页，超过上限 {max_pages} 页")
        tables, context, text_chars = _read_pages(pdf.pages, label, max_cells)
        grids = [_grid(_joined(chain), f"表{i + 1}") for i, chain in enumerate(_chains(tables))]
    except (UnreadableFile, LimitExceeded, MemoryError):
        raise
    except Exception:
        raise UnreadableFile(label, "无法读取 PDF 中的表格（文件已损坏或不完整）") from None
    finally:
        with contextlib.suppress(Exception):  # (closing walks the pages again: a broken one raises)
            pdf.close()
    if text_chars == 0:
        raise UnreadableFile(label, "PDF 没有文字层（可能是扫描件），无法读取表格；请向发文单位索取 Word 版或可复制文字的 PDF")
    return grids, context
