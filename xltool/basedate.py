"""The base date (基准日期) a ledger is judged at, and date arguments as people type them.

docs/SPEC.md §4: ``--as-of`` wins; without it each ledger's own 填报日期 is its base date; without
that, today, and every output says so. ``BaseDate`` carries the date with where it came
from, so that no output can state a date without its source.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from .errors import UsageError

# The sources of a base date, and how outputs name them
OPTION, LEDGER, TODAY = "option", "ledger", "today"
SOURCE_CN = {OPTION: "--as-of 指定", LEDGER: "台账填报日期", TODAY: "未填填报日期，按今天"}

FIRST_YEAR, LAST_YEAR = 1900, 2100  # dates outside are typing errors, and overflow date arithmetic


class BaseDate(NamedTuple):
    date: dt.date
    source: str  # OPTION | LEDGER | TODAY

    def describe(self) -> str:
        """"2020-12-15（台账填报日期）" for messages and workbook titles."""
        return f"{self.date.isoformat()}（{SOURCE_CN[self.source]}）"


def base_date(option: dt.date | None, report_date: dt.date | None) -> BaseDate:
    """The base date of one ledger: --as-of, else its 填报日期, else today."""
    if option is not None:
        return BaseDate(option, OPTION)
    if report_date is not None and FIRST_YEAR <= report_date.year <= LAST_YEAR:
        return BaseDate(report_date, LEDGER)
    return BaseDate(dt.date.today(), TODAY)


def describe_all(option: dt.date | None, used: list[BaseDate]) -> str:
    """One phrase for the base dates of a batch: the option's date, or which ledgers used
    their own 填报日期 and which fell back to today."""
    if option is not None:
        return f"{option.isoformat()}（--as-of 指定）"
    dates = sorted({b.date for b in used if b.source == LEDGER})
    today = [b for b in used if b.source == TODAY]
    parts = []
    if dates:
        span = dates[0].isoformat() if len(dates) == 1 else f"{dates[0].isoformat()} 至 {dates[-1].isoformat()}"
        parts.append(f"各台账的填报日期（{span}）")
    if today:
        parts.append(f"{len(today)} 个文件未填填报日期，按今天 {today[0].date.isoformat()}")
    return "；".join(parts) or f"今天 {dt.date.today().isoformat()}"


# 2020-12-15, 2020/12/15, 2020.12.15, 2020年12月15日, 20201215: year first, nothing to guess
_YMD = re.compile(r"(\d{4})\s*(?:[-/.]\s*|年\s*)(\d{1,2})\s*(?:[-/.]\s*|月\s*)(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_PARTIAL = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?")
_DAY_FIRST = re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}")


def parse_date_arg(text: str | None, what: str = "日期") -> dt.date | None:
    """A date typed on the command line, or None for none. Raises UsageError, in Chinese,
    for what is not one unambiguous day between 1900 and 2100."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    example = "请写成 2020-12-15 或 2020年12月15日"
    m = _YMD.fullmatch(t) or _COMPACT.fullmatch(t)
    if m is None:
        if _DAY_FIRST.fullmatch(t):
            raise UsageError(f"{what}“{text}”有歧义（月/日/年还是日/月/年？），{example}")
        if _PARTIAL.fullmatch(t):
            raise UsageError(f"{what}“{text}”缺少日，{example}")
        raise UsageError(f"{what}“{text}”不是有效日期，{example}")
    y, mo, d = (int(g) for g in m.groups())
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise UsageError(f"{what}“{text}”的年份超出 {FIRST_YEAR}—{LAST_YEAR}，{example}")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise UsageError(f"{what}“{text}”不是日历上的日期，{example}") from None
