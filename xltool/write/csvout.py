"""CSV of findings, safe to open in Excel: cells that would start a formula are neutralised."""

from __future__ import annotations

import csv
import io

CSV_COLUMNS = ("file", "sheet", "cell", "excel_row", "rule", "code", "severity", "message", "value", "suggestion",
               "as_of")  # as_of: the base date the file was checked at
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A leading ' keeps =HYPERLINK(...)-style text from running as a formula (OWASP CSV injection)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def findings_csv(report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in report.files:
        as_of = f.base.date.isoformat() if f.base else ""
        if f.status == "error":
            w.writerow([neutralise(f.file), "", "", "", "unreadable", "", "error", neutralise(f.error), "", "", ""])
        for x in f.findings:
            d = x.to_json()
            w.writerow([neutralise(f.file)] + [neutralise(d[k]) for k in CSV_COLUMNS[1:-1]] + [as_of])
    return buf.getvalue()
