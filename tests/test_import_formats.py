"""Notices in the form they arrive (issue #23): Word 97 (.doc), PDF and workbooks read like
the .docx they were made from.

The fixtures in tests/fixtures/notices are the seed tables and the corpus shapes, each built
as a Word notice by tests/docx_builder.py (A4 landscape, header repeated on every page), then
saved by LibreOffice as .doc and printed by it to PDF (make_notices.py). The truth for each is
the .docx path: the same notice, rebuilt here with python-docx and read by the Word reader.
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from pathlib import Path

import pytest
from conftest import ROOT, needs_libreoffice, seed
from docx_builder import docx_from_workbook
from openpyxl import load_workbook
from typer.testing import CliRunner

from xltool.cli import app
from xltool.errors import LimitExceeded, UnreadableFile
from xltool.grid import read_book
from xltool.grid.guard import DEFAULT_LIMITS
from xltool.reader import ledger_from_book, read_ledger

sys.path[:0] = [str(ROOT / "tests" / "corpus"), str(ROOT / "tests" / "fixtures" / "notices")]
from make_notices import sources  # noqa: E402
from shapes import SHAPES  # noqa: E402

NOTICES = ROOT / "tests" / "fixtures" / "notices"
NAMES = sorted(p.stem for p in NOTICES.glob("*.pdf"))
YEARS = {s.name: s.year for s in SHAPES}
runner = CliRunner()
needs_writer = pytest.mark.libreoffice_writer


@pytest.fixture(scope="module")
def truth(tmp_path_factory):
    """name -> the Word notice each fixture was made from, rebuilt with python-docx."""
    tmp = tmp_path_factory.mktemp("docx")
    return {name: docx_from_workbook(src, tmp / f"{name}.docx", printed=True) for name, src in sources(tmp).items()}


def _tasks(book, name: str) -> list[dict]:
    return [{k: v for k, v in t.to_json().items() if k != "excel_row"}
            for table in ledger_from_book(book, year=YEARS.get(name)).tables for t in table.tasks]


def _cells(book) -> tuple[list, set]:
    """The first table's texts (white space aside: a PDF keeps no spaces but the printed
    ones) and its merged ranges."""
    grid = book.sheets[0]
    texts = [[re.sub(r"\s+", "", v) if isinstance(v, str) else v for v in row] for row in grid.rows]
    return texts, set(grid.merges)


def _same_as_word(path: Path, word: Path, name: str) -> None:
    book, word_book = read_book(path), read_book(word)
    want = _tasks(word_book, name)
    assert want
    assert _tasks(book, name) == want
    # cell by cell: the repeated headers dropped, the rows cut by a page break joined, the
    # merged boxes that go on over a break one merge again
    assert _cells(book) == _cells(word_book)


def test_every_fixture_is_there():
    assert len(NAMES) == 13
    assert {p.stem for p in NOTICES.glob("*.doc")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_pdf_reads_as_the_word_notice(truth, name):
    _same_as_word(NOTICES / f"{name}.pdf", truth[name], name)


@needs_libreoffice
@needs_writer
@pytest.mark.parametrize("name", NAMES)
def test_word97_reads_as_the_word_notice(truth, name):
    _same_as_word(NOTICES / f"{name}.doc", truth[name], name)


def test_pdf_context_gives_title_year_and_issue_date(truth):
    name = "seed_004_division"
    pdf = read_ledger(NOTICES / f"{name}.pdf").tables[0]
    word = read_ledger(truth[name]).tables[0]
    assert (pdf.title, pdf.year, pdf.issued) == (word.title, word.year, word.issued)
    assert pdf.year == 2020 and pdf.issued is not None


def _import(src: Path, out: Path) -> list[dict]:
    res = runner.invoke(app, ["import", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return [{k: v for k, v in t.to_json().items() if k != "excel_row"}
            for table in read_ledger(out).tables for t in table.tasks]


def test_import_of_pdf_gives_the_ledger_of_the_docx(tmp_path, truth):
    name = "seed_002_division"
    want = _import(truth[name], tmp_path / "from_docx.xlsx")
    assert _import(NOTICES / f"{name}.pdf", tmp_path / "from_pdf.xlsx") == want
    a, b = (load_workbook(tmp_path / f"from_{k}.xlsx")["台账"] for k in ("docx", "pdf"))
    assert a["A1"].value == b["A1"].value  # the title read from the text above the table
    assert a["A2"].value == b["A2"].value  # and the issue date


@needs_libreoffice
@needs_writer
def test_import_of_word97_says_it_was_converted(tmp_path, truth):
    name = "seed_004_division"
    res = runner.invoke(app, ["import", str(NOTICES / f"{name}.doc"), "-o", str(tmp_path / "l.xlsx")])
    assert res.exit_code == 0, res.output
    assert "LibreOffice" in res.output
    assert _import(truth[name], tmp_path / "w.xlsx") == [
        {k: v for k, v in t.to_json().items() if k != "excel_row"}
        for table in read_ledger(tmp_path / "l.xlsx").tables for t in table.tasks]


def test_import_of_a_workbook_task_table(tmp_path):
    """An .xlsx (or .xls) task table imports as well: the reader is the same."""
    want = [{k: v for k, v in t.to_json().items() if k != "excel_row"}
            for table in read_ledger(seed("004")).tables for t in table.tasks]
    assert _import(seed("004"), tmp_path / "l.xlsx") == want


def test_the_reader_goes_by_content_not_by_name(tmp_path, truth):
    lying = tmp_path / "任务表.xlsx"
    lying.write_bytes((NOTICES / "seed_003_decomposition.pdf").read_bytes())
    book = read_book(lying)
    assert book.format == "pdf"
    assert _tasks(book, "seed_003_decomposition") == _tasks(read_book(truth["seed_003_decomposition"]), "")


def _pdf(content: bytes, pages: int = 1, extra: bytes = b"") -> bytes:
    """A minimal PDF whose every page draws ``content`` (no font: no text layer)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
            + b"] /Count %d >>" % pages,
            b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_a_scan_is_refused_with_the_way_out(tmp_path):
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(_pdf(b"0 0 0 rg 50 50 400 600 re f"))  # a page that is a picture of a page
    res = runner.invoke(app, ["import", str(scan), "-o", str(tmp_path / "l.xlsx")])
    assert res.exit_code == 2
    assert "扫描件" in res.output and "Word 版" in res.output and "扫描件.pdf" in res.output
    assert not (tmp_path / "l.xlsx").exists()


def test_page_limit(tmp_path):
    many = tmp_path / "many.pdf"
    many.write_bytes(_pdf(b"0 0 0 rg 1 1 2 2 re f", pages=DEFAULT_LIMITS.max_pdf_pages + 1))
    with pytest.raises(LimitExceeded, match="页，超过上限"):
        read_book(many)


def test_a_decompression_bomb_costs_that_file_only(tmp_path):
    from dataclasses import replace

    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf(zlib.compress(b" " * (600 * 2**20), 9), extra=b"/Filter /FlateDecode "))
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises((LimitExceeded, UnreadableFile)):
        read_book(bomb, limits=replace(DEFAULT_LIMITS, max_memory_mb=256))


def test_a_broken_pdf_is_one_line(tmp_path):
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    res = runner.invoke(app, ["inspect", str(broken)])
    assert res.exit_code == 2
    assert "坏.pdf" in res.output and "Traceback" not in res.output


def test_word97_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    from xltool import libreoffice

    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    res = runner.invoke(app, ["import", str(NOTICES / "seed_003_decomposition.doc"), "-o", str(tmp_path / "l.xlsx")])
    assert res.exit_code == 2
    assert "LibreOffice" in res.output and "另存为" in res.output


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_word97_conversion_has_a_time_limit(tmp_path, monkeypatch):
    from dataclasses import replace

    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("XLTOOL_SOFFICE", str(slow))
    with pytest.raises(LimitExceeded, match="LibreOffice 转换超过"):
        read_book(NOTICES / "seed_003_decomposition.doc", limits=replace(DEFAULT_LIMITS, max_seconds=8))


def test_mutated_pdfs_are_read_or_refused_in_one_line(tmp_path):
    """Byte flips in real PDFs: every one is read or refused with a reason (pdfplumber raises
    all sorts, and closing a broken PDF raises again); none takes long."""
    import random
    import time

    rnd = random.Random(3)
    sources = [(NOTICES / f"{n}.pdf").read_bytes() for n in NAMES[:6]]
    worst = 0.0
    for i in range(60):
        data = bytearray(rnd.choice(sources))
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(bytes(data))
        t0 = time.perf_counter()
        try:
            read_book(path)
        except (UnreadableFile, LimitExceeded) as e:
            assert f"{i}.pdf" in str(e)
        worst = max(worst, time.perf_counter() - t0)
        assert path.read_bytes() == bytes(data)
    assert worst < 10
