import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xltool.deadlines import parse_deadline
from xltool.workdays import add_workdays

D = dt.date
Y = 2019
ISSUED = D(2019, 7, 9)


@pytest.mark.parametrize("text,kind,due,milestones", [
    # docs/SPEC.md §1 table
    ("2018年底前", "date", D(2018, 12, 31), None),
    ("2018年12月底前", "date", D(2018, 12, 31), None),
    ("2018\n年底前", "date", D(2018, 12, 31), None),
    ("2018年7月底前", "date", D(2018, 7, 31), None),
    ("2020年9\n月底前", "date", D(2020, 9, 30), None),
    ("8月底前", "date", D(Y, 8, 31), None),
    ("2018年12月31日前", "date", D(2018, 12, 31), None),
    ("全年", "date", D(Y, 12, 31), None),
    ("上半年", "date", D(Y, 6, 30), None),
    ("下半年", "date", D(Y, 12, 31), None),
    ("一季度", "date", D(Y, 3, 31), None),
    ("二季度末", "date", D(Y, 6, 30), None),
    ("三季度", "date", D(Y, 9, 30), None),
    ("四季度末", "date", D(Y, 12, 31), None),
    ("6月底前/全年", "date", D(Y, 12, 31), [D(Y, 6, 30), D(Y, 12, 31)]),
    ("持续推进", "ongoing", None, []),
    ("长期坚持", "ongoing", None, []),
    ("常态化", "ongoing", None, []),
    ("本任务分工印发1个月内", "relative", D(2019, 8, 9), None),
    ("", "none", None, []),
    ("尽快", "unknown", None, []),
    # normalisation: full-width digits, Chinese numerals, stray spaces
    ("２０２０年底前", "date", D(2020, 12, 31), None),
    ("二〇二〇年十月底前", "date", D(2020, 10, 31), None),
    ("2020 年 10 月 底前", "date", D(2020, 10, 31), None),
    ("2019年年底前", "date", D(2019, 12, 31), None),
    ("2月底前", "date", D(Y, 2, 28), None),
    ("2020年13月底前", "unknown", None, []),
])
def test_spec_table(text, kind, due, milestones):
    d = parse_deadline(text, Y, ISSUED)
    assert (d.kind, d.due) == (kind, due)
    assert list(d.milestones) == (milestones if milestones is not None else [due])


# Every deadline text that appears in the five seeds, with its reading.
SEED_TEXTS = {
    # 001 (plan year 2018)
    ("2018年底前", 2018): D(2018, 12, 31), ("2018年7月底前", 2018): D(2018, 7, 31),
    ("2018年8月底前", 2018): D(2018, 8, 31), ("2018年12月底前", 2018): D(2018, 12, 31),
    ("2020年底前", 2018): D(2020, 12, 31), ("2018年9月底前", 2018): D(2018, 9, 30),
    # 002 (plan year 2019, issued 2019-07-09)
    ("全年", 2019): D(2019, 12, 31), ("6月底前/全年", 2019): D(2019, 12, 31),
    ("8月底前", 2019): D(2019, 8, 31), ("本任务分工印发1个月内", 2019): D(2019, 8, 9),
    # 004 (plan year 2020)
    ("2020年\n底前", 2020): D(2020, 12, 31), ("2020年\n10月\n底前", 2020): D(2020, 10, 31),
    ("2020年底前", 2020): D(2020, 12, 31), ("2020年\n11月底前", 2020): D(2020, 11, 30),
    ("2020年9\n月底前", 2020): D(2020, 9, 30), ("2020\n年底前", 2020): D(2020, 12, 31),
    ("持续推进", 2020): None,
}


@pytest.mark.parametrize("key", list(SEED_TEXTS), ids=[k[0].replace("\n", "⏎") for k in SEED_TEXTS])
def test_seed_texts(key):
    text, year = key
    d = parse_deadline(text, year, ISSUED)
    assert d.due == SEED_TEXTS[key]
    assert d.kind == ("ongoing" if SEED_TEXTS[key] is None else ("relative" if "印发" in text else "date"))


def test_workdays_cross_national_day_2020():
    # 2020-09-27 (Sunday) was itself a make-up workday; 10-01..10-08 are holidays,
    # 10-10 (Saturday) is a make-up workday: 28, 29, 30, 9, 10, 12, 13, 14, 15, 16.
    d = parse_deadline("10个工作日内", 2020, D(2020, 9, 27))
    assert (d.kind, d.due, d.note) == ("relative", D(2020, 10, 16), None)


def test_workdays_spring_festival_and_plain_weeks():
    # 2-11..2-17 off; Saturday 2-20 is a make-up workday: 9, 10, 18, 19, 20
    assert add_workdays(D(2021, 2, 8), 5)[0] == D(2021, 2, 20)
    assert add_workdays(D(2019, 7, 8), 5)[0] == D(2019, 7, 15)


def test_year_outside_official_calendar_falls_back_to_weekdays_and_says_so():
    d = parse_deadline("3个工作日内", 2027, D(2027, 9, 30))  # Thursday
    assert d.due == D(2027, 10, 5)  # Fri, Mon, Tue: plain weekdays
    assert "2027" in d.note and "周一至周五" in d.note


def test_relative_without_issue_date_has_no_due():
    d = parse_deadline("本任务分工印发1个月内", 2019, None)
    assert (d.kind, d.due) == ("relative", None)
    assert d.note


def test_date_cell_value():
    assert parse_deadline(dt.datetime(2020, 6, 30), 2020).due == D(2020, 6, 30)


CN = "〇一二三四五六七八九"
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def cn_digits(n: int) -> str:
    return "".join(CN[int(ch)] for ch in str(n))


def cn_month(m: int) -> str:
    return {10: "十", 11: "十一", 12: "十二"}.get(m) or CN[m]


years = st.integers(2000, 2035)
months = st.integers(1, 12)


@given(years, months, st.sampled_from(["", " ", "\n", "  "]), st.booleans())
def test_month_end_any_spelling(y, m, gap, fullwidth):
    text = f"{y}年{gap}{m}{gap}月底前"
    if fullwidth:
        text = text.translate(FULL)
    d = parse_deadline(text, 1999)
    assert d.kind == "date"
    assert d.due == D(y, m, calendar.monthrange(y, m)[1])


@given(years, months)
def test_chinese_numerals_read_as_digits(y, m):
    d = parse_deadline(f"{cn_digits(y)}年{cn_month(m)}月底前", 1999)
    assert d.due == D(y, m, calendar.monthrange(y, m)[1])


@given(years, months, st.integers(1, 28))
def test_day_forms(y, m, day):
    for text in (f"{y}年{m}月{day}日前", f"{y}-{m:02d}-{day:02d}", f"{y}.{m}.{day}"):
        assert parse_deadline(text, 1999).due == D(y, m, day)


@given(st.lists(months, min_size=1, max_size=4), years)
def test_milestones_due_is_the_last(ms, y):
    text = "/".join(f"{m}月底前" for m in ms)
    d = parse_deadline(text, y)
    assert d.kind == "date"
    assert d.due == max(d.milestones)
    assert set(d.milestones) == {D(y, m, calendar.monthrange(y, m)[1]) for m in ms}


@given(st.text(max_size=30))
def test_never_raises(text):
    d = parse_deadline(text, 2020, D(2020, 1, 1))
    assert d.kind in ("date", "ongoing", "relative", "none", "unknown")
    if d.kind in ("ongoing", "none", "unknown"):
        assert d.due is None


@pytest.mark.parametrize("text, note", [("99999999个月内", "超过 10 年"), ("2000000个工作日内", "超过 10 年"),
                                        ("1" * 32000 + "天内", "超过 200 字"), ("1" * 190 + "天内", "超过 10 年"),
                                        ("9999年底前", "年份超出"),
                                        ("1899年6月底前", "年份超出")])
def test_absurd_deadlines_are_bad_deadline_fast(text, note):
    import time

    start = time.perf_counter()
    d = parse_deadline(text, 2020, dt.date(2020, 1, 1))
    assert d.kind == "unknown" and note in d.note and time.perf_counter() - start < 0.5


def test_ten_years_is_still_a_deadline():
    assert parse_deadline("120个月内", 2020, dt.date(2020, 1, 1)).due == dt.date(2030, 1, 1)


# docs/SPEC.md §4: forms seen in published tables beyond the seeds
@pytest.mark.parametrize("text,year,due", [
    ("次年1月底前", 2021, D(2022, 1, 31)),
    ("次年1月", 2021, D(2022, 1, 31)),
    ("次年3月15日前", 2021, D(2022, 3, 15)),
    ("明年6月底前", 2021, D(2022, 6, 30)),
    ("2021年6月—12月", None, D(2021, 12, 31)),
    ("6月-12月", 2021, D(2021, 12, 31)),
    ("2021年6月至2022年3月", None, D(2022, 3, 31)),
    ("2021年3月～6月底", None, D(2021, 6, 30)),
    ("2021年6月底前完成，长期坚持", None, D(2021, 6, 30)),
    ("2021年9月底前，并持续推进", None, D(2021, 9, 30)),
    ("春节前", 2021, D(2021, 2, 11)),
    ("2022年春节前", None, D(2022, 1, 31)),
    ("元宵节前", 2021, D(2021, 2, 25)),
    ("清明节前", 2021, D(2021, 4, 3)),
    ("端午节前", 2021, D(2021, 6, 13)),
    ("中秋节前", 2021, D(2021, 9, 20)),
    ("国庆节前", 2021, D(2021, 9, 30)),
    ("2020年国庆前", None, D(2020, 9, 30)),
])
def test_second_round_dated_forms(text, year, due):
    d = parse_deadline(text, year, None)
    assert (d.kind, d.due) == ("date", due), d


@pytest.mark.parametrize("text", ["次年1月底前", "春节前"])
def test_year_relative_forms_without_a_plan_year_have_no_date_and_say_why(text):
    d = parse_deadline(text, None, None)
    assert d.kind == "date" and d.due is None and "计划年度未知" in d.note


@pytest.mark.parametrize("text,base,due", [
    ("每月10日前", D(2021, 3, 15), D(2021, 4, 10)),
    ("每月10日前", D(2021, 3, 5), D(2021, 3, 10)),
    ("每月10日前", D(2021, 12, 20), D(2022, 1, 10)),
    ("每月底前", D(2021, 2, 3), D(2021, 2, 28)),
    ("每季度末", D(2021, 5, 1), D(2021, 6, 30)),
    ("每季度", D(2021, 12, 31), D(2021, 12, 31)),
    ("每半年", D(2021, 7, 1), D(2021, 12, 31)),
    ("每年12月底前", D(2021, 3, 1), D(2021, 12, 31)),
    ("每年3月底前", D(2021, 4, 1), D(2022, 3, 31)),
])
def test_recurring_deadlines_fall_due_at_the_next_period_end(text, base, due):
    from xltool.deadlines import next_due

    d = parse_deadline(text, 2021, None)
    assert d.kind == "recurring" and d.due is None  # never overdue as a whole
    assert next_due(d, base) == due


def test_a_recurring_task_is_due_soon_but_never_overdue():
    from xltool.deadlines import next_due

    d = parse_deadline("每月10日前", 2021, None)
    assert next_due(d, D(2021, 3, 11)) == D(2021, 4, 10)
    assert next_due(parse_deadline("2021年6月底前", None, None), D(2021, 7, 1)) == D(2021, 6, 30)


def test_an_office_holiday_table_counts_working_days_where_the_calendar_package_stops(tmp_path):
    """2027 is not in the calendar package yet: Monday–Friday, said; with the office's own
    [holidays] table its 休 and 班 days count, and the command names the calendar it used."""
    import subprocess
    import sys

    from xltool.config import load_config
    from xltool.workdays import use_holidays

    cfg = tmp_path / "xltool.toml"
    cfg.write_text('[holidays.2027]\n"休" = ["2027-01-01", "2027-02-06~2027-02-12"]\n"班" = ["2027-02-14"]\n',
                   encoding="utf-8")
    plain = parse_deadline("5个工作日内", 2027, D(2027, 2, 4))
    assert plain.due == D(2027, 2, 11) and "按周一至周五" in plain.note
    try:
        load_config(cfg)
        office = parse_deadline("5个工作日内", 2027, D(2027, 2, 4))
        assert office.due == D(2027, 2, 17) and "[holidays]" in office.note
        assert add_workdays(D(2027, 2, 13), 1)[0] == D(2027, 2, 14)  # a make-up Sunday is worked
    finally:
        use_holidays({})
    assert parse_deadline("5个工作日内", 2027, D(2027, 2, 4)).due == D(2027, 2, 11)
    out = subprocess.run([sys.executable, "-m", "xltool", "deadline", "5个工作日内", "--issued", "2027-02-04",
                          "--config", str(cfg)], capture_output=True, text=True, check=True).stdout
    assert "2027-02-17" in out and "2027年按配置文件 [holidays]" in out


@pytest.mark.parametrize("body,words", [
    ('[holidays.2027]\n"休" = ["2027-13-01"]\n', "不是日期"),
    ('[holidays]\n"休" = ["2027-01-01"]\n', "按年份分节"),
    ('[holidays.2027]\n"休" = ["2027-02-12~2027-02-06"]\n', "不是有效的日期范围"),
])
def test_a_bad_holiday_table_is_a_message_naming_the_key(tmp_path, body, words):
    from xltool.config import load_config
    from xltool.errors import UsageError

    cfg = tmp_path / "xltool.toml"
    cfg.write_text(body, encoding="utf-8")
    with pytest.raises(UsageError, match=words):
        load_config(cfg)
