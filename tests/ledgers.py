"""Build small ledgers with openpyxl for tests: one quirk each."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "时限要求", "完成状态", "完成日期", "进展情况", "佐证材料"]


def make_ledger(path: Path, rows: list[list], header=HEADER, title="2020年政务公开重点工作任务分工",
                preamble=(), merges=(), sheet="台账", extra_sheets=None) -> Path:
    """rows are the body; ``merges`` are Excel ranges like "C3:C5". Title in row 1, header in
    row 2 + len(preamble), body after it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    r = 1
    if title:
        ws.cell(r, 1, title)
        r += 1
    for line in preamble:
        for c, v in enumerate(line if isinstance(line, (list, tuple)) else [line], start=1):
            ws.cell(r, c, v)
        r += 1
    for c, h in enumerate(header, start=1):
        ws.cell(r, c, h)
    for row in rows:
        r += 1
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    for name, data in (extra_sheets or {}).items():
        s = wb.create_sheet(name)
        for row in data:
            s.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def with_shared_strings(path: Path, rich: str | None = None) -> Path:
    """Rewrite a workbook openpyxl saved (text inline in the cells) the way Excel and WPS
    save one: text in a shared strings part, cells holding its index, rows with Excel 2010's
    x14ac:dyDescent (its prefix declared on the root only). The cell ``rich``
    ("B5") of the first sheet gets a rich-text string: its text in a bold and a plain run."""
    import re
    import zipfile

    strings: list[bytes] = []
    inline = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.S)

    def shared(sheet_index: int):
        def sub(m):  # (as Excel does: characters as UTF-8, not numeric references)
            text = re.sub(rb"&#(\d+);", lambda n: chr(int(n.group(1))).encode(), m.group(4))
            if rich and m.group(1).decode() == rich and sheet_index == 1:
                half = len(text.decode()) // 2
                first, second = text.decode()[:half], text.decode()[half:]
                strings.append(f'<r><rPr><b/></rPr><t xml:space="preserve">{first}</t></r>'
                               f'<r><t xml:space="preserve">{second}</t></r>'.encode())
            else:
                strings.append(b'<t xml:space="preserve">' + text + b"</t>")
            return b'<c r="' + m.group(1) + b'"' + m.group(2) + b' t="s"' + m.group(3) + f"><v>{len(strings) - 1}</v></c>".encode()
        return sub

    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    for name in sorted(parts):
        m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
        if m:
            xml = inline.sub(shared(int(m.group(1))), parts[name])
            xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-'
                                              b'compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.'
                                              b'microsoft.com/office/spreadsheetml/2009/9/ac" ', 1)
            parts[name] = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" x14ac:dyDescent="0.25"', xml)
    sst = b"".join(b"<si>" + s + b"</si>" for s in strings)
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
                                     b'schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
                                     % (len(strings), len(strings)) + sst + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path
