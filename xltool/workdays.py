"""Chinese working days from the official holiday calendar (package ``chinese_calendar``).

The State Council publishes each year's holidays and make-up workdays (调休) in late
autumn; the package follows. For a year it does not cover yet we fall back to
Monday–Friday and say so.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=4096)
def _official(day: dt.date) -> bool | None:
    import chinese_calendar  # only deadlines counted in working days need it

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the official calendar knew the year)."""
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
        note = f"{years}年的法定节假日安排尚未收录，工作日按周一至周五计算"
    return day, note
