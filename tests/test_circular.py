"""``rollup --notice 通报.docx``: the 通报 draft — its figures are the summary workbook's, its
layout is GB/T 9704's, and LibreOffice lays it out on A4 without anything running over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import soffice_convert
from docx import Document
from docx.shared import Mm, Pt
from ledgers import make_ledger
from openpyxl import Workbook, load_workbook
from rounds import AS_OF, two_rounds
from typer.testing import CliRunner

from xltool.cli import app

runner = CliRunner()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def notice_and_summary(tmp_path, *extra):
    old, new = two_rounds(tmp_path)
    notice, summary = tmp_path / "通报.docx", tmp_path / "汇总.xlsx"
    res = runner.invoke(app, ["rollup", str(new), "--previous", str(old), "--as-of", AS_OF, "-o", str(summary),
                              "--notice", str(notice), "--json", *extra])
    assert res.exit_code == 0, res.output
    return Document(notice), load_workbook(summary), json.loads(res.stdout)


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_figure_is_the_summary_workbooks(tmp_path):
    doc, wb, roll = notice_and_summary(tmp_path)
    ranking = [r for r in wb["排名"].iter_rows(min_row=3, values_only=True) if r[1]]
    head, *rows = table_rows(doc.tables[0])
    assert head == ["名次", "单位", "任务数", "已完成", "逾期", "完成率", "得分"]
    assert rows == [[str(r[0]), r[1], str(r[2]), str(r[4]), str(r[7]), f"{r[10] * 100:.1f}%", f"{r[12]:.2f}"]
                    for r in ranking]
    overall = next(t for t in paragraphs(doc) if "共收到" in t)
    got = re.search(r"共收到台账(\d+)份（(\d+)个单位报送），汇总(\d+)个单位承担的任务合计(\d+)项。其中已完成(\d+)项，"
                    r"完成率([\d.]+)%；推进中(\d+)项；未启动(\d+)项；逾期未完成(\d+)项；即将到期(\d+)项", overall).groups()
    total = [sum(r[i] for r in ranking) for i in (2, 4, 5, 6, 7, 8)]
    assert [int(x) for x in got[:5]] == [len(roll["files"]), len(roll["reported"]), len(ranking), total[0], total[1]]
    assert float(got[5]) == round(100 * total[1] / total[0], 1)
    assert [int(x) for x in got[6:]] == total[2:]
    # 逾期未完成任务: each unit with its count in the body, its tasks in the 附件, as the 逾期清单 sheet lists them
    listed: dict[str, list] = {}
    for r in wb["逾期清单"].iter_rows(min_row=2, values_only=True):
        for unit in (r[3] or "").split("、"):
            listed.setdefault(unit, []).append((r[4], r[5]))
    said = next(t for t in paragraphs(doc) if "存在逾期未完成任务" in t)
    assert {u: int(n) for u, n in re.findall(r"(\w+)（(\d+)项）", said)} == {u: len(v) for u, v in listed.items()}
    head, *rows = table_rows(doc.tables[-1])
    assert head == ["序号", "单位", "任务", "时限要求", "逾期天数", "台账填报"]
    attached: dict[str, list] = {}
    for _, unit, task, deadline, *_ in rows:
        attached.setdefault(unit, []).append((task, deadline))
    assert attached == listed == {"县财政局": [("任务甲", "2020年9月底前")], "县教育局": [("任务庚", "2020年10月底前")]}
    assert [r[4] for r in rows] == ["51", "20"] and "附件：逾期未完成任务清单" in paragraphs(doc)
    # 与上一轮相比: the 变化 sheet's figures
    change_rows = {r[0]: r for r in wb["变化"].iter_rows(min_row=3, values_only=True) if r[0]}
    head, *rows = table_rows(doc.tables[1])
    assert head == ["单位", "本轮已完成", "新完成", "本轮逾期", "逾期增减", "进展未更新"]
    for unit, done, new, overdue, change, stale in rows:
        r = change_rows[unit]
        assert (int(done), int(new), int(overdue), int(stale)) == (r[1], r[3], r[4], r[7])
        assert change == (f"{r[6]:+d}" if r[6] else "0")
    said = next(t for t in paragraphs(doc) if t.startswith("与上一轮"))
    known = [r for r in change_rows.values() if r[2] is not None]
    assert f"共新完成任务{sum(r[3] for r in known)}项" in said and "2项未完成任务的进展情况" in said
    assert "逾期未完成任务由3项变为2项" in said  # (by hand: 甲, 己 and 庚 then; 甲 and 庚 now)


def test_the_layout_is_gb_t_9704(tmp_path):
    doc, _, _ = notice_and_summary(tmp_path)
    s = doc.sections[0]
    sizes = (s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [round(x.mm, 1) for x in sizes] == [210, 297, 37, 35, 28, 26]  # (stored in twips)
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    title = doc.paragraphs[0]
    assert title.text == "关于政务公开工作任务落实情况的通报" and title.alignment == 1  # centred
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
    headings = [p for p in doc.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    assert [p.text for p in headings] == ["一、总体情况", "二、各单位任务完成情况", "三、逾期未完成任务", "四、报送情况",
                                          "五、与上一轮相比", "六、下一步工作要求"]
    assert {p.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia") for p in headings} == {"黑体"}
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None  # repeated on every page
        assert sum(c.width for c in table.rows[0].cells) <= Mm(156.1)  # (each width rounded to twips)
    body = doc.element.body
    assert not body.findall(f".//{W}txbxContent") and not body.findall(f".//{W}drawing")  # no text boxes
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (s.footer, s.even_page_footer):
        assert footer._element.findall(f".//{W}fldSimple")[0].get(f"{W}instr") == "PAGE"
    texts = paragraphs(doc)
    signed = texts.index("（发文机关署名）")
    assert texts[signed + 1].endswith("日") and texts[signed + 3] == "附件"  # (after a page break)


def test_the_config_names_title_recipients_and_issuer(tmp_path):
    cfg = tmp_path / "xltool.toml"
    cfg.write_text('[circular]\ntitle = "关于2020年政务公开工作要点落实情况的通报"\nrecipients = "各乡镇、县直各部门"\n'
                   'issuer = "县政务公开办"\n', encoding="utf-8")
    doc, _, _ = notice_and_summary(tmp_path, "--config", str(cfg))
    texts = paragraphs(doc)
    assert texts[0] == "关于2020年政务公开工作要点落实情况的通报" and "各乡镇、县直各部门：" in texts
    assert "县政务公开办" in texts
    cfg.write_text('[circular]\nsender = "x"\n', encoding="utf-8")
    res = runner.invoke(app, ["rollup", str(tmp_path / "11月"), "--config", str(cfg)])
    assert res.exit_code == 2 and "[circular] 中没有“sender”" in res.stderr


def test_an_existing_document_is_replaced_only_if_it_is_ours(tmp_path):
    _, new = two_rounds(tmp_path)
    notice = tmp_path / "通报.docx"

    def write(*extra):
        return runner.invoke(app, ["rollup", str(new), "--as-of", AS_OF, "--notice", str(notice), *extra])

    assert write().exit_code == 0
    assert write().exit_code == 2  # without --force
    assert write("--force").exit_code == 0
    Document().save(notice)  # someone's own document
    before = notice.read_bytes()
    res = write("--force")
    assert res.exit_code == 2 and "不是 xltool 生成的" in res.stderr and notice.read_bytes() == before
    res = runner.invoke(app, ["rollup", str(new), "--notice", str(tmp_path / "通报.xlsx")])
    assert res.exit_code == 2 and "扩展名应为 .docx（写出的是 Word 文档）" in res.stderr


def many_units(tmp_path, n=36) -> tuple[Path, Path]:
    """A county's worth of ledgers: long unit names, long task texts, overdue tasks, a roster
    with units that sent nothing."""
    folder = tmp_path / "11月"
    names = [f"县第{i}政务服务和数据资源管理局（县政府办公室电子政务科）" if i % 5 == 0 else f"县第{i}局"
             for i in range(1, n + 1)]
    for i, unit in enumerate(names[:-3], start=1):
        rows = [[k, f"第{k}项任务：健全完善政务公开工作制度，规范政府信息主动公开目录和依申请公开办理流程，"
                    f"做好政策解读和回应关切工作，第{i}单位" * (1 + k % 2), "县政府办", unit,
                 "2020年9月底前" if k % 3 else "2020年12月底前", "推进中" if k % 4 else "已完成", None, "按计划推进"]
                for k in range(1, 5)]
        make_ledger(folder / f"{unit}.xlsx", rows, preamble=[["填报单位：" + unit, None, None, None,
                                                               "填报日期：2020-11-20"]])
    roster = tmp_path / "名录.xlsx"
    wb = Workbook()
    wb.active.title = "单位名录"
    wb.active.append(["单位名称"])
    for unit in names:
        wb.active.append([unit])
    wb.save(roster)
    return folder, roster


def pdf_of(docx: Path) -> Path:
    return soffice_convert([docx], "pdf", docx.parent / "pdf") / f"{docx.stem}.pdf"


@pytest.mark.libreoffice_writer
def test_libreoffice_lays_it_out_on_a4_with_nothing_running_over(tmp_path):
    import pdfplumber

    folder, roster = many_units(tmp_path)
    notice = tmp_path / "通报.docx"
    res = runner.invoke(app, ["rollup", str(folder), "--roster", str(roster), "--notice", str(notice),
                              "--previous", str(folder)])  # (the same round: every progress text stale)
    assert res.exit_code == 0, res.output
    mm = 72 / 25.4
    with pdfplumber.open(pdf_of(notice)) as pdf:
        assert len(pdf.pages) >= 4
        on_pages = []
        for page in pdf.pages:
            assert (round(page.width), round(page.height)) == (595, 842)
            body = [c for c in page.chars if c["top"] < page.height - 30 * mm]  # (the page number below)
            assert min(c["x0"] for c in body) >= 28 * mm - 1
            assert max(c["x1"] for c in body) <= (210 - 26) * mm + 1
            assert min(c["top"] for c in body) >= 37 * mm - 2
            assert max(c["bottom"] for c in body) <= (297 - 35) * mm + 2
            for rect in page.rects + page.lines:  # table rules inside the text block too
                assert rect["x0"] >= 28 * mm - 2 and rect["x1"] <= (210 - 26) * mm + 2
            on_pages.append(page.extract_text())
    text = "\n".join(on_pages)
    assert "— 1 —" in on_pages[0] and "— 2 —" in on_pages[1]
    ranking_pages = [t for t in on_pages if "名次" in t]
    assert len(ranking_pages) >= 2  # the 36-unit table runs on, its header row repeated
    assert "以下3个单位未报送台账" in text.replace(" ", "")
    lines = set(text.replace(" ", "").splitlines())
    for table in Document(notice).tables:  # no column label is broken over two lines
        labels = [c.text for c in table.rows[0].cells]
        assert any(line.startswith("".join(labels)) for line in lines), labels


@pytest.mark.parametrize("n, words", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"),
                                      (105, "一百零五"), (110, "一百一十"), (119, "一百一十九"), (230, "二百三十")])
def test_section_numbers_are_chinese_numerals(n, words):
    from xltool.write.circular import cn_number

    assert cn_number(n) == words


def test_control_characters_of_a_ledger_do_not_stop_the_draft(tmp_path):
    folder = tmp_path / "11月"
    # (_x0001_ is how a workbook stores a control character: the reader gives back \x01)
    make_ledger(folder / "县财政局.xlsx", [
        [1, "任务_x0001_甲_x000B_", "县政府办", "县财政局", "2020年9月底前", "推进中", None, None],
        [2, "任务乙", "县政府办", "县财政局", "2020年8月底前", "推进中", None, None],
        [3, "任务丙", "县政府办_x0002_", "县财政局", "2020年8月底前", "推进中", None, None]],
        preamble=[["填报单位：县财政局_x0003_"]])
    notice = tmp_path / "通报.docx"
    res = runner.invoke(app, ["rollup", str(folder), "--as-of", AS_OF, "--notice", str(notice)])
    assert res.exit_code == 0, res.output
    rows = table_rows(Document(notice).tables[-1])
    assert [r[2] for r in rows[1:]] == ["任务甲", "任务乙", "任务丙"]
