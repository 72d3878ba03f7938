"""CSV output that Excel and WPS open right: UTF-8 with a byte-order mark (without it Excel
on Windows reads the file in the system code page and shows mojibake), Chinese headers and
severities; cells that would start a formula neutralised. ``plain`` gives what scripts want:
no BOM, English headers, severities and rule names."""

from __future__ import annotations

import csv
import io

from ..model import SEVERITY_CN

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# (English header, Chinese header) of the findings CSV
FINDING_CSV = (("file", "文件"), ("sheet", "工作表"), ("cell", "单元格"), ("excel_row", "行"), ("rule", "规则"),
               ("code", "代码"), ("severity", "级别"), ("message", "问题"), ("value", "原值"), ("suggestion", "建议"),
               ("as_of", "基准日期"))
CSV_COLUMNS = tuple(en for en, _ in FINDING_CSV)


def neutralise(value) -> str:
    """A leading ' keeps =HYPERLINK(...)-style text from running as a formula (OWASP CSV injection)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def table_csv(headers: list[tuple[str, str]], rows, plain: bool = False) -> str:
    """Rows under (English, Chinese) headers as CSV text: Chinese headers and a BOM, or
    English headers and none (``plain``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if not plain else "\n")
    w.writerow([en if plain else cn for en, cn in headers])
    for row in rows:
        w.writerow([neutralise(v) for v in row])
    return ("" if plain else BOM) + buf.getvalue()


def findings_csv(report, plain: bool = False) -> str:
    def rows():
        for f in report.files:
            as_of = f.base.date.isoformat() if f.base else ""
            if f.status == "error":
                yield [f.file, "", "", "", "unreadable" if plain else "无法读取", "", "error" if plain else "错误",
                       f.error, "", "", ""]
            for x in f.findings:
                yield [f.file, x.sheet, x.cell, x.excel_row, x.rule if plain else x.title, x.code,
                       x.severity if plain else SEVERITY_CN[x.severity], x.message, x.value, x.suggestion, as_of]

    return table_csv(list(FINDING_CSV), rows(), plain)
