"""Rules about the table itself: header, required cells, 序号, points."""

from __future__ import annotations

from ..model import cell_ref
from ..table import row_fields
from . import Hit, rule

AUX_SHEETS = ("填报说明", "单位名录", "配置", "检查结果", "说明", "汇总")


@rule("header-missing", "XL001", "error", scope="file")
def header_missing(ledger, ctx):
    """找不到表头

    检查内容：工作簿（或某个工作表）中没有同时含任务列（工作任务、重点任务、具体要求、二级指标等）和单位列（牵头单位、责任单位、责任部门）的表头行，因此无法读取任务。
    为什么：没有表头就不知道哪一列是任务、哪一列是单位，整张表的任务都无法统计，汇总时这个单位等于没有报送。
    错误写法：删掉了表头行；把表头改写成“事项”“部门”这类表中没有的说法；表头放在图片或文本框里。
    正确写法：保留下发模板的表头行，如“序号｜工作任务｜牵头单位｜责任单位｜时限要求”。
    配置项：rules.severity.header-missing 调整级别；rules.disable 可关闭，但不建议：没有表头就读不出任务。
    """
    with_tables = {t.sheet for t in ledger.tables}
    partial = []
    for g in ledger.book.sheets:
        if g.name in with_tables or g.hidden or any(a in g.name for a in AUX_SHEETS):
            continue
        for r in range(min(g.height, 60)):
            words = {f for f, _ in row_fields(g, r, {}, least=2).values()}
            if len(words) >= 2:
                missing = []
                if not words & {"task", "requirement"}:
                    missing.append("任务列")
                if not words & {"lead", "responsible"}:
                    missing.append("单位列")
                partial.append(Hit(None, f"第{r + 1}行像是表头，但缺少{'和'.join(missing)}，无法读取任务",
                                   sheet=g.name, cell=cell_ref(r, 0), row=r + 1))
                break
    yield from partial
    if not ledger.tables and not partial:
        first = next((g.name for g in ledger.book.sheets if not g.hidden), None)
        yield Hit(None, "未找到任务表：没有同时含任务列和单位列（牵头单位/责任单位）的表头行", sheet=first)


_LABEL = {"task": "任务", "unit": "责任单位（牵头或责任）", "deadline": "时限"}


@rule("missing-field", "XL002", "error")
def missing_field(task, table, ctx):
    """必填项为空

    检查内容：在合并单元格和“同上”空白都已还原之后，任务、单位（牵头单位或责任单位至少一项）或时限单元格仍为空。只检查表中存在的列。
    为什么：缺任务内容的行无法与任务表对应，缺单位的任务没有人负责，缺时限的任务无法判断是否逾期。
    错误写法：某行“牵头单位”和“责任单位”都空着，上方也没有可承接的合并单元格。
    正确写法：每行写明任务、牵头单位（或责任单位）和时限；与上一行相同时合并单元格或照抄一遍。
    配置项：rules.disable 加入 missing-field 可关闭；rules.severity.missing-field 调整级别。
    """
    if task.task and (task.lead_units or task.responsible_units) and task.deadline.kind != "none":
        return None  # most rows: nothing is missing
    hits = []
    if not task.task:
        hits.append(Hit("task" if table.has("task") else "requirement", "任务内容为空"))
    if not (task.lead_units or task.responsible_units) and (table.has("lead") or table.has("responsible")):
        hits.append(Hit("lead" if table.has("lead") else "responsible", "牵头单位和责任单位都为空"))
    if task.deadline.kind == "none" and table.has("deadline"):
        hits.append(Hit("deadline", "时限要求为空"))
    return hits


@rule("duplicate-seq", "XL003", "warning", scope="table")
def duplicate_seq(table, ctx):
    """序号重复

    检查内容：同一张表中某个序号在上方已经用过（每次重复都报告，第一次出现不报告）。合并单元格、承接上行的序号，以及紧接上一行的相同序号（取消合并后逐行填写的同一任务）不算重复。
    为什么：对照任务表时按序号找任务，序号重复会让两项任务对应到同一项，进度和得分算错。
    错误写法：复制行后忘记改序号：第 12 行和第 15 行都写“5”。
    正确写法：序号按顺序连续编写，每项任务一个序号。
    配置项：rules.disable 加入 duplicate-seq 可关闭；rules.severity.duplicate-seq 调整级别。
    """
    seen: dict[str, int] = {}
    prev_row, prev_seq = None, None
    for t in table.tasks:
        if "seq" not in t.own or not t.seq:
            continue
        # the same 序号 on the very next row is an unmerged (filled) task, not a repeat
        follows = prev_seq == t.seq and prev_row == t.excel_row - 1
        prev_row, prev_seq = t.excel_row, t.seq
        if follows:
            continue
        if t.seq in seen:
            yield Hit(None, f"序号 {t.seq} 与第{seen[t.seq]}行重复", value=t.seq,
                      cell=t.cell("seq"), row=t.excel_row)
        else:
            seen[t.seq] = t.excel_row


@rule("points-total", "XL004", "error", scope="table")
def points_total(table, ctx):
    """分值合计不等于100

    检查内容：考核任务分解表中各一级指标（如“组织领导（10）”）的分值之和不是 100。分页后重复出现的同一指标只计一次；加减分项目不计入。
    为什么：考核按百分制计分，分值合计不是 100 时各单位的得分不可比，多为漏抄或抄错了某个指标的分值。
    错误写法：一级指标写成“组织领导（10）”“平台建设（25）”……合计 95。
    正确写法：各一级指标分值之和为 100，加分项、减分项单列。
    配置项：rules.disable 加入 points-total 可关闭；rules.severity.points-total 调整级别。
    """
    if table.kind != "assessment":
        return
    points: dict[str, float] = {}
    for t in table.tasks:
        if t.level1 and t.points is not None and t.level1 not in points:
            points[t.level1] = t.points
    if not points:
        return
    total = sum(points.values())
    if abs(total - 100) > 1e-6:
        parts = "＋".join(f"{k}{v:g}" for k, v in points.items())
        col = table.columns.get("level1", 0)
        yield Hit(None, f"一级指标分值合计 {total:g} 分，不等于 100 分（{parts}）", value=f"{total:g}",
                  cell=cell_ref(table.header_row - 1, col), row=table.header_row)



EXCEL_ERRORS = ("#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")


def is_excel_error(text: str | None) -> bool:
    return bool(text) and text.lstrip()[:1] == "#" and text.strip().upper() in EXCEL_ERRORS


@rule("formula-error", "XL005", "error")
def formula_error(task, table, ctx):
    """公式错误值

    检查内容：单元格显示 #REF!、#DIV/0!、#VALUE! 等公式错误（常见于删除或移动了被引用的单元格），实际内容已丢失，需重新填写。
    为什么：显示错误值的单元格里已经没有原来的内容，检查和汇总只能看到错误值。
    错误写法：截止日期一列的公式引用了被删除的行，显示 #REF!。
    正确写法：重新填写该单元格，或恢复被删除的内容后再复制公式。
    配置项：rules.disable 加入 formula-error 可关闭；rules.severity.formula-error 调整级别。
    """
    if "#" not in "".join(task.texts.values()):  # one scan in C: almost no row has a "#"
        return None
    return [Hit(fld, f"单元格是公式错误值 {text.strip()}，原内容已丢失，请重新填写", value=text.strip())
            for fld, text in task.texts.items() if text[:1] == "#" and is_excel_error(text)]  # texts are stripped


@rule("empty-ledger", "XL006", "error", scope="file")
def empty_ledger(ledger, ctx):
    """空白台账

    检查内容：找到了任务表的表头，但表下没有任何任务行（常见于把空白模板原样报回）。空白台账不计入汇总，单位列入“空白台账”而不是“已报送”。
    为什么：空白台账看起来像已经报送，其实没有任何进展可统计；单独列出才能及时催报。
    错误写法：把下发的空白模板改了文件名就报回。
    正确写法：在表头下逐行填写本单位承担的任务及进展。
    配置项：rules.disable 加入 empty-ledger 可关闭；rules.severity.empty-ledger 调整级别。
    """
    if ledger.tables and not any(t.tasks for t in ledger.tables):
        first = ledger.tables[0]
        col = min(first.columns.values(), default=0)
        yield Hit(None, f"表头（第{first.header_row}行）下没有任务行：这是一份空白台账", sheet=first.sheet,
                  cell=cell_ref(first.data_row - 1, col), row=first.data_row)


@rule("bad-merge", "XL007", "error", scope="file")
def bad_merge(ledger, ctx):
    """合并单元格异常

    检查内容：一个合并单元格跨越两行两列以上、覆盖了工作表已用区域的四分之一以上（如把表头和整张表合并成一格），正常台账没有这种合并。
    为什么：这种合并会让表中所有单元格都显示同一个值、把任务行“藏”起来；本工具按未合并读取，但表格在 Excel 中已无法正常阅读。
    错误写法：选中整张表后误点了“合并后居中”。
    正确写法：取消这个合并，只合并同一任务的相邻单元格（如同一牵头单位的上下几行）。
    配置项：rules.disable 加入 bad-merge 可关闭；rules.severity.bad-merge 调整级别。
    """
    for g in ledger.book.sheets:
        for m in g.bad_merges:
            yield Hit(None, f"合并单元格 {m.ref} 覆盖了 {m.r1 - m.r0 + 1} 行 × {m.c1 - m.c0 + 1} 列，"
                            "会把表中内容遮住，已按未合并读取；请取消这个合并", value=m.ref,
                      sheet=g.name, cell=cell_ref(m.r0, m.c0), row=m.r0 + 1)


@rule("unknown-column", "XL008", "info", scope="table")
def unknown_column(table, ctx):
    """未识别的列

    检查内容：表头中有 xltool 不认识的列名，这一列的内容没有读入任务（检查和汇总都不会用到它）。
    为什么：列名写法各地不一；列被忽略而不提示，使用者会以为这一列也检查过了。
    错误写法：表头写“完成情况说明（请简要填写）”之外的自造列名，如“推进举措及成效”。
    正确写法：用模板中的列名（xltool template new 生成的台账），或在反馈中告诉我们这个列名，以便收录。
    配置项：rules.disable 加入 unknown-column 可关闭；rules.severity.unknown-column 调整级别。
    """
    for col, text in table.unmapped.items():
        yield Hit(None, f"表头“{' '.join(text.split())}”不是 xltool 认识的列名，这一列未读入", value=text,
                  cell=f"{col}{table.header_row}", row=table.header_row)
