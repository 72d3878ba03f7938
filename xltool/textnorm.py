"""Text helpers shared by every stage: cell text, Chinese numerals, normalisation."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = re.compile(r"[〇零○一二两三四五六七八九十百]+")


def cell_text(value) -> str:
    """A cell value as the text a person sees (empty for None)."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def cell_number(value) -> float | None:
    """A number typed in a cell: a number as is, or text like "5" / "2.5分"; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(cell_text(value).rstrip("分"))
    except ValueError:
        return None


def ymd(m: re.Match) -> dt.date | None:
    """The date a match's first three groups name (year, month, day); None if there is no
    such day (2020年2月30日)."""
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def squash(text: str) -> str:
    """NFKC-normalised text with all whitespace removed (for comparing and parsing)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def one_line(text: str) -> str:
    """Text on one line, runs of whitespace folded to one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def cn_to_int(s: str) -> int | None:
    """Chinese numeral to int: 十二 → 12, 二十一 → 21, 二〇二〇 → 2020 (digit by digit)."""
    if not s:
        return None
    if "十" not in s and "百" not in s:
        if all(ch in _CN_DIGITS for ch in s):
            return int("".join(str(_CN_DIGITS[ch]) for ch in s))
        return None
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def cn_numerals_to_digits(text: str, only_before: str = "年月日个季") -> str:
    """Replace Chinese numerals that stand before a unit character (年 月 日 个 季) by digits."""

    def repl(m: re.Match) -> str:
        nxt = text[m.end(): m.end() + 1]
        if nxt and nxt in only_before:
            n = cn_to_int(m.group(0))
            if n is not None:
                return str(n)
        return m.group(0)

    return _CN_NUM.sub(repl, text)


def shown_name(path: str) -> str:
    """A path as messages and outputs show it: bytes of a name that are not UTF-8 (a GBK name
    from a Windows share) become U+FFFD; the file itself is still read by its real name."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
