"""The deadline grammar of 政务公开 task tables (docs/SPEC.md §1): text → Deadline.

General-purpose Chinese time parsers misread these table phrases (6月底前/全年 is two
milestones, not a span in late June; 工作日 are official working days), so this module
parses the tables' own small grammar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from .basedate import FIRST_YEAR, LAST_YEAR
from .textnorm import cell_text, cn_numerals_to_digits, squash, ymd
from .workdays import add_workdays

KINDS = ("date", "ongoing", "recurring", "relative", "none", "unknown")


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str
    due: dt.date | None = None
    milestones: tuple[dt.date, ...] = field(default_factory=tuple)
    note: str | None = None
    period: tuple[str, str] | None = None  # recurring: (年|半年|季|月, what follows: "10日前")
    from_text: bool = False  # read from the task text (the table has no deadline column)

    def to_json(self) -> dict:
        out = {
            "text": self.text,
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "milestones": [d.isoformat() for d in self.milestones],
        }
        if self.note:
            out["note"] = self.note
        if self.period:
            out["period"] = self.period[0]
        if self.from_text:
            out["from_text"] = True
        return out


_ONGOING = ("持续推进", "长期坚持", "常态化", "长期", "持续", "常年", "长效")
_RECURRING = re.compile(r"^(每|按)(年|半年|季度?|月|周|旬)|^定期")
_PERIOD = re.compile(r"^(?:每|按)(?P<unit>半年|年|季|月)度?(?P<rest>.*)$")
_NEXT_YEAR = re.compile(r"次年|明年|翌年|第二年")
_RANGE = re.compile(r"^(?P<a>[^—–\-~～至到]+)(?:—+|–|-|~|～|至|到)(?P<b>[^—–\-~～至到]+)$")
_FESTIVAL = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<f>春节|元宵|清明|端午|中秋|国庆|劳动|五一|元旦)节?(?:假期)?"
                       r"(?P<before>之前|以前|前)?$")
# festival -> (lunar month, lunar day), or a fixed (month, day) of the solar calendar
_LUNAR = {"春节": (1, 1), "元宵": (1, 15), "端午": (5, 5), "中秋": (8, 15)}
_SOLAR = {"国庆": (10, 1), "劳动": (5, 1), "五一": (5, 1)}
_SPLIT = re.compile(r"[/／、;；,，]|及|和")
_DATE_SEP = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:日?前?)$")
_YMD = re.compile(
    r"^(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月(?:份)?)?(?:(?P<d>\d{1,2})[日号])?"
    r"(?P<part>底|末|中旬|上旬|下旬|中|内)?(?P<before>之前|以前|前|止)?$"
)
_HALF = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<h>上半年|下半年|年中|年底|年末|年内|全年)(?:之前|以前|前|止)?$")
_QUARTER = re.compile(r"^(?:(?P<y>\d{4})年)?第?(?P<q>[1-4])季度?(?:末|底)?(?:之前|以前|前|止)?$")
_RELATIVE = re.compile(
    r"^(?P<anchor>.*?)(?<!\d)(?P<n>\d+)(?P<unit>个月|月|个工作日|工作日|日|天|个星期|周)(?:内|以内|之内)$"
)
_FILLER = re.compile(r"(完成|办结|到位|为止)$")


def _last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _normalise(text: str) -> str:
    t = squash(text)
    t = cn_numerals_to_digits(t)
    t = t.rstrip("。.")
    t = re.sub(r"^(于|在|截至|截止)", "", t)
    t = _FILLER.sub("", t)
    t = re.sub(r"(\d{4})年年(底|末|内)", r"\1年\2", t)
    return t


class _Form(NamedTuple):
    """A dated form recognised in a deadline part: its date, or None when the form names no
    year and the plan year is unknown."""

    due: dt.date | None


def _year(m: re.Match, year: int | None) -> int | None:
    return int(m["y"]) if m["y"] else year


def _separated(p: str, year: int | None) -> _Form | None:
    """2020-06-30, 2020.6.30, 2020/6/30 (with 前)."""
    m = _DATE_SEP.match(p)
    if m is None:
        return None
    d = ymd(m)
    return _Form(d) if d else None


def _half_year(p: str, year: int | None) -> _Form | None:
    """上半年, 年中, 年底前, 2019年全年 …"""
    m = _HALF.match(p)
    if m is None:
        return None
    y = _year(m, year)
    if y is None:
        return _Form(None)
    return _Form(dt.date(y, 6, 30) if m["h"] in ("上半年", "年中") else dt.date(y, 12, 31))


def _quarter(p: str, year: int | None) -> _Form | None:
    """第3季度末, 2019年4季度 …"""
    m = _QUARTER.match(p)
    if m is None:
        return None
    y = _year(m, year)
    return _Form(_last_day(y, int(m["q"]) * 3) if y is not None else None)


def _year_month_day(p: str, year: int | None) -> _Form | None:
    """2018年底前, 6月底前, 9月前, 10月中旬, 2019年3月15日 …"""
    m = _YMD.match(p)
    if m is None or not (m["y"] or m["m"]):
        return None
    y = _year(m, year)
    if y is None:
        return _Form(None)
    try:
        d = _ymd_date(y, int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None,
                      m["part"], m["before"])
    except ValueError:  # 2月30日
        return None
    return _Form(d) if d else None


def _ymd_date(y: int, mo: int | None, day: int | None, part: str | None, before: str | None) -> dt.date | None:
    """The date a year/month/day form stands for; None for a combination that means nothing."""
    if mo is None:  # 2018年底前 / 2018年前 / 2018年内
        if day:
            return None
        if before and not part:  # "2018年前" means before the year starts
            return dt.date(y - 1, 12, 31)
        return dt.date(y, 12, 31)
    if not 1 <= mo <= 12:
        return None
    if day:
        return None if part else dt.date(y, mo, day)
    if part == "上旬":
        return dt.date(y, mo, 10)
    if part in ("中旬", "中"):
        return dt.date(y, mo, 20)
    if part is None and before:  # 9月前: before September starts
        return _last_day(y - 1, 12) if mo == 1 else _last_day(y, mo - 1)
    return _last_day(y, mo)


def _festival_day(y: int, name: str) -> dt.date | None:
    """The day of a festival in year ``y``: lunar ones from the lunar calendar (lunardate),
    清明 from the solar terms the official calendar package computes."""
    if name in _LUNAR:
        from lunardate import LunarDate

        try:
            return LunarDate(y, *_LUNAR[name]).to_solar_date()
        except ValueError:  # outside the years the lunar tables cover
            return None
    if name == "清明":
        from chinese_calendar import get_solar_terms

        try:
            terms = get_solar_terms(dt.date(y, 4, 1), dt.date(y, 4, 10))
        except (NotImplementedError, ValueError, KeyError):
            return None
        return next((d for d, term in terms if term.startswith("清明")), None)
    if name == "元旦":  # the next New Year's Day: 元旦前 in a year's plan is the year's end
        return dt.date(y + 1, 1, 1)
    return dt.date(y, *_SOLAR[name])


def _festival(p: str, year: int | None) -> _Form | None:
    """春节前, 2022年中秋节前, 国庆前: the eve of the festival (the festival itself without 前)."""
    m = _FESTIVAL.match(p)
    if m is None:
        return None
    y = _year(m, year)
    if y is None:
        return _Form(None)
    day = _festival_day(y, m["f"])
    if day is None:
        return None
    return _Form(day - dt.timedelta(days=1) if m["before"] else day)


def _range(p: str, year: int | None) -> _Form | None:
    """2021年6月—12月, 6月至9月底, 2021年6月至2022年3月: due at the range's end, in the
    start's year unless the end names its own."""
    m = _RANGE.match(p)
    if m is None:
        return None
    start = _one_date(m["a"], year, ranges=False)
    if start is None:
        return None
    end = _one_date(m["b"], start.due.year if start.due else year, ranges=False)
    if end is None or (start.due and end.due and end.due < start.due):
        return None
    return end


_FORMS = (_separated, _half_year, _quarter, _year_month_day, _festival)


def _one_date(p: str, year: int | None, ranges: bool = True) -> _Form | None:
    """The single dated form ``p`` is written in, or None if it is none of them."""
    for form in _FORMS:
        got = form(p, year)
        if got is not None:
            return got
    return _range(p, year) if ranges else None


def _recurring(text: str, t: str) -> Deadline:
    """每月10日前, 每季度末, 每半年, 每年12月底前: due again every period (next_due)."""
    m = _PERIOD.match(t)
    return Deadline(text, "recurring", None, (), None, (m["unit"], m["rest"]) if m else None)


def next_due(deadline: Deadline, base: dt.date) -> dt.date | None:
    """When a deadline next falls due on or after ``base``: its date, or for a recurring one
    the end of the period (its day, where it names one) that ``base`` lies in or the next."""
    if deadline.kind != "recurring" or deadline.period is None:
        return deadline.due
    unit, rest = deadline.period
    if unit == "年":
        for y in (base.year, base.year + 1):
            got = _one_date(rest, y) if rest else _Form(dt.date(y, 12, 31))
            if got is None or got.due is None:
                return None
            if got.due >= base:
                return got.due
        return None
    if unit == "月":
        day = re.match(r"^(\d{1,2})[日号]", rest)
        for y, mo in ((base.year, base.month), (base.year + (base.month == 12), base.month % 12 + 1)):
            end = _last_day(y, mo)
            due = end.replace(day=min(int(day[1]), end.day)) if day else end
            if due >= base:
                return due
        return None
    months = 3 if unit == "季" else 6
    mo = -(-base.month // months) * months
    return _last_day(base.year, mo)


def parse_deadline(value, year: int | None = None, issued: dt.date | None = None) -> Deadline:
    """Read a deadline cell. ``year`` is the plan year, ``issued`` the notice's issue date."""
    if isinstance(value, dt.datetime):
        return Deadline(cell_text(value), "date", value.date(), (value.date(),))
    if isinstance(value, dt.date):
        return Deadline(value.isoformat(), "date", value, (value,))
    return _parse_text(cell_text(value), year, issued)


def _dated_then_ongoing(text: str, t: str, year: int | None) -> Deadline | None:
    """2021年6月底前完成，长期坚持: a date followed by ongoing work is that date."""
    parts = [_FILLER.sub("", p) for p in _SPLIT.split(t) if p]
    dated = [_one_date(p, year) for p in parts if not any(w in p for w in _ONGOING)]
    if not parts or any(w in parts[0] for w in _ONGOING) or not dated or None in dated:
        return None
    dates = sorted({f.due for f in dated if f.due})
    if not dates:
        return Deadline(text, "date", None, (), "计划年度未知，无法确定日期")
    return Deadline(text, "date", dates[-1], tuple(dates))


MAX_DAYS_AHEAD = 3660  # a relative deadline longer than ten years is a typing error


MAX_CHARS = 200  # a deadline cell longer than this is a paragraph, not a deadline


def _relative(text: str, m: re.Match, issued: dt.date | None) -> Deadline:
    """印发1个月内, 10个工作日内: counted from the issue date."""
    n, unit = int(m["n"][:6]), m["unit"]  # (six digits are plenty: anything over ten years is refused)
    days = n * {"个月": 30.4, "月": 30.4, "个星期": 7, "周": 7, "个工作日": 1.4, "工作日": 1.4}.get(unit, 1)
    if days > MAX_DAYS_AHEAD or len(m["n"]) > 6:
        return Deadline(text, "unknown", None, (), "期限超过 10 年，不像是真实的时限")
    if issued is None:
        return Deadline(text, "relative", None, (), "发文日期未知，无法推算期限")
    note = None
    if unit in ("个月", "月"):
        from dateutil.relativedelta import relativedelta

        due = issued + relativedelta(months=n)
    elif unit in ("日", "天"):
        due = issued + dt.timedelta(days=n)
    elif unit in ("个星期", "周"):
        due = issued + dt.timedelta(weeks=n)
    else:
        due, note = add_workdays(issued, n)
    return Deadline(text, "relative", due, (due,), note)


@lru_cache(maxsize=4096)
def _parse_text(text: str, year: int | None, issued: dt.date | None) -> Deadline:
    if len(text) > MAX_CHARS:
        return Deadline(text, "unknown", None, (), f"时限文字超过 {MAX_CHARS} 字，不像是时限")
    t = _normalise(text)
    if not t:
        return Deadline(text, "none")
    if _NEXT_YEAR.search(t):  # 次年1月底前: the year after the plan's
        if year is None:
            return Deadline(text, "date", None, (), "计划年度未知，无法确定日期")
        t = _NEXT_YEAR.sub(f"{year + 1}年", t).replace("年年", "年")  # (次年年底前)
    if _RECURRING.match(t):
        return _recurring(text, t)
    if any(w in t for w in _ONGOING):
        return _dated_then_ongoing(text, t, year) or Deadline(text, "ongoing")

    m = _RELATIVE.match(t)
    if m and (not m["anchor"] or re.search(r"(印发|发布|下发|出台|收到|之日|起|后)$", m["anchor"])):
        return _relative(text, m, issued)

    whole = _one_date(t, year)
    forms = [whole] if whole is not None else [_one_date(p, year) for p in _SPLIT.split(t) if p]
    if not forms or None in forms:
        return Deadline(text, "unknown")
    dates = [f.due for f in forms]
    if any(d is None for d in dates):
        return Deadline(text, "date", None, (), "计划年度未知，无法确定日期")
    milestones = tuple(sorted(set(dates)))
    if not (FIRST_YEAR <= milestones[0].year and milestones[-1].year <= LAST_YEAR):
        return Deadline(text, "unknown", None, (), f"年份超出 {FIRST_YEAR}—{LAST_YEAR}，不像是真实的时限")
    return Deadline(text, "date", milestones[-1], milestones)


_IN_TEXT = re.compile(r"(?:(?:\d{4}|次|明)年)?(?:\d{1,2}月(?:\d{1,2}[日号]|底|末|上旬|中旬|下旬)?|年底|年内|上半年|"
                      r"下半年|第?[1-4]季度末?)(?:之前|以前|前)")


def deadline_in_text(text: str, year: int | None, issued: dt.date | None) -> Deadline | None:
    """A deadline written inside a task's text (于6月30日前成立…, 年底前完成…), for a table
    with no deadline column: the first dated phrase, marked ``from_text``."""
    m = _IN_TEXT.search(cn_numerals_to_digits(text[:2000]))
    if m is None:
        return None
    d = _parse_text(m.group(0), year, issued)
    return replace(d, from_text=True, note=d.note or f"时限取自任务文字“{m.group(0)}”") if d.kind == "date" else None


def clear_cache() -> None:
    """Forget parsed deadlines (the working-day calendar changed)."""
    _parse_text.cache_clear()


_CELL_DATE = re.compile(r"^(\d{4})\s*(?:[-./年])\s*(\d{1,2})\s*(?:[-./月])\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_cell_date(value) -> dt.date | None:
    """A date typed in a cell: a real date, "2020-10-05", "2020.10.5", "2020年10月5日",
    or an Excel serial number stored as a number or text. None if it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # 1954..2119 as Excel serials
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    return _cell_date_text(cell_text(value))


@lru_cache(maxsize=4096)
def _cell_date_text(text: str) -> dt.date | None:
    t = squash(text)
    if not t:
        return None
    m = _CELL_DATE.match(t)
    if m:
        return ymd(m)
    if re.fullmatch(r"\d{5}(\.0+)?", t):
        return parse_cell_date(float(t))
    return None
