"""A month's round for 200 units against the previous month's: check, rollup with the 通报
draft, and remind (催办单 workbooks, then with their PDFs).

    python tests/benchmarks/bench_round.py

Each unit sends one 50-row ledger per round; between the rounds some tasks are completed,
some progress texts rewritten, and the rest left as they were (stale). Prints wall time and
peak RSS (median of 3 runs; the PDF run once) and the 通报's page count as LibreOffice lays
it out. Not part of the default test run.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
DATA = HERE / "_data" / "round200"
sys.path.insert(0, str(HERE))
from bench_check import measure, medians_of, xltool  # noqa: E402

UNITS, ROWS = 200, 50
AS_OF = "2020-11-20"
TASKS = ["编制政府信息公开工作年度报告并按时发布", "做好重大行政决策预公开和政策解读工作",
         "规范依申请公开办理流程，按期答复申请人", "推进基层政务公开标准化规范化建设",
         "及时更新政府信息公开指南和目录"]
DEADLINES = ["2020年6月底前", "2020年9月底前", "2020年11月30日前", "2020年12月底前", "持续推进", "2021年3月底前"]


def ledger(path: Path, unit: str, reported: str, rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["2020年政务公开重点工作任务分工落实台账"])
    ws.append([f"填报单位：{unit}", None, None, None, f"填报日期：{reported}"])
    ws.append(["序号", "工作任务", "牵头单位", "责任单位", "时限要求", "完成状态", "完成日期", "进展情况", "佐证材料"])
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def rounds() -> tuple[Path, Path]:
    old, new = DATA / "10月", DATA / "11月"
    if old.exists() and new.exists() and len(list(new.glob("*.xlsx"))) == UNITS:
        return old, new
    shutil.rmtree(DATA, ignore_errors=True)
    rnd = random.Random(7)
    for i in range(1, UNITS + 1):
        unit = f"县第{i}局"
        before, after = [], []
        for k in range(1, ROWS + 1):
            task = f"{rnd.choice(TASKS)}（第{k}项）"
            deadline = rnd.choice(DEADLINES)
            done_then = rnd.random() < 0.3
            done_now = done_then or rnd.random() < 0.2
            progress = f"{unit}第{k}项：已完成调研" if rnd.random() < 0.5 else "按计划推进"
            then = [k, task, "县政府办", unit, deadline, "已完成" if done_then else "推进中",
                    dt.date(2020, 9, 1) if done_then else None, progress, None]
            now = list(then)
            if done_now:
                now[5:7] = ["已完成", then[6] or dt.date(2020, 11, 10)]
            if rnd.random() < 0.5:
                now[7] = progress + "，11月已形成初稿"
            before.append(then)
            after.append(now)
        ledger(old / f"{unit}.xlsx", unit, "2020-10-31", before)
        ledger(new / f"{unit}.xlsx", unit, AS_OF, after)
    return old, new


def pages(docx: Path) -> int | None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if not program:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([program, f"-env:UserInstallation={Path(tmp, 'p').as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", tmp, str(docx)], capture_output=True, check=True, timeout=300)
        info = subprocess.run(["pdfinfo", str(Path(tmp) / f"{docx.stem}.pdf")], capture_output=True, text=True)
        return next(int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:"))


def main() -> None:
    print("generating two rounds (first run only) ...", file=sys.stderr)
    old, new = rounds()
    out = Path(tempfile.mkdtemp(prefix="xltool-round-"))
    cmds = {
        "check --previous --json": xltool("check", str(new), "--previous", str(old), "--as-of", AS_OF, "--json"),
        "rollup --previous -o 汇总.xlsx --notice 通报.docx": xltool(
            "rollup", str(new), "--previous", str(old), "--as-of", AS_OF, "-o", str(out / "汇总.xlsx"),
            "--notice", str(out / "通报.docx"), "--force"),
        "remind --previous --no-pdf": xltool("remind", str(new), "--previous", str(old), "--as-of", AS_OF,
                                             "-o", str(out / "催办"), "--no-pdf", "--force"),
    }
    print(f"{UNITS} units × {ROWS} rows, two rounds; median of 3 runs")
    for (name, _), runs in zip(cmds.items(), medians_of(list(cmds.values()), runs=3), strict=True):
        print(f"{name:<52} {runs.wall:7.2f} s {runs.rss:8.1f} MB  (exit {runs.rc})")
    if shutil.which("soffice") or shutil.which("libreoffice"):
        shutil.rmtree(out / "催办")
        wall, rss, rc = measure(xltool("remind", str(new), "--previous", str(old), "--as-of", AS_OF,
                                       "-o", str(out / "催办")), warm=False)
        made = len(list((out / "催办").glob("*.pdf")))
        print(f"{'remind --previous (with PDFs, one run)':<52} {wall:7.2f} s {rss:8.1f} MB  (exit {rc}; {made} PDFs)")
        print(f"通报.docx: {pages(out / '通报.docx')} pages (LibreOffice, A4)")
    shutil.rmtree(out)


if __name__ == "__main__":
    main()
