"""Two rounds of ledgers (10月 and 11月) with real changes between them, for --previous,
remind and the 通报 draft."""

from __future__ import annotations

import datetime as dt

from ledgers import make_ledger

AS_OF = "2020-11-20"


def ledger(path, unit, reported, rows):
    pre = [["填报单位：" + unit, None, None, None, "填报日期：" + reported]] if unit else []
    return make_ledger(path, rows, preamble=pre)


def two_rounds(tmp_path):
    """Two rounds of two units. 县财政局 names itself in a 填报单位 cell (its file names differ
    between rounds); 县教育局 has no such cell and is known by its file name."""
    old, new = tmp_path / "10月", tmp_path / "11月"
    ledger(old / "财政局10月.xlsx", "县财政局", "2020-10-31", [
        [1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "推进中", None, "正在推进"],
        [2, "任务乙", "县政府办", "县财政局", "2020年底前", "已完成", dt.date(2020, 6, 30), "已完成"],
        [3, "任务丙", "县政府办", "县财政局", "持续推进", "推进中", None, "按计划推进"],
        [4, "任务丁", "县政府办", "县财政局", "2020年12月底前", "推进中", None, "起草中"],
        [5, "任务戊", "县政府办", "县财政局", "2020年6月底前", "已完成", dt.date(2020, 5, 20), "已印发"],
        [6, "任务己", "县政府办", "县财政局", "2020年10月15日前", "推进中", None, "征求意见中"],
    ])
    ledger(new / "县财政局 11月报送.xlsx", "县财政局", "2020-11-20", [
        [1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "推进中", None, "正在推进"],  # unchanged
        [2, "任务乙", "县政府办", "县财政局", "2020年底前", "推进中", None, "需返工"],  # 已完成 → 推进中
        [3, "任务丙", "县政府办", "县财政局", "持续推进", "推进中", None, "按计划推进，已完成调研"],
        [4, "任务丁", "县政府办", "县财政局", "2020年12月底前", "已完成", dt.date(2020, 11, 10), "已印发"],
        [5, "任务戊", "县政府办", "县财政局", "2020年6月底前", "已完成", dt.date(2020, 5, 25), "已印发"],
        [6, "任务辛", "县政府办", "县财政局", "2020年11月30日前", "推进中", None, "已起草"],  # new, due soon
    ])  # 任务己 is gone
    ledger(old / "县教育局.xlsx", None, "", [
        [1, "任务庚", "县政府办", "县教育局", "2020年10月底前", "推进中", None, "  正在 推进 "],
    ])
    ledger(new / "县教育局.xlsx", None, "", [
        [1, "任务庚", "县政府办", "县教育局", "2020年10月底前", "推进中", None, "正在推进"],  # same, spaces aside
    ])
    return old, new
