"""What the text around a table says: plan year, issue date, 填报单位, title."""

from __future__ import annotations

import datetime as dt
import re

from .textnorm import cn_numerals_to_digits, squash, ymd

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_UNIT_LABEL = re.compile(r"^(填报单位|报送单位|责任单位|单位名称|填报部门)[:：]?\s*(.*)$")


def _norm(text: str) -> str:
    return cn_numerals_to_digits(squash(text))


def plan_year(texts: list[str]) -> int | None:
    """The year a title names ("2019年海安市城管局…", "寿光市 2019 年…"): the first year
    in a line that reads like a title (not a dated signature line)."""
    for t in texts:
        n = _norm(t)
        if _DATE.fullmatch(n) or len(n) > 80:
            continue
        m = _YEAR.search(n)
        if m and not _DATE.match(n[m.start():]):
            return int(m.group(1))
    return None


def issue_date(texts: list[str]) -> dt.date | None:
    """The notice's date: the last full date standing alone on a line (the signature),
    else the last full date anywhere in these lines."""
    alone, anywhere = None, None
    for t in texts:
        n = _norm(t)
        for m in _DATE.finditer(n):
            d = ymd(m)
            if d is None:
                continue
            anywhere = d
            rest = n.replace(m.group(0), "")
            if len(rest) <= 12:  # "2020年9月27日", "印发日期：2020年9月27日", "…办公室 2018年5月13日印发"
                alone = d
    return alone or anywhere


def reporting_date(cells: list[list]) -> dt.date | None:
    """The date a 填报日期 label names: in the same cell ("填报日期：2020年12月15日") or the next."""
    from .deadlines import parse_cell_date

    for row in cells:
        for i, v in enumerate(row):
            t = v.strip() if isinstance(v, str) else ""
            m = re.match(r"^(填报日期|报送日期|填报时间)[:：]?\s*(.*)$", t)
            if not m:
                continue
            if m.group(2):
                d = parse_cell_date(m.group(2)) or issue_date([m.group(2)])
                if d:
                    return d
            for nxt in row[i + 1:]:
                if nxt not in (None, ""):
                    return parse_cell_date(nxt)
    return None


def reporting_unit(cells: list[list[str]]) -> str | None:
    """The unit named by a 填报单位 cell: "填报单位：县财政局" or a label with the name in the next cell."""
    for row in cells:
        for i, t in enumerate(row):
            m = _UNIT_LABEL.match((t or "").strip())
            if not m:
                continue
            name = m.group(2).strip()
            if not name:
                name = next((x.strip() for x in row[i + 1:] if x and x.strip()), "")
            name = re.split(r"\s{2,}|填报日期|填报人|联系", name)[0].strip(" ：:")
            if name:
                return name
    return None
