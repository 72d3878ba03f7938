"""Rules about unit names."""

from __future__ import annotations

from ..units import doubled_suffix, looks_cut
from . import Hit, rule


@rule("unknown-unit", "XL101", "warning")
def unknown_unit(task, table, ctx):
    """单位名称不在名录中

    检查内容：单位不在单位名录里（--roster，否则 --plan 任务表中的单位，否则模板的“单位名录”工作表），并给出最接近的名录名称作为建议。没有名录时，报告只出现一次、且与多次出现的名称只差一两个字的名称，以及“局局”“企企”这类重复字和不像完整名称的片段（如换行拆开的“省食品药品”）。名称按原样保留，从不自动改写。
    为什么：单位名称写错，汇总时就会多出一个“单位”，真正的单位少算任务。
    错误写法：“县住建局局”“县市场监督管理局”写成“县市场监管理局”。
    正确写法：照单位名录的全称填写，如“县住房和城乡建设局”。
    配置项：--roster 指定单位名录；roster 表中 aliases 可登记简称；rules.disable 加入 unknown-unit 可关闭。
    """
    ok = ctx.units_ok
    if ok.issuperset(task.lead_units) and ok.issuperset(task.responsible_units):
        return None  # most rows: every name already known to be fine (two set tests in C)
    hits = []
    roster = ctx.roster
    for fld, names in (("lead", task.lead_units), ("responsible", task.responsible_units)):
        if not names:
            continue
        if not table.has(fld):
            fld = "responsible" if table.has("responsible") else "lead"
        for name in names:
            if roster:
                if roster.canonical(name) is None:
                    sug = roster.suggest(name)
                    src = f"（{roster.source}）" if roster.source else ""
                    hits.append(Hit(fld, f"单位“{name}”不在单位名录中{src}" + (f"，是否为“{sug}”？" if sug else ""),
                                    value=name, suggestion=sug))
                else:
                    ok.add(name)
                continue
            fix = doubled_suffix(name)
            if fix:
                hits.append(Hit(fld, f"单位“{name}”疑似多打了一个“{name[-1]}”，是否为“{fix}”？",
                                value=name, suggestion=fix))
            elif looks_cut(name):
                hits.append(Hit(fld, f"单位“{name}”不像完整的单位名称（可能是被拆开或截断的名称），请核对",
                                value=name))
            else:
                ok.add(name)
    return hits


def batch_hits(first_cells: dict[str, tuple], near: dict[str, str]) -> list[Hit]:
    """unknown-unit across a batch without a roster: for the names of one file (name ->
    its first (sheet, cell, row)) that the whole batch shows once, near a common name
    (``near``: name -> the common one). The batch runner gives each file's hits to its own
    config (rules.batch_finding)."""
    return [Hit(None, f"单位“{name}”只出现一次，与常见的“{near[name]}”只差一两个字，是否写错？", name, near[name],
                cell, row, sheet)
            for name, (sheet, cell, row) in first_cells.items() if name in near]
