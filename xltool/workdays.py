"""Chinese working days from the official holiday calendar (package ``chinese_calendar``).

The State Council publishes each year's holidays and make-up workdays (调休) in late
autumn; the package follows. An office can supply the schedule itself (``[holidays]`` in
xltool.toml, :func:`use_holidays`): its days win over the package's. For a year neither
covers we fall back to Monday–Friday and say so.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

# year -> (days off, make-up working days) the office supplied
_OFFICE: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}


def use_holidays(table: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]) -> None:
    """Put an office's holiday table in force for this process (from its config)."""
    from .deadlines import clear_cache

    if table != _OFFICE:
        _OFFICE.clear()
        _OFFICE.update(table)
        clear_cache()  # deadlines already counted in working days were counted without it


def calendar_used(year: int) -> str:
    """Which calendar counts the working days of ``year``, in words."""
    if year in _OFFICE:
        return f"{year}年按配置文件 [holidays] 中的节假日安排"
    if _official(dt.date(year, 6, 1)) is not None:
        import chinese_calendar

        return f"{year}年按国务院公布的节假日安排（chinese_calendar {chinese_calendar.__version__}）"
    return f"{year}年的法定节假日安排尚未收录，按周一至周五计算"


@lru_cache(maxsize=4096)
def _official(day: dt.date) -> bool | None:
    import chinese_calendar  # only deadlines counted in working days need it

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, some calendar knew the year)."""
    office = _OFFICE.get(day.year)
    if office is not None:
        off, work = office
        if day in off or day in work:
            return day in work, True
        official = _official(day)
        return (day.weekday() < 5 if official is None else official), True
    official = _official(day)
    if official is None:
        return day.weekday() < 5, False
    return official, True


def add_workdays(start: dt.date, n: int) -> tuple[dt.date, str | None]:
    """The n-th working day after ``start`` (``start`` itself not counted), and a note
    when some year on the way is not in the official calendar."""
    day, left, guessed = start, n, set()
    while left > 0:
        day += dt.timedelta(days=1)
        work, known = is_workday(day)
        if not known:
            guessed.add(day.year)
        if work:
            left -= 1
    note = None
    if guessed:
        years = "、".join(str(y) for y in sorted(guessed))
        note = f"{years}年的法定节假日安排尚未收录，工作日按周一至周五计算（可在配置文件 [holidays] 中补充）"
    elif _OFFICE.keys() & set(range(start.year, day.year + 1)):
        note = "工作日按配置文件 [holidays] 中的节假日安排计算"
    return day, note
