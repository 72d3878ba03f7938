"""A corpus of bad and odd inputs, built on demand (no binary blobs in the repo).

    python tests/hostile.py OUT_DIR      # write the corpus to a folder to try by hand

Each case is (file name, builder, expectation): expectation ("error", reason words) means
the file must be refused with that reason; ("read", check) means it must be read and the
check function gets the FileResult.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from ledgers import make_ledger  # noqa: E402

SEED = HERE / "fixtures" / "seeds" / "seed_001_decomposition.xlsx"
CORPUS = HERE.parents[1] / "shared" / "corpus"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def minimal_xlsx(path: Path, sheet_xml: bytes | str, shared_strings: bytes | str | None = None,
                 sheet_chunks=None) -> Path:
    """A hand-written package, for XML that no writer library would produce."""
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.sharedStrings+xml"/>' if shared_strings is not None else "")
          + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RNS}><sheets><sheet name="台账" sheetId="1" '
          'r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'sharedStrings" Target="sharedStrings.xml"/>' if shared_strings is not None else "")
              + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        if sheet_chunks is not None:
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                for chunk in sheet_chunks:
                    fh.write(chunk)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
    return path


def _sheet(rows_xml: str, dimension: str = "A1:E3") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/>'
            f"<sheetData>{rows_xml}</sheetData></worksheet>")


def _row(r: int, *cells: str) -> str:
    return f'<row r="{r}">' + "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(cells) if v) + "</row>"


HEADER = ("序号", "工作任务", "牵头单位", "时限要求", "完成状态")
LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lolololololololololol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
       + "]>")


def billion_laughs_sheet(p: Path) -> Path:
    xml = _sheet(_row(1, *HEADER) + _row(2, "1", "&lol9;", "县政府办", "全年"))
    return minimal_xlsx(p, xml.replace("?>", "?>" + LOL, 1))


def billion_laughs_shared_strings(p: Path) -> Path:
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>{LOL}<sst {NS} count="1" uniqueCount="1">'
           "<si><t>&lol9;</t></si></sst>")
    sheet = _sheet(_row(1, *HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    return minimal_xlsx(p, sheet, sst)


def external_entity(p: Path) -> Path:
    xml = _sheet(_row(1, *HEADER) + _row(2, "1", "&xxe;", "县政府办", "全年"))
    return minimal_xlsx(p, xml.replace("?>", '?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1))


def zip_bomb(p: Path) -> Path:
    """A sheet of 400 MB that compresses to well under 1 MB."""
    head = _sheet("").split("<sheetData>")[0].encode() + b"<sheetData>"
    pad = b" " * (1 << 20)
    return minimal_xlsx(p, b"", sheet_chunks=[head] + [pad] * 400 + [b"</sheetData></worksheet>"])


def far_cell(p: Path) -> Path:
    """One cell a million rows and 16,000 columns away: a dense reader would allocate 17 billion cells."""
    return minimal_xlsx(p, _sheet(_row(1, *HEADER) + '<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                  "<is><t>x</t></is></c></row>", "A1:XFD1048576"))


def far_cell_xls(p: Path) -> Path:
    """A real .xls whose first cell record is moved to the last row and column a record can
    name (65,535 × 65,535): a reader that allocates the bounding box takes gigabytes."""
    import struct

    import olefile

    shutil.copy(CORPUS / "calamine" / "merged_range.xls", p)
    with olefile.OleFileIO(str(p), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        pos, sheets = 0, 0
        while pos + 4 <= len(data):
            kind, length = struct.unpack_from("<HH", data, pos)
            sheets += kind == 0x0809
            if sheets > 1 and kind in (0x0203, 0x00FD, 0x027E, 0x0204):  # a value cell in a sheet
                struct.pack_into("<HH", data, pos + 4, 0xFFFF, 0xFFFF)
                break
            pos += 4 + length
        ole.write_stream("Workbook", bytes(data))
    return p


def empty_rows(p: Path) -> Path:
    """A declared dimension of 200,000 rows, all but three empty."""
    rows = _row(1, *HEADER) + _row(2, "1", "任务甲", "县政府办", "全年", "推进中")
    rows += "".join(f'<row r="{r}"/>' for r in range(3, 200_001))
    return minimal_xlsx(p, _sheet(rows, "A1:E200000"))


def encrypted(p: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(SEED, "rb") as src, open(p, "wb") as out:
        OOXMLFile(src).encrypt("秘密123", out)
    return p


def odd_values(p: Path) -> Path:
    """Formula errors, dates as text, numbers and serials, a formula in a unit cell."""
    path = make_ledger(p, [
        [1, "任务甲", "#REF!", None, "#DIV/0!", "已完成", "2020年10月5日", None, "x"],
        [2, "任务乙", "县政府办", None, "2020年底前", "已完成", 44109, None, "x"],  # serial 2020-10-05
        [3, "任务丙", "县政府办", None, "2020年底前", "已完成", "44109", None, "x"],
        [4, "任务丁", "=B2", None, "2020年底前", "已完成", dt.datetime(2020, 10, 5), None, "x"],
    ])
    return path


def hidden_rows_and_sheet(p: Path) -> Path:
    from openpyxl import load_workbook

    make_ledger(p, [[1, "任务甲", "县政府办", None, "全年", "推进中"], [2, "任务乙", "县政府办", None, "全年", "推进中"]],
                extra_sheets={"隐藏表": [["序号", "工作任务", "牵头单位"], [1, "隐藏任务", "县财政局"]]})
    wb = load_workbook(p)
    wb["隐藏表"].sheet_state = "hidden"
    wb["台账"].row_dimensions[4].hidden = True
    wb.save(p)
    return p


CASES = [
    ("空文件.xlsx", lambda p: p.write_bytes(b"") or p, ("error", "文件为空")),
    ("文本改名.xlsx", lambda p: p.write_text("序号,任务\n1,x\n", encoding="utf-8") or p, ("error", "文本")),
    ("截断.xlsx", lambda p: p.write_bytes(SEED.read_bytes()[:4000]) or p, ("error", "损坏")),
    ("加密.xlsx", encrypted, ("error", "--password")),
    ("实为xls.xlsx", lambda p: shutil.copy(CORPUS / "calamine" / "merged_range.xls", p) or p, ("read", None)),
    ("实为xlsx.xls", lambda p: shutil.copy(SEED, p) or p, ("read", None)),
    ("实体膨胀-工作表.xlsx", billion_laughs_sheet, ("error", "实体")),
    ("实体膨胀-共享字符串.xlsx", billion_laughs_shared_strings, ("error", "实体")),
    ("外部实体.xlsx", external_entity, ("error", "实体")),
    ("压缩炸弹.xlsx", zip_bomb, ("error", "压缩炸弹")),
    ("超远单元格.xlsx", far_cell, ("error", "单元格上限")),
    ("超远单元格.xls", far_cell_xls, ("error", "单元格上限")),
    ("二十万空行.xlsx", empty_rows, ("read", None)),
    ("异常值.xlsx", odd_values, ("read", None)),
    ("隐藏行和表.xlsx", hidden_rows_and_sheet, ("read", None)),
    ("无表格.xlsx", lambda p: make_ledger(p, [["张三", "123"]], header=["姓名", "电话"]), ("read", None)),
    ("带 空格 的 台账（副本）.xlsx", lambda p: shutil.copy(SEED, p) or p, ("read", None)),
]


def build(folder: Path) -> list[tuple[Path, tuple]]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, builder, expect in CASES:
        p = folder / name
        if not p.exists():
            try:
                builder(p)
            except FileNotFoundError:  # ../shared/corpus absent: that case is skipped
                continue
        out.append((p, expect))
    (folder / "~$台账.xlsx").write_bytes(b"owner lock")  # Office lock file: skipped
    return out


if __name__ == "__main__":
    for p, expect in build(Path(sys.argv[1])):
        print(p, expect[0])


def shared_string_amplifier(p: Path, strings: int = 1000, length: int = 1000, cells: int = 300_000) -> Path:
    """A thousand strings of a thousand characters, referred to from 300,000 cells: a small
    file that expands to about 900 MB of text once every cell holds its copy."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{cells}" uniqueCount="{strings}">'
           + "".join(f"<si><t>{str(i) * (length // len(str(i)))}</t></si>" for i in range(strings)) + "</sst>")
    head = _sheet("").split("<sheetData>")[0].encode() + b"<sheetData>"

    def rows():
        yield head
        for r in range(cells // 10):
            yield (f'<row r="{r + 1}">' + "".join(f'<c r="{chr(65 + c)}{r + 1}" t="s"><v>{(r * 10 + c) % strings}</v></c>'
                                                 for c in range(10)) + "</row>").encode()
        yield b"</sheetData></worksheet>"

    return minimal_xlsx(p, b"", sst, sheet_chunks=rows())


def ods_file(p: Path) -> Path:
    """An OpenDocument spreadsheet whose one row is repeated a million times."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="台账"><table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell>'
               "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return p


def word_grid_bomb(p: Path, rows: int = 2000, span: int = 100_000) -> Path:
    """A Word table of 2,000 rows whose cells each span 100,000 grid columns."""
    import docx

    d = docx.Document()
    d.add_paragraph("关于印发2020年政务公开工作要点的通知")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "工作任务", "牵头单位"
    d.save(p)
    row = (f'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
           "</w:tr>")
    with zipfile.ZipFile(p) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    doc = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = doc.replace("</w:tbl>", row * rows + "</w:tbl>", 1).encode("utf-8")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return p


def word_with_comment_and_pi(p: Path) -> Path:
    """A notice whose title paragraph holds an XML comment and a processing instruction."""
    import docx

    d = docx.Document()
    d.add_paragraph("关于印发2020年政务公开工作要点的通知")
    t = d.add_table(rows=2, cols=3)
    for c, v in enumerate(("工作任务", "牵头单位", "时限要求")):
        t.cell(0, c).text = v
    for c, v in enumerate(("1.公开预算", "县财政局", "2020年底前")):
        t.cell(1, c).text = v
    d.save(p)
    with zipfile.ZipFile(p) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:r>", b"<!-- a comment --><?pi data?><w:r>", 1)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return p


CASES += [
    ("共享字符串放大.xlsx", shared_string_amplifier, ("error", "共享字符串")),
    ("开放文档.xlsx", ods_file, ("error", "OpenDocument")),
]
