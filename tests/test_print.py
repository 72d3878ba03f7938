"""What we write prints on A4 as a clerk hands it to a leader: LibreOffice renders each
workbook to PDF, and the pages are counted and read back."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, soffice
from ledgers import make_ledger
from typer.testing import CliRunner

from xltool.cli import app

pytestmark = pytest.mark.libreoffice
runner = CliRunner()
EX = ROOT / "examples"


def pdf(path: Path) -> Path:
    subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
                   capture_output=True, timeout=300, check=True)
    return path.with_suffix(".pdf")


def pages(path: Path) -> list[str]:
    """Each page's text, as pdftotext reads it."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-raw", "-f", str(i), "-l", str(i), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for i in range(1, n + 1)]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def findings_of(args) -> list[dict]:
    doc = json.loads(runner.invoke(app, args + ["--json"]).stdout)
    return [f for x in doc["files"] for f in x["findings"]]


needs_poppler = pytest.mark.skipif(subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
                                   reason="poppler-utils not installed")


@needs_poppler
def test_the_example_report_prints_on_two_pages_with_nothing_cut(tmp_path):
    args = ["check", str(EX / "ledgers"), "--plan", str(EX / "plan_2020.xlsx"), "--as-of", "2020-12-15"]
    out = tmp_path / "检查结果.xlsx"
    assert runner.invoke(app, args + ["-o", str(out)]).exit_code == 1
    texts = pages(pdf(out))
    assert len(texts) <= 2
    every = flat("".join(texts))
    for f in findings_of(args):  # no message cut off by a row too short or a column too narrow
        assert flat(f["message"]) in every, f["message"]
        if f["value"]:  # (the multi-line 时限 cells show both lines)
            assert flat(f["value"]) in every
    assert all("基准日期" in t and re.search(r"第 ?\d+ ?页", t) for t in texts)


@needs_poppler
def test_500_findings_print_on_25_pages_each_with_its_files(tmp_path):
    rows = [[i, f"第{i}项任务：按要求公开相关信息并做好解读", "县政府办", None, "2020年10月底前", "推进中"]
            for i in range(1, 251)]
    folder = tmp_path / "in"
    for name in ("甲单位", "乙单位"):  # 2 × 250 overdue rows
        make_ledger(folder / f"{name}.xlsx", rows)
    out = tmp_path / "检查结果.xlsx"
    res = runner.invoke(app, ["check", str(folder), "--as-of", "2020-12-15", "-o", str(out)])
    assert res.exit_code == 1
    texts = pages(pdf(out))
    assert len(texts) <= 25
    listing = [t for t in texts if "XL202" in t]  # the pages of 问题清单
    assert listing and all(".xlsx" in t for t in listing)  # no page without its file column


@needs_poppler
def test_summary_and_annotated_copy_print_whole(tmp_path):
    args = ["--plan", str(EX / "plan_2020.xlsx"), "--as-of", "2020-12-15"]
    summary = tmp_path / "汇总.xlsx"
    assert runner.invoke(app, ["rollup", str(EX / "ledgers"), *args, "-o", str(summary)]).exit_code == 0
    texts = pages(pdf(summary))
    assert len(texts) <= 6 and "计分说明" in "".join(texts) and "逾期清单" not in "".join(texts[:1])
    assert all("基准日期" in t for t in texts)
    res = runner.invoke(app, ["check", str(EX / "ledgers" / "县政府办.xlsx"), *args, "--annotate", str(tmp_path / "a")])
    assert res.exit_code == 1
    texts = pages(pdf(tmp_path / "a" / "县政府办.xlsx"))
    every = flat("".join(texts))
    for f in findings_of(["check", str(EX / "ledgers" / "县政府办.xlsx"), *args]):
        assert flat(f["message"]) in every, f["message"]


def red_pixels(ppm: Path) -> int:
    """Pixels of the overdue fill (FFC7CE) in a page rendered as a binary PPM (P6)."""
    data = ppm.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval, separated by whitespace
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pixels = data[pos + 1:]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if pixels[i] > 250 and 193 < pixels[i + 1] < 205 and 200 < pixels[i + 2] < 212)


@pytest.mark.parametrize("kind", ["division", "assessment"])
def test_a_filled_template_colours_the_overdue_row_in_calc(tmp_path, kind):
    """LibreOffice recomputes the template's own formulas and conditional formats: a row past
    its 截止日期 and not done turns red, the same row done does not."""
    import datetime as dt

    from openpyxl import load_workbook

    from xltool.write.template import FIRST_ROW, TABLE_SHEET, date_cell_ref, layout_for

    lay = layout_for(kind)
    counts = {}
    for status in ("推进中", "已完成"):
        path = tmp_path / status / f"{kind}.xlsx"
        path.parent.mkdir()
        assert runner.invoke(app, ["template", "new", kind, "-o", str(path)]).exit_code == 0
        wb = load_workbook(path)
        ws = wb[TABLE_SHEET]
        ws[date_cell_ref(lay).replace("$", "")] = dt.date(2020, 12, 15)
        ws.cell(FIRST_ROW, lay.col("task"), "按要求公开权责清单")
        ws.cell(FIRST_ROW, lay.col("status"), status)
        if lay.col("deadline"):  # a date typed as the deadline: 截止日期 follows it by formula
            ws.cell(FIRST_ROW, lay.col("deadline"), dt.date(2020, 11, 30))
        else:
            ws.cell(FIRST_ROW, lay.col("due_date"), dt.date(2020, 11, 30))
        for name in wb.sheetnames:  # render the ledger sheet alone
            if name != TABLE_SHEET:
                del wb[name]
        wb.save(path)
        page = pdf(path)
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(page), str(path.with_suffix(""))],
                       check=True, timeout=60)
        counts[status] = red_pixels(next(path.parent.glob("*.ppm")))
    assert counts["推进中"] > 200 and counts["已完成"] < 20, counts
