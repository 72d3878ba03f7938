"""Realistic ledgers for benchmarks: long Chinese task texts, a two-row header, vertically
merged unit and deadline cells, shared strings (as Excel writes them), a few defects.

    python tests/benchmarks/generate.py OUT_DIR --files 500 --rows 50
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

UNITS = ["县政府办", "县发改委", "县财政局", "县教体局", "县卫健委", "县司法局", "县住建局", "县交通局",
         "县农业农村局", "县生态环境分局", "县市监局", "县应急局", "县人社局", "县民政局", "各乡镇人民政府",
         "县经济开发区管委会"]
DEADLINES = ["2020年底前", "2020年9月底前", "2020年10月底前", "持续推进", "6月底前/全年", "全年", "2020年11月底前"]
STATUS = ["已完成", "推进中", "进行中", "未启动"]
PHRASES = ["全面梳理本机关依法行使的行政权力和依法承担的公共服务职责", "更新完善权责清单并按要求公开",
           "加强政策解读和舆情回应", "提升规范性文件公开质量", "列明文号、成文日期、发布时间、有效性等信息",
           "建设政府信息公开平台", "法定主动公开内容全部公开到位", "完善政府网站在线互动功能",
           "确保在收到留言咨询之日起3个工作日内完成回复", "推进基层政务公开标准化规范化"]
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def ledger(path: Path, rows: int, seed: int) -> None:
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "2020年政务公开重点工作任务分工落实台账"
    ws.merge_cells("A1:I1")
    ws["A2"] = f"填报单位：{rnd.choice(UNITS)}"
    top = ["序号", "工作任务", "责任单位", None, "时限要求", "完成情况", None, "进展情况", "佐证材料"]
    sub = [None, None, "牵头单位", "责任单位", None, "完成状态", "完成日期", None, None]
    for c, (a, b) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(3, c, a).font = Font(bold=True)
        ws.cell(4, c, b).font = Font(bold=True)
    for rng in ("A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:G3", "H3:H4", "I3:I4"):
        ws.merge_cells(rng)
    r = 5
    seq = 0
    while r < 5 + rows:
        seq += 1
        span = min(rnd.choice([1, 1, 2, 3]), 5 + rows - r)
        lead = rnd.choice(UNITS)
        resp = "、".join(rnd.sample(UNITS, rnd.randint(1, 4)))
        deadline = rnd.choice(DEADLINES)
        for k in range(span):
            text = "，".join(rnd.sample(PHRASES, rnd.randint(2, 5))) + "。"
            status = rnd.choice(STATUS)
            ws.cell(r + k, 1, seq)
            ws.cell(r + k, 2, f"{seq}.{k + 1} {text}")
            ws.cell(r + k, 6, status if rnd.random() > 0.02 else "基本完成")  # a few defects
            if status == "已完成":
                ws.cell(r + k, 7, f"2020-{rnd.randint(6, 12)}-{rnd.randint(1, 28)}")
                ws.cell(r + k, 9, "佐证材料.pdf" if rnd.random() > 0.1 else None)
            ws.cell(r + k, 8, "按计划推进，已完成阶段性目标" if rnd.random() > 0.3 else None)
            for c in range(1, 10):
                ws.cell(r + k, c).border = BORDER
                ws.cell(r + k, c).alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(r, 3, lead)
        ws.cell(r, 4, resp if rnd.random() > 0.02 else resp + "局")
        ws.cell(r, 5, deadline)
        if span > 1:
            for c in (1, 3, 4, 5):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + span - 1, end_column=c)
        r += span
    wb.save(path)


def excel_like(paths: list[Path]) -> None:
    """Re-save through LibreOffice, which writes a shared-string table as Excel does
    (openpyxl writes inline strings). Skipped where LibreOffice is missing."""
    import shutil as sh
    import subprocess
    import tempfile

    office = sh.which("soffice") or sh.which("libreoffice")
    if not office or not paths:
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([office, "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                        "--outdir", tmp, *map(str, paths)], capture_output=True, timeout=600, check=False)
        for p in paths:
            q = Path(tmp) / p.name
            if q.exists():
                sh.move(str(q), p)


def generate(out: Path, files: int, rows: int, distinct: int = 25) -> list[Path]:
    """``files`` ledgers; ``distinct`` of them generated, the rest copies under other names
    (reading cost is per file, so copies measure the same work and generate 20× faster)."""
    out.mkdir(parents=True, exist_ok=True)
    made, fresh = [], []
    for i in range(min(distinct, files)):
        p = out / f"ledger_{rows}_{i:04d}.xlsx"
        if not p.exists():
            ledger(p, rows, seed=i * 7919 + rows)
            fresh.append(p)
        made.append(p)
    excel_like(fresh)
    for i in range(len(made), files):
        p = out / f"ledger_{rows}_{i:04d}.xlsx"
        if not p.exists():
            shutil.copyfile(made[i % len(made)], p)
    return sorted(out.glob(f"ledger_{rows}_*.xlsx"))[:files]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rows", type=int, default=50)
    a = ap.parse_args()
    print(len(generate(a.out, a.files, a.rows)), "files in", a.out)
