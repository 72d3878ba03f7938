"""Look at a file before any parser does: what it really is, and whether it is safe.

A ledger comes by e-mail from dozens of offices; it may be empty, a renamed text file,
a truncated or bombed zip, or name a cell a million rows away (which makes calamine's
dense range allocate billions of cells and abort the process). These checks are cheap
(the package directory, one fast search of each sheet for a far reference, and only when
there is one a pass over every cell reference) and refuse such files with a Chinese
reason before any parser sees them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from ..errors import LimitExceeded, OurOutput, UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """Safety limits; every one can be raised from the command line or config."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_uncompressed_bytes: int = 300 * 1024 * 1024  # all parts of an xlsx together
    max_ratio: int = 150  # uncompressed/compressed for any part above 10 MB
    max_cells: int = 2_000_000  # rows × columns of any sheet's used area
    max_docx_mb: int = 50  # a Word notice's document.xml (a real one: well under 1 MB)
    max_pdf_pages: int = 300  # a PDF notice (a real one: a few dozen pages)
    max_text_mb: int = 256  # text the shared strings expand to, over every cell that refers to them
    max_memory_mb: int = 1024  # address space a file's reader may add (xltool/isolate.py)
    max_seconds: float = 60  # time a file's reader may take (xltool/isolate.py)

    def raised(self, max_cells: int | None = None, max_mb: int | None = None) -> Limits:
        """These limits with --max-cells and --max-mb applied (None: keep)."""
        lim = self
        if max_cells:
            lim = replace(lim, max_cells=max_cells)
        if max_mb:
            lim = replace(lim, max_uncompressed_bytes=max_mb * 2**20,
                          max_file_bytes=max(lim.max_file_bytes, max_mb * 2**20))
        return lim


DEFAULT_LIMITS = Limits()

# A cell's position, whatever the attribute order: only <c> has r="LETTERS+DIGITS"
# (rows have r="DIGITS", ranges ref="A1:B2"). A dense reader allocates the bounding box
# of the cells, so cells alone decide the extent.
# (any quoting and spacing XML allows, leading zeros, lower case: a parser takes them all)
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']\s*([A-Za-z]{1,3})0*([0-9]{1,9})\s*["\']')
# cells without r= take their row from <row r="N">
_ROW_REF = re.compile(rb'row\b[^>]{0,200}?\sr\s*=\s*["\']\s*0*([0-9]{1,9})')
# (the same test as _big_ref for cells written with a namespace prefix, <x:c …>)
_PREFIXED_ODD_CELL = re.compile(rb'<\w+:c(?:>|/>|\s(?!r="[A-Z]{1,2}[0-9]{1,5}"))')
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])')
# every cell tag: the reference of one written <c r="A1" …> (reference first, after one blank,
# plain), or _ODD for one written otherwise; the search opens with a literal and is fast
_CELL_TAG = re.compile(rb'<c(?:\sr="([A-Z]{1,3})([1-9][0-9]{0,8})"|>|/>|\s)')
_ODD = (b"", b"")


def sniff(data_head: bytes) -> str:
    """'zip', 'ole', 'html', 'text', 'pdf' or 'binary' from the first bytes."""
    if data_head.startswith(ZIP_MAGIC) or data_head.startswith(b"PK\x05\x06"):
        return "zip"
    if data_head.startswith(OLE_MAGIC):
        return "ole"
    if data_head.startswith(b"%PDF"):
        return "pdf"
    head = data_head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")):
        return "html"
    try:
        data_head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        pass
    try:
        data_head.decode("gb18030")
        if sum(b < 9 for b in data_head) == 0:
            return "text"
    except UnicodeDecodeError:
        pass
    return "binary"


_KIND_REASON = {
    "html": "文件实际是网页（HTML）格式，不是 Excel 工作簿；请在 Excel 中打开后另存为 .xlsx",
    "text": "文件实际是文本（如 CSV/TXT），不是 Excel 工作簿；请在 Excel 中打开后另存为 .xlsx",
    "pdf": "文件实际是 PDF，不是 Excel 工作簿",
    "doc": "文件实际是 Word 文档（.doc），不是 Excel 工作簿",
    "binary": "文件不是 Excel 工作簿（无法识别的格式）",
}


class OleContents(NamedTuple):
    """What an OLE compound file holds: ``kind`` 'doc' (Word 97) or 'xls' (a workbook, and
    whatever else: calamine says what is wrong with it), and an .xls's workbook stream."""

    kind: str
    workbook: bytes | None = None


def ole_contents(source) -> OleContents:
    """Open an OLE file once (``source``: a path or the bytes) for its kind and, for an .xls,
    its workbook stream (bounded by the file's size, which the caller has checked)."""
    import olefile

    try:
        with olefile.OleFileIO(source) as ole:
            names = {"/".join(e).lower() for e in ole.listdir(streams=True, storages=True)}
            if "worddocument" in names and not {"workbook", "book"} & names:
                return OleContents("doc")
            name = next((n for n in ("Workbook", "Book") if n.lower() in names), None)
            return OleContents("xls", ole.openstream(name).read() if name else None)
    except Exception:  # a broken container: the workbook reader says what it is
        return OleContents("xls")


# BIFF8 records that place a cell (row and column in their first four bytes); MULRK and
# MULBLANK place a run of cells whose last column ends the record
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00BD, 0x00BE})
_BIFF_RUNS = frozenset({0x00BD, 0x00BE})
_BIFF_BOF = 0x0809


def check_xls(label: str, workbook: bytes | None, limits: Limits) -> None:
    """Refuse an .xls whose cells reach past the cell limit in any sheet, before a reader
    allocates their bounding box: its workbook stream's cell records, counted per sheet
    (each sheet's records follow a BOF record). Read it after decryption: an encrypted
    stream's record bodies are noise."""
    if not workbook:
        return
    data = workbook
    rows = cols = sheet = 0
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        if kind == _BIFF_BOF:
            rows = cols = 0
            sheet += 1
        elif kind in _BIFF_CELLS and length >= 4 and body + length <= end:
            row, col = struct.unpack_from("<HH", data, body)
            if kind in _BIFF_RUNS and length >= 6:
                col = max(col, struct.unpack_from("<H", data, body + length - 2)[0])
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if rows * cols > limits.max_cells:
                raise LimitExceeded(label, f"第 {sheet - 1} 张工作表的单元格区域过大（{rows} 行 × {cols} 列，"
                                           f"超过 {limits.max_cells} 个单元格上限），已拒绝读取；可用 --max-cells 调高上限")
        pos = body + length


def not_a_workbook_reason(kind: str) -> str:
    return _KIND_REASON.get(kind, _KIND_REASON["binary"])


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\st="e"[^>]*>'
                         rb'(?:<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>))?<(?:\w+:)?v>([^<]{1,16})</')
_ERROR_CELL_T_FIRST = re.compile(rb'<(?:\w+:)?c\b[^>]*?\st="e"[^>]*?\sr="([A-Z]{1,3}[0-9]{1,7})"[^>]*>'
                                 rb'(?:<(?:\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>))?<(?:\w+:)?v>([^<]{1,16})</')
_ERROR_TYPE = re.compile(rb't="e"')  # both patterns above need it (a literal: a regex finds it faster than `in`)
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_T_FIRST = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def sheet_parts(zf, names: dict, path: str) -> dict[str, str]:
    """worksheet part name (lower case) -> sheet name, from workbook.xml and its rels."""
    from html import unescape

    try:
        wb = zf.read(names["xl/workbook.xml"])
        rels = zf.read(names["xl/_rels/workbook.xml.rels"])
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as e:
        if isinstance(e, KeyError):
            return {}
        raise UnreadableFile(path, f"文件已损坏（{e}）") from None
    targets = {i.decode("utf-8", "replace"): t.decode("utf-8", "replace") for i, t in _REL.findall(rels)}
    targets.update({i.decode("utf-8", "replace"): t.decode("utf-8", "replace") for t, i in _REL_T_FIRST.findall(rels)})
    out = {}
    for name, rid in _SHEET.findall(wb):
        t = targets.get(rid.decode("utf-8", "replace"), "").replace("\\", "/").lstrip("/")
        part = (t if t.startswith("xl/") else "xl/" + t).lower()
        out[part] = unescape(name.decode("utf-8", "replace"))
    return out


def check_zip(path: str, source: str | bytes, limits: Limits, errors: dict | None = None,
              skip_ours: bool = False) -> str:
    """Check an OOXML package (a file path or its bytes); return 'xlsx' or 'docx'.

    ``path`` names the file in messages. Raises UnreadableFile / LimitExceeded. When
    ``errors`` is a dict it receives {sheet name: {"B7": "#REF!"}}: formula error values,
    which calamine hands back as empty cells. With ``skip_ours`` a workbook xltool wrote
    raises OurOutput (a batch never reads its own reports back as ledgers).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zlib.error, struct.error, ValueError, NotImplementedError, EOFError):
        raise UnreadableFile(path, "文件已损坏（zip 结构不完整，可能下载或拷贝中断）") from None
    except OSError as e:
        raise UnreadableFile(path, f"无法打开文件（{e.strerror or e}）") from None
    try:
        return _check_package(path, zf, limits, errors, skip_ours)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, NotImplementedError) as e:
        raise UnreadableFile(path, f"文件已损坏（{e}）") from None
    finally:
        zf.close()


def _check_package(path: str, zf: zipfile.ZipFile, limits: Limits, errors: dict | None, skip_ours: bool) -> str:
    """The kind of a zip package ("xlsx" or "docx") once it is known to be safe to read."""
    infos = zf.infolist()
    names = {i.filename.replace("\\", "/").lower(): i for i in infos}
    if "word/document.xml" in names and "xl/workbook.xml" not in names:
        _check_sizes(path, infos, limits)
        _check_word_tables(path, zf, names["word/document.xml"], limits)
        return "docx"
    if not any(n.startswith("xl/") for n in names):
        if "content.xml" in names:  # (a reader expands its repeated rows and columns: unbounded)
            raise UnreadableFile(path, "这是 OpenDocument 表格（.ods，WPS 或 LibreOffice 的格式），"
                                       "请在 WPS 或 LibreOffice 中另存为 Excel 工作簿（.xlsx）后再检查")
        raise UnreadableFile(path, "文件是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）")
    custom = names.get("docprops/custom.xml")
    if skip_ours and custom is not None and custom.file_size <= 2**20:  # (WPS writes one into every file)
        kind = output_mark(zf.read(custom))
        if kind:
            raise OurOutput(path, kind)
    _check_sizes(path, infos, limits)
    _check_shared_text(path, zf, names, limits)
    # Entity declarations (billion laughs, XXE) need no scan of ours: calamine's XML
    # parser refuses unknown entities and openpyxl parses through defusedxml.
    found_by_part = _scan_sheets(path, zf, names, limits, errors is not None)
    if found_by_part:  # rare: only then are the sheet names worth reading
        sheet_of = sheet_parts(zf, names, path)
        for part, found in found_by_part.items():
            if part in sheet_of:
                errors[sheet_of[part]] = found
    return "xlsx"


def _check_sizes(path: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a package that unpacks too large in all, or a part packed suspiciously tight."""
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise LimitExceeded(path, f"解压后大小 {total // 2**20} MB 超过上限 "
                                  f"{limits.max_uncompressed_bytes // 2**20} MB（疑似压缩炸弹），已拒绝读取")
    for i in infos:
        if i.file_size > 10 * 2**20 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise LimitExceeded(path, f"部件 {i.filename} 压缩比异常（{i.file_size // max(i.compress_size, 1)} 倍，"
                                      "疑似压缩炸弹），已拒绝读取")


_WORD_ROW = re.compile(rb"<w:tr[\s>/]")
_WORD_GRID_COL = re.compile(rb"<w:gridCol[\s>/]")
_WORD_SPAN = re.compile(rb"""<w:gridSpan\s[^>]*?w:val\s*=\s*["']\s*0*(\d{1,12})""")


def _check_word_tables(path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a Word document too large to be a notice, or whose tables would lay out more
    grid positions than a sheet may have cells (python-docx builds every one of them): rows
    × the widest of the declared grid and any cell's span."""
    if info.file_size > limits.max_docx_mb * 2**20:
        raise LimitExceeded(path, f"Word 文档正文解压后 {info.file_size // 2**20} MB，超过上限 "
                                  f"{limits.max_docx_mb} MB，已拒绝读取")
    rows = cols = span = 0

    def look(buf: bytes) -> bool:
        nonlocal rows, cols, span
        rows += len(_WORD_ROW.findall(buf))  # (upper bounds: chunks overlap a little)
        cols = max(cols, len(_WORD_GRID_COL.findall(buf)))
        spans = _WORD_SPAN.findall(buf)
        if spans:
            span = max(span, max(map(int, spans)))
        return False

    _scan_part(zf, info, look, False)
    if rows * max(cols, span) > limits.max_cells:
        raise LimitExceeded(path, f"Word 文档中的表格约 {rows} 行 × {max(cols, span)} 列，超过 "
                                  f"{limits.max_cells} 个单元格上限（疑似构造的文件），已拒绝读取")


# the fewest bytes a cell that refers to a shared string takes: <c t="s"><v>0</v></c>
_LEAST_CELL = 20
# what a reader spends on each cell's text beyond its characters (a Python str's header)
_PER_CELL = 50
_SI_TAG = re.compile(rb"<(/?)(?:\w+:)?si\b")
_S_CELL = re.compile(rb"""\bt\s*=\s*["']s["'][^>]*>\s*<(?:\w+:)?v\s*>\s*(\d{1,10})""")


def _check_shared_text(path: str, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a workbook whose shared strings, copied into every cell that refers to them,
    come to more text than ``max_text_mb`` (a few long strings referred to from hundreds of
    thousands of cells: a small file, gigabytes once read). Two bounds from the part sizes
    settle a real ledger at once; only past them are the references counted."""
    sst = names.get("xl/sharedstrings.xml")
    if sst is None:
        return
    cap = limits.max_text_mb * 2**20
    parts = [i for n, i in names.items() if n.startswith("xl/") and n.endswith(".xml") and i is not sst]
    most_cells = sum(i.file_size for i in parts) // _LEAST_CELL
    if most_cells * (sst.file_size + _PER_CELL) <= cap:
        return
    lengths = _si_lengths(zf, sst)
    if not lengths or most_cells * (max(lengths) + _PER_CELL) <= cap:
        return
    total = 0
    n = len(lengths)

    def look(buf: bytes) -> bool:
        nonlocal total
        for m in _S_CELL.finditer(buf):  # (an upper bound: chunks overlap a little)
            i = int(m.group(1))
            total += (lengths[i] if i < n else 0) + _PER_CELL
        return False

    for info in parts:
        _scan_part(zf, info, look, False)
        if total > cap:
            raise LimitExceeded(path, f"共享字符串被各单元格引用后展开为约 {total // 2**20} MB 文本，超过上限 "
                                      f"{limits.max_text_mb} MB（疑似构造的文件），已拒绝读取")


def _si_lengths(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[int]:
    """The length in bytes of each shared string's XML (markup included: an upper bound of its text)."""
    lengths: list[int] = []
    start = None
    base = 0
    buf = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            buf += chunk
            end = len(buf) if not chunk else max(0, len(buf) - 16)  # (a tag is shorter than 16 bytes)
            for m in _SI_TAG.finditer(buf):
                if m.start() >= end:
                    break
                if m.group(1):
                    if start is not None:
                        lengths.append(base + m.start() - start)
                        start = None
                else:
                    start = base + m.end()
            buf = buf[end:]
            base += end
            if not chunk:
                return lengths


def _scan_sheets(path: str, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], limits: Limits,
                 want_errors: bool) -> dict[str, dict]:
    """Scan every worksheet part: refuse one whose cells reach past the limits; return, per
    part, the error cells found (ref -> text) when ``want_errors``."""
    found_by_part: dict[str, dict] = {}
    big = _big_ref(limits.max_cells)
    for name, info in names.items():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")) and not _stray_sheet(zf, name, info):
            continue
        try:
            found, far = _scan_part(zf, info, lambda buf: _far(big, buf), want_errors, stop=True)
            if far:  # some reference is far enough to matter: measure the extent exactly
                found, _ = _scan_part(zf, info, _ExtentMeter(path, info, limits), want_errors)
            if found:
                found_by_part[name] = found
        except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, RuntimeError, ValueError,
                NotImplementedError) as e:
            if isinstance(e, RuntimeError) and "encrypted" in str(e):
                raise UnreadableFile(path, "压缩包内容已加密，无法读取") from None
            raise UnreadableFile(path, f"文件已损坏（部件 {info.filename} 无法解压：{e}）") from None
    return found_by_part


_MARK = re.compile(rb'<(?:\w+:)?property\b[^>]*?\bname="xltool-output"[^>]*>\s*<(?:\w+:)?lpwstr\b[^>]*>([^<]{0,40})<')


def output_mark(custom_xml: bytes) -> str | None:
    """What an xltool output is (检查结果, 汇总 …), from its docProps/custom.xml; None for
    any other workbook. (The property is written by write/atomic.mark_output.)"""
    m = _MARK.search(custom_xml)
    return m.group(1).decode("utf-8", "replace") or "输出文件" if m else None


@lru_cache(maxsize=8)
def _big_ref(max_cells: int) -> re.Pattern:
    """A cell that could take a sheet past ``max_cells`` or whose place cannot be read at a
    glance: any `<c` that is not followed by a plain `r="A1"`-style reference with one column
    letter and a row number short enough that 26 columns stay under the limit. Every writer
    writes ledgers' cells that way, so most sheets need this one fast search (it opens with
    the literal `<c`); a cell far away, quoted or spaced oddly, with leading zeros, or placed
    by its order has the extent measured cell by cell."""
    digits = 0
    while 26 * (10 ** (digits + 1) - 1) <= max_cells:
        digits += 1
    return re.compile(rb'<c(?:>|/>|\s(?!r="[A-Z][1-9][0-9]{0,%d}"))' % (digits - 1))


_NOT_SHEETS = ("xl/workbook.xml", "xl/styles.xml", "xl/sharedstrings.xml")


def _stray_sheet(zf: zipfile.ZipFile, name: str, info: zipfile.ZipInfo) -> bool:
    """A worksheet part outside xl/worksheets/ (a reader follows the workbook's relations
    wherever they point): an .xml part under xl/ whose head opens a worksheet."""
    if not (name.startswith("xl/") and name.endswith(".xml")) or name in _NOT_SHEETS or "/_rels/" in name \
            or name.startswith(("xl/theme/", "xl/drawings/", "xl/charts/", "xl/comments", "xl/printersettings/")):
        return False
    with zf.open(info) as fh:
        return b"<sheetData" in fh.read(8192)


def _far(big: re.Pattern, buf: bytes) -> bool:
    # (a namespace prefix, <x:c …>, is no writer's habit for worksheets: then the slow search)
    return big.search(buf) is not None or (b":c " in buf and _PREFIXED_ODD_CELL.search(buf) is not None)


_OVERLAP = 200


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, look, want_errors: bool,
               stop: bool = False) -> tuple[dict, bool]:
    """One streaming pass over a sheet's XML in 1 MB chunks (each after the first begins
    with the last _OVERLAP bytes of the one before, so that no tag is cut in two).
    ``look(buf)`` sees every chunk and says whether it saw something; returns the
    cells holding formula error values (if asked) and whether ``look`` ever said yes (with
    ``stop``, the pass ends there)."""
    found: dict[str, str] = {}
    seen = False
    with zf.open(info) as fh:
        tail = b""
        chunk = fh.read(1 << 20)
        while chunk:
            buf = tail + chunk
            seen = look(buf) or seen
            if seen and stop:
                break
            if want_errors and _ERROR_TYPE.search(buf) is not None:
                for ref, v in _ERROR_CELL.findall(buf) + _ERROR_CELL_T_FIRST.findall(buf):
                    found[ref.decode()] = v.decode("utf-8", "replace")
            tail = buf[-_OVERLAP:]
            chunk = fh.read(1 << 20)
    return found, seen


class _ExtentMeter:
    """A ``look`` for _scan_part that tracks the furthest row and column a parser would place
    a cell at (references however written; cells and rows without one counted by their
    order) and refuses the file once their product passes the cell limit. The refusal says
    how long the sheet is: the rows met so far, carried over the part's declared size."""

    def __init__(self, path: str, info: zipfile.ZipInfo, limits: Limits):
        self.path, self.info, self.limits = path, info, limits
        self.max_r = self.max_c = self.rows_seen = self.cells_in_row = self.widest = self.read = 0
        self.start = 0  # where tags not yet counted begin in a chunk: those of the overlap were

    def __call__(self, buf: bytes) -> bool:
        start, self.start = self.start, _OVERLAP - len(b"<row ") + 1
        self.read += len(buf) - start
        rows = _ROW_REF.findall(buf, start)
        if rows:
            self.max_r = max(self.max_r, max(int(b) for b in set(rows)))
        cells = _CELL_TAG.findall(buf, start) if b":c" not in buf else [_ODD]
        if cells.count(_ODD) == 0:
            # every cell written as writers write them, <c r="A1" …>: one search that opens
            # with a literal, and the rows with their numbers
            self._refs(cells)
            self.rows_seen += len(rows)
            self.cells_in_row = 0
        else:
            self._odd(buf, start)
        self._judge()
        return False

    def _refs(self, refs: list[tuple[bytes, bytes]]) -> None:
        if refs:
            self.max_c = max(self.max_c, max(_col_index(a.upper()) for a in {a for a, _ in refs}))
            self.max_r = max(self.max_r, max(int(b) for b in {b for _, b in refs}))

    def _odd(self, buf: bytes, start: int) -> None:
        """A chunk with cells written in any other way: references however quoted or spaced,
        cells without one placed by their order, counted row by row."""
        refs = _CELL_REF.findall(buf, start)
        self._refs(refs)
        tags = _TAG.findall(buf, start)
        row_tags = tags.count(b"row")
        if len(tags) - row_tags <= len(refs):  # every cell placed by its reference: rows are enough
            self.rows_seen += row_tags
            self.cells_in_row = 0
            return
        for tag in tags:
            if tag == b"row":
                self.rows_seen += 1
                self.cells_in_row = 0
            else:
                self.cells_in_row += 1
                self.widest = max(self.widest, self.cells_in_row)

    def _judge(self) -> None:
        r, c = max(self.max_r, self.rows_seen), max(self.max_c, self.widest)
        if r * max(c, 1) > self.limits.max_cells:
            if self.read < self.info.file_size:  # stopped part way: the whole part holds about this many
                r = max(r, self.rows_seen * self.info.file_size // max(self.read, 1))
            raise LimitExceeded(
                self.path, f"工作表部件 {self.info.filename} 引用的区域过大（约 {r} 行 × {c} 列，"
                           f"超过 {self.limits.max_cells} 个单元格上限），已拒绝读取；可用 --max-cells 调高上限")
