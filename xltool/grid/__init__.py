"""File → Book of Grids. The one entry point every command reads through."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import EncryptedFile, LimitExceeded, UnreadableFile
from ..model import Book, parse_cell
from ..textnorm import shown_name
from .guard import DEFAULT_LIMITS, Limits, check_xls, check_zip, not_a_workbook_reason, ole_contents, sniff

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")

__all__ = ["read_book", "open_book", "OpenedBook", "Limits", "DEFAULT_LIMITS", "SPREADSHEET_SUFFIXES"]


def _decrypt(label: str, path: Path, password: str | None) -> io.BytesIO | None:
    """Decrypted bytes of a password-protected Office file (msoffcrypto-tool),
    or None when the file is not encrypted."""
    import msoffcrypto

    with open(path, "rb") as fh:
        try:
            office = msoffcrypto.OfficeFile(fh)
            encrypted = office.is_encrypted()
        except Exception:  # not a format msoffcrypto knows: the reader will say what it is
            return None
        if not encrypted:
            return None
        if not password:
            raise EncryptedFile(label, "文件设有打开密码；请用 --password 提供密码")
        out = io.BytesIO()
        try:
            office.load_key(password=password)
            office.decrypt(out)
        except Exception:
            raise EncryptedFile(label, "密码不正确，无法解密") from None
    out.seek(0)
    return out


def _open(label: str, path: str, limits: Limits):
    """The file opened for reading, unbuffered (it is read whole or in two reads), and its
    size, after refusing what cannot be a workbook to read. One open and one fstat: a batch
    opens thousands of files."""
    try:
        # non-blocking: a pipe named x.xlsx must not wait for a writer (it is refused below);
        # on a regular file the flag changes nothing
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableFile(label, "文件不存在") from None
    except OSError as e:
        if os.path.isdir(path):  # (Windows refuses to open a folder with "permission denied")
            raise UnreadableFile(label, "这是文件夹，不是文件") from None
        raise UnreadableFile(label, f"无法访问文件（{e.strerror or e}）") from None
    try:
        st = os.fstat(fd)
    except OSError as e:
        os.close(fd)
        raise UnreadableFile(label, f"无法访问文件（{e.strerror or e}）") from None
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UnreadableFile(label, "这是文件夹，不是文件")
        raise UnreadableFile(label, "这不是普通文件（是管道、设备或套接字），已跳过")
    fh = os.fdopen(fd, "rb", buffering=0)
    size = st.st_size
    if size == 0 or size > limits.max_file_bytes:
        fh.close()
        if size == 0:
            raise UnreadableFile(label, "文件为空（0 字节）")
        raise LimitExceeded(label, f"文件大小 {size // 2**20} MB 超过上限 {limits.max_file_bytes // 2**20} MB")
    return fh, size


# A file up to this size is read whole at once (the guard and, if needed, calamine share
# the bytes); a larger one is sniffed from its head and read again only if it is a zip.
_READ_WHOLE = 8 * 2**20


class OpenedBook(NamedTuple):
    """What open_book found: the file's size (a batch takes a megabyte of files at a time)
    and the call that reads its grids."""

    size: int
    read: Callable[[], Book]


def read_book(path, password: str | None = None, limits: Limits = DEFAULT_LIMITS,
              label: str | None = None, skip_ours: bool = False, fenced: bool = True) -> Book:
    """Read every sheet of a workbook (values and merges) into plain grids.

    ``label`` names the file in messages (the path as the user gave it). The file is read in
    a child process within the limits' memory and time (``fenced``, xltool/isolate.py).
    Raises UnreadableFile, with a Chinese reason, for anything that is not a readable workbook
    (and, with ``skip_ours``, OurOutput for a workbook xltool wrote: batches skip those).
    """
    if fenced:
        from ..isolate import call

        return call(read_book, path, password, limits, label, skip_ours, False, limits=limits,
                    label=shown_name(label or str(path)))
    return open_book(path, password, limits, label, skip_ours).read()


def open_book(path, password: str | None = None, limits: Limits = DEFAULT_LIMITS,
              label: str | None = None, skip_ours: bool = False) -> OpenedBook:
    """The first half of read_book: look at the file (what it really is, whether it is safe
    and within the limits) and return its size and the call that reads its grids.

    The halves are apart so that a batch can look at many files, then read many, then check
    many: each step's code then stays in the CPU caches from one file to the next.
    Raises UnreadableFile, with a Chinese reason; the returned call may raise it too.
    """
    p = Path(path)
    label = shown_name(label or str(path))
    size, data, head = _head(label, p, limits)
    kind = sniff(head)
    if kind == "zip":
        if data is None:
            data = _bytes(label, p)
        errors: dict = {}
        fmt = check_zip(label, data, limits, errors, skip_ours)
        if fmt == "docx":
            return OpenedBook(size, _docx_reader(p, label))
        src = _zip_source(p, data, size, fmt)
        return OpenedBook(size, _grid_reader(src, label, limits, errors, kind))
    if kind == "ole":
        ole = ole_contents(data if data is not None else str(p))
        if ole.kind == "doc":
            return OpenedBook(size, _word97_reader(p, label, limits, skip_ours))
        src = _ole_source(label, p, data, ole.workbook, password, limits, skip_ours)
        return OpenedBook(size, _grid_reader(src, label, limits, {}, kind))
    if kind == "pdf":
        return OpenedBook(size, _pdf_reader(p, label, limits))
    raise UnreadableFile(label, not_a_workbook_reason(kind))


def _head(label: str, p: Path, limits: Limits) -> tuple[int, bytes | None, bytes]:
    """(size, the whole file if small enough to read at once else None, its first bytes)."""
    fh, size = _open(label, str(p), limits)
    try:
        with fh:
            if size <= _READ_WHOLE:
                data = fh.readall()
                return size, data, data[:8192]
            return size, None, fh.read(8192)
    except OSError as e:
        raise UnreadableFile(label, f"无法读取文件（{e.strerror or e}）") from None


def _bytes(label: str, p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as e:
        raise UnreadableFile(label, f"无法读取文件（{e.strerror or e}）") from None


class _Source(NamedTuple):
    """What calamine reads (a path or bytes in memory), the format, notes for the user, and
    the path to read by name when reading from memory fails (None: no second try)."""

    source: str | io.BytesIO
    fmt: str
    notes: list[str]
    by_name: str | None = None


def _zip_source(p: Path, data: bytes, size: int, fmt: str) -> _Source:
    """Where calamine reads a zip workbook (the guard has checked the package)."""
    suffix = p.suffix.lower()
    notes = ["文件扩展名为 .xls，实际是 .xlsx 格式"] if suffix == ".xls" else []
    if suffix == ".xlsm":
        fmt = "xlsm"
    if size <= _READ_WHOLE or suffix not in (".xlsx", ".xlsm"):
        # calamine reads the bytes already in memory rather than the file again in small
        # reads; from memory it detects the format itself (by a path it goes by the name,
        # so a file named .xls must go this way)
        by_name = str(p) if suffix in (".xlsx", ".xlsm") else None
        return _Source(io.BytesIO(data), fmt, notes, by_name)
    return _Source(str(p), fmt, notes)


def _ole_source(label: str, p: Path, data: bytes | None, workbook: bytes | None, password: str | None,
                limits: Limits, skip_ours: bool) -> _Source:
    """Where calamine reads an OLE file: an .xls as it is, or an encrypted workbook decrypted
    (``workbook``: the file's workbook stream, measured unless it turns out encrypted)."""
    dec = _decrypt(label, p, password)
    if dec is None:
        check_xls(label, workbook, limits)
        suffix = p.suffix.lower()
        if suffix == ".xls":
            return _Source(str(p), "xls", [])
        return _Source(io.BytesIO(data if data is not None else _bytes(label, p)), "xls",
                       [f"文件扩展名为 {suffix}，实际是旧版 .xls 格式"])
    notes = ["文件有打开密码，已在内存中解密读取"]
    if dec.getvalue().startswith(b"PK"):
        check_zip(label, dec.getvalue(), limits, skip_ours=skip_ours)
        return _Source(dec, "xlsx", notes)
    check_xls(label, ole_contents(dec.getvalue()).workbook, limits)
    return _Source(dec, "xls", notes)


def _docx_reader(p: Path, label: str) -> Callable[[], Book]:
    def read_word() -> Book:
        from .docx_reader import read_docx

        grids, context = read_docx(str(p), label)
        return Book(path=label, format="docx", sheets=grids, context=context)

    return read_word


def _word97_reader(p: Path, label: str, limits: Limits, skip_ours: bool) -> Callable[[], Book]:
    """A .doc: LibreOffice makes a .docx of it, which the guard checks and the Word reader
    reads like any other (a hostile .doc makes a hostile .docx)."""

    def read_word97() -> Book:
        from ..libreoffice import doc_as_docx
        from .docx_reader import read_docx

        # (the reading process's own alarm must not cut LibreOffice short of its own limit)
        data = doc_as_docx(p, label, max(5.0, limits.max_seconds - 5))
        check_zip(label, data, limits, {}, skip_ours)
        grids, context = read_docx(io.BytesIO(data), label)
        return Book(path=label, format="doc", sheets=grids, context=context,
                    notes=["Word 97 文档（.doc）已由 LibreOffice 转换为 .docx 后读取"])

    return read_word97


def _pdf_reader(p: Path, label: str, limits: Limits) -> Callable[[], Book]:
    def read_pdf_tables() -> Book:
        from .pdf_reader import read_pdf

        grids, context = read_pdf(str(p), label, limits.max_pdf_pages, limits.max_cells)
        return Book(path=label, format="pdf", sheets=grids, context=context)

    return read_pdf_tables


def _grid_reader(src: _Source, label: str, limits: Limits, errors: dict, kind: str) -> Callable[[], Book]:
    """The call that reads the grids with calamine; ``errors`` holds cell values the guard
    recovered (sheet -> ref -> text) for cells calamine reads as empty."""

    def read() -> Book:
        from .calamine_reader import read_grids

        try:
            sheets = read_grids(src.source, label, limits, checked_package=kind == "zip")
        except LimitExceeded:
            raise
        except UnreadableFile:
            if src.by_name is None:
                raise
            # from memory calamine tries every format and says only that none fits; by the
            # file's name it reads it as what it claims to be and says what is wrong
            sheets = read_grids(src.by_name, label, limits, checked_package=True)
        for g in sheets:
            for ref, value in errors.get(g.name, {}).items():
                _put(g, ref, value)
        return Book(path=label, format=src.fmt, sheets=sheets, notes=src.notes)

    return read


def _put(grid, ref: str, value: str) -> None:
    """Write a recovered value into an empty grid cell."""
    r, c = parse_cell(ref)
    while len(grid.rows) <= r:
        grid.rows.append([])
    row = grid.rows[r]
    if len(row) <= c:
        row.extend([None] * (c + 1 - len(row)))
    if row[c] in (None, ""):
        row[c] = value
