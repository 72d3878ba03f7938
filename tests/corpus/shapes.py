"""Task tables in the layouts real offices publish, beyond the five seed notices.

Each table reproduces the *shape* of a published table — its header words, its columns, where
it merges, where it breaks lines, how it writes units and deadlines — recorded with its source
in SOURCES.tsv. The cell text is our own paraphrase: the stored copies of those pages may not
be copied verbatim. The truth of every row was written by hand from the table as laid out
here (never by running xltool): 序号, section, task, lead and responsible units, due date.

Grid notation: a row is a list of cells; "^" is a cell merged with the one above, "<" one
merged with the one to its left, None a blank cell, "\n" a line break inside the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Shape:
    name: str
    grid: list[list]
    truth: list[tuple]  # (excel row, 序号, section, task, lead units, responsible units, due)
    year: int | None = None  # the plan year to read with (--year), where the title has none
    notes: tuple[str, ...] = field(default_factory=tuple)


def build(shape: Shape, folder: Path) -> Path:
    """The .xlsx of a shape, with its merges."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "任务分工"
    anchor: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(shape.grid, start=1):
        for c, v in enumerate(row, start=1):
            if v == "^":
                anchor[(r, c)] = anchor.get((r - 1, c), (r - 1, c))
            elif v == "<":
                anchor[(r, c)] = anchor.get((r, c - 1), (r, c - 1))
            else:
                anchor[(r, c)] = (r, c)
                if v is not None:
                    ws.cell(r, c, v).alignment = Alignment(wrap_text=True, vertical="center")
    spans: dict[tuple[int, int], list[int]] = {}
    for (r, c), a in anchor.items():
        if a != (r, c):
            box = spans.setdefault(a, [a[0], a[1], a[0], a[1]])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    for (r0, c0), (_, _, r1, c1) in ((a, b) for a, b in spans.items()):
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    path = folder / f"{shape.name}.xlsx"
    wb.save(path)
    return path


def _d(y, m, d):
    import datetime as dt

    return dt.date(y, m, d)


SHAPES = [
    # A department's list: the 工作任务 column holds short headings merged over their items,
    # which are numbered in 序号 and written out in 具体要求; 责任科室 only.
    Shape("dept_heading_column", [
        ["2023年政务公开重点任务清单", "<", "<", "<", "<"],
        ["工作任务", "序号", "具体要求", "责任科室", "时限要求"],
        ["规范性文件集中公开", 1, "全面清理本部门规范性文件，公布现行有效的文件目录。", "办公室", "年底前"],
        ["政策解读", 2, "做好政策解读，丰富图解、视频等解读形式。", "各科室", "持续推进"],
        ["主动公开基础工作", 3, "规范信息公开专栏，及时发布法定主动公开内容，做好保密审查。", "各科室", "持续推进"],
        ["^", 4, "编制发布政府信息公开工作年度报告，把重点任务落实情况写入年报。", "办公室", "次年1月底前"],
        ["依申请公开", 5, "依法依规办理政府信息公开申请，防范法律风险。", "各科室", "持续推进"],
        ["抓好工作落实", 6, "制定并公开本部门政务公开任务清单，逐项推动落实。", "办公室", "6月底前"],
    ], [
        (3, "1", "规范性文件集中公开", "全面清理本部门规范性文件，公布现行有效的文件目录。", "", "办公室", _d(2023, 12, 31)),
        (4, "2", "政策解读", "做好政策解读，丰富图解、视频等解读形式。", "", "各科室", None),
        (5, "3", "主动公开基础工作", "规范信息公开专栏，及时发布法定主动公开内容，做好保密审查。", "", "各科室", None),
        (6, "4", "主动公开基础工作", "编制发布政府信息公开工作年度报告，把重点任务落实情况写入年报。", "", "办公室",
         _d(2024, 1, 31)),
        (7, "5", "依申请公开", "依法依规办理政府信息公开申请，防范法律风险。", "", "各科室", None),
        (8, "6", "抓好工作落实", "制定并公开本部门政务公开任务清单，逐项推动落实。", "", "办公室", _d(2023, 6, 30)),
    ]),
    # A city's responsibility list: 工作任务 spans two columns (一、 heading | （一） heading,
    # both merged down), 具体要求 spans 序号 and the text; units and deadlines per item.
    Shape("city_two_level_headings", [
        ["附件", None, None, None, None, None],
        ["2022年政务公开任务分解责任清单", "<", "<", "<", "<", "<"],
        ["工作任务", "<", "具体要求", "<", "责任单位", "时限要求"],
        ["一、以公开助力经济平稳发展", "（一）加强涉及市场主体的信息公开", 1,
         "增强涉企政策制定实施的透明度，公开政策的决策、解读和执行情况。", "市政府各有关部门", "持续推进"],
        ["^", "^", 2, "开设行业帮扶政策专题，集中公开帮扶政策及解读。", "市商务局、市文旅局", "2022年6月—12月"],
        ["^", "^", 3, "畅通营商环境问题的投诉和反馈渠道，及时回应市场主体关切。", "市发展改革委牵头，市住建局配合",
         "2022年底前"],
        ["^", "（二）加强就业和社会保障信息公开", 4, "集中公开稳就业政策，按季度公布就业数据。", "市人社局", "每季度末"],
        ["^", "^", 5, "公开社会救助政策和办理流程。", "市民政局", "2022年9月底前"],
        ["二、以公开推进政府治理", "（三）做好规范性文件公开", 6, "集中公开现行有效的规范性文件，标注有效性。", "市司法局",
         "2022年10月底前"],
        ["^", "^", 7, "在门户网站设立规范性文件库，实现统一检索。", "市政府办公室、市政务服务数据局", "2022年底前"],
    ], [
        (4, "1", "一、以公开助力经济平稳发展", "增强涉企政策制定实施的透明度，公开政策的决策、解读和执行情况。", "",
         "市政府各有关部门", None),
        (5, "2", "一、以公开助力经济平稳发展", "开设行业帮扶政策专题，集中公开帮扶政策及解读。", "", "市商务局、市文旅局",
         _d(2022, 12, 31)),
        (6, "3", "一、以公开助力经济平稳发展", "畅通营商环境问题的投诉和反馈渠道，及时回应市场主体关切。", "市发展改革委",
         "市住建局", _d(2022, 12, 31)),
        (7, "4", "一、以公开助力经济平稳发展", "集中公开稳就业政策，按季度公布就业数据。", "", "市人社局", None),
        (8, "5", "一、以公开助力经济平稳发展", "公开社会救助政策和办理流程。", "", "市民政局", _d(2022, 9, 30)),
        (9, "6", "二、以公开推进政府治理", "集中公开现行有效的规范性文件，标注有效性。", "", "市司法局", _d(2022, 10, 31)),
        (10, "7", "二、以公开推进政府治理", "在门户网站设立规范性文件库，实现统一检索。", "",
         "市政府办公室、市政务服务数据局", _d(2022, 12, 31)),
    ]),
    # A district's breakdown pasted from Word: section rows across the whole table, no merges,
    # no deadline column (deadlines inside the requirement text), blank lead cells.
    Shape("district_sections_no_deadline_column", [
        ["2021年全区政务公开工作主要任务分解表", "<", "<", "<"],
        ["工作任务", "工作要求", "牵头单位", "责任单位"],
        ["一、紧扣“十四五”开局，深化政务公开", "<", "<", "<"],
        ["1.做好规划信息公开", "于6月30日前公开本区“十四五”规划纲要及专项规划。", "区发改局", "区直各有关部门"],
        ["2.做好重大项目信息公开", "持续公开重大建设项目批准和实施信息。", None, "区直各有关部门"],
        ["二、紧扣强基础抓基层，深化政务公开", "<", "<", "<"],
        ["3.推进基层政务公开标准化", "年底前完成各镇街公开事项目录的动态调整。", None, "各镇、街"],
        ["4.加强政务公开专区建设", "在区政务服务中心设立政务公开专区，9月底前投入使用。", "区政务服务中心",
         "区直各有关部门"],
    ], [
        (4, "1", "一、紧扣“十四五”开局，深化政务公开", "1.做好规划信息公开", "区发改局", "区直各有关部门",
         _d(2021, 6, 30)),
        (5, "2", "一、紧扣“十四五”开局，深化政务公开", "2.做好重大项目信息公开", "", "区直各有关部门", None),
        (7, "3", "二、紧扣强基础抓基层，深化政务公开", "3.推进基层政务公开标准化", "", "各镇、街", _d(2021, 12, 31)),
        (8, "4", "二、紧扣强基础抓基层，深化政务公开", "4.加强政务公开专区建设", "区政务服务中心", "区直各有关部门",
         _d(2021, 9, 30)),
    ], notes=("各镇、街 is one name (the towns and streets) in the source's wording",)),
    # A county's assessment table: indicators merged over their items, points, and the office
    # that scores them (负责考核部门: not a unit the task belongs to).
    Shape("county_assessment_indicators", [
        ["2021年度全县政务公开工作考核指标", "<", "<", "<", "<"],
        ["考核指标", "考核内容", "评分标准", "分值", "负责考核部门"],
        ["组织领导", "明确分管领导和工作机构，配齐工作人员。", "未明确的扣2分。", 4, "县政府办"],
        ["^", "年内研究部署政务公开工作不少于1次。", "未研究部署的扣2分。", 2, "县政府办"],
        ["政策解读", "政策文件与解读材料同步公开。", "每缺1件扣1分，扣完为止。", 6, "县政府办"],
        ["平台建设", "政府网站和政务新媒体规范运行，内容及时更新。", "发现问题1处扣0.5分。", 8, "县政务服务中心"],
    ], [
        (3, None, None, "明确分管领导和工作机构，配齐工作人员。", "", "", None),
        (4, None, None, "年内研究部署政务公开工作不少于1次。", "", "", None),
        (5, None, None, "政策文件与解读材料同步公开。", "", "", None),
        (6, None, None, "政府网站和政务新媒体规范运行，内容及时更新。", "", "", None),
    ]),
    # A provincial department's plan: 目标任务 / 工作措施 / 责任领导 / 责任单位 / 完成时间节点,
    # unit names broken across lines inside the cell.
    Shape("province_wrapped_units", [
        ["2019年政务公开重点工作责任分工", "<", "<", "<", "<", "<"],
        ["序号", "目标任务", "工作措施", "责任领导", "责任单位", "完成时间节点"],
        [1, "推进食品安全信息公开", "公开抽检结果和不合格产品核查处置情况。", "分管副厅长", "省食品药品\n监管局", "每月10日前"],
        [2, "推进医疗卫生信息公开", "公开医疗机构执业信息和收费标准。", "分管副厅长", "省卫生健康\n委员会、省医疗\n保障局",
         "2019年6月底前完成，长期坚持"],
        [3, "推进国有企业信息公开", "公开国有企业改革和经营业绩考核情况。", "分管副厅长", "省国资委", "2019年12月底前"],
        [4, "推进环境信息公开", "公开重点排污单位名录和环境执法信息。", "分管副厅长", "省生态环境厅、\n省自然资源厅",
         "春节前"],
    ], [
        (3, "1", None, "推进食品安全信息公开", "", "省食品药品监管局", None),
        (4, "2", None, "推进医疗卫生信息公开", "", "省卫生健康委员会、省医疗保障局", _d(2019, 6, 30)),
        (5, "3", None, "推进国有企业信息公开", "", "省国资委", _d(2019, 12, 31)),
        (6, "4", None, "推进环境信息公开", "", "省生态环境厅、省自然资源厅", _d(2019, 2, 4)),
    ]),
    # A city office's list with 承办单位 / 协办单位 / 进度安排.
    Shape("city_host_and_assist", [
        ["2020年政务公开工作任务清单", "<", "<", "<", "<"],
        ["序号", "主要内容", "承办单位", "协办单位", "进度安排"],
        [1, "完善政府信息公开指南和目录", "市政府办", "市直各部门", "2020年3月～6月底"],
        [2, "做好重要节日期间的价格信息公开", "市发改委", "市市场监管局", "中秋节前"],
        [3, "公开年度财政预决算", "市财政局", None, "次年1月底前"],
        [4, "公开重大行政决策事项目录", "市司法局", "市政府办、市直各部门", "2020年国庆前"],
    ], [
        (3, "1", None, "完善政府信息公开指南和目录", "市政府办", "市直各部门", _d(2020, 6, 30)),
        (4, "2", None, "做好重要节日期间的价格信息公开", "市发改委", "市市场监管局", _d(2020, 9, 30)),
        (5, "3", None, "公开年度财政预决算", "市财政局", "", _d(2021, 1, 31)),
        (6, "4", None, "公开重大行政决策事项目录", "市司法局", "市政府办、市直各部门", _d(2020, 9, 30)),
    ]),
    # A county's plan pasted from Word: section rows, no 序号 and unnumbered tasks, blank unit
    # cells meaning "same as above" within a section, and the first task of a section with
    # its own blank lead cell (the unit above it belongs to another section).
    Shape("county_unnumbered_sections", [
        ["2020年全县政务公开工作任务分工", "<", "<", "<"],
        ["工作任务", "牵头单位", "配合单位", "完成时限"],
        ["一、推进决策公开", "<", "<", "<"],
        ["公开重大行政决策事项目录", "县司法局", "县政府办", "2020年6月底前"],
        ["决策草案向社会公开征求意见", None, None, "持续推进"],
        ["二、推进政务服务公开", "<", "<", "<"],
        ["公开政务服务事项办事指南", None, "各乡镇人民政府", "2020年9月底前"],
        ["公开“好差评”结果", "县政务服务中心", None, "每季度末"],
    ], [
        (4, None, "一、推进决策公开", "公开重大行政决策事项目录", "县司法局", "县政府办", _d(2020, 6, 30)),
        (5, None, "一、推进决策公开", "决策草案向社会公开征求意见", "县司法局", "县政府办", None),
        (7, None, "二、推进政务服务公开", "公开政务服务事项办事指南", "", "各乡镇人民政府", _d(2020, 9, 30)),
        (8, None, "二、推进政务服务公开", "公开“好差评”结果", "县政务服务中心", "各乡镇人民政府", None),
    ]),
    # A town's division of tasks: no year in the title, no deadline column, a deadline in the
    # task text; 配合部门.
    Shape("town_no_year_deadline_in_text", [
        ["镇政务公开重点工作任务分工", "<", "<", "<"],
        ["序号", "工作任务", "牵头单位", "配合部门"],
        [1, "于6月30日前成立镇政务公开工作领导小组。", "党政办", "各村（社区）"],
        [2, "年底前完成镇政务公开专区建设。", "便民服务中心", "党政办"],
        [3, "及时公开惠农补贴发放情况。", "农业服务中心", "财政所"],
    ], [
        (3, "1", None, "于6月30日前成立镇政务公开工作领导小组。", "党政办", "各村（社区）", _d(2021, 6, 30)),
        (4, "2", None, "年底前完成镇政务公开专区建设。", "便民服务中心", "党政办", _d(2021, 12, 31)),
        (5, "3", None, "及时公开惠农补贴发放情况。", "农业服务中心", "财政所", None),
    ], year=2021),
]
