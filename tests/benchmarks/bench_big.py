"""Big but honest ledgers (issue #22, point 7): time and peak RSS of the commands that
write a copy or read one large file.

    python tests/benchmarks/bench_big.py                 # 50,000 rows: annotate, fill, remerge; 400,000 rows: check, inspect
    python tests/benchmarks/bench_big.py --rows 20000    # another size for the copy writers

The ledger has the benchmark generator's two-row header and a unit and deadline cell merged
over every two rows, and every task is overdue at the base date, so ``--annotate`` marks
every row and its findings sheet has one line per row. Rows are streamed (openpyxl
write-only) and the merges put into the sheet XML afterwards: openpyxl's own merge_cells
would take longer than the commands measured. Not part of the default test run.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from bench_check import measure, xltool  # noqa: E402
from generate import PHRASES, UNITS  # noqa: E402

AS_OF = "2020-12-15"
HEADER = [["序号", "工作任务", "责任单位", None, "时限要求", "完成情况", None, "进展情况", "佐证材料"],
          [None, None, "牵头单位", "责任单位", None, "完成状态", "完成日期", None, None]]


def big_ledger(path: Path, rows: int) -> Path:
    """A one-sheet ledger of ``rows`` task rows, merged in pairs in the unit and deadline columns."""
    if path.exists():
        return path
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["2020年政务公开重点工作任务分工落实台账"])
    ws.append(["填报单位：县政府办"])
    for line in HEADER:
        ws.append(line)
    for i in range(rows):
        first = i % 2 == 0
        ws.append([i // 2 + 1, f"{i + 1}. {PHRASES[i % len(PHRASES)]}，{PHRASES[(i * 7) % len(PHRASES)]}。",
                   UNITS[(i // 2) % len(UNITS)] if first else None,
                   "、".join(UNITS[(i // 2 + k) % len(UNITS)] for k in range(3)) if first else None,
                   "2020年9月底前" if first else None, "推进中", None, "按计划推进", None])
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    merges = [f"{c}{r}:{c}{r + 1}" for r in range(5, 5 + rows - 1, 2) for c in "CDE"]
    merges += ["A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:G3", "H3:H4", "I3:I4"]
    xml = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</sheetData>", f'</sheetData><mergeCells count="{len(merges)}">{xml}</mergeCells>'
                              .encode(), data, count=1)
            zout.writestr(info, data)
    tmp.unlink()
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--huge", type=int, default=400_000)
    a = ap.parse_args()
    data = HERE / "_data"
    data.mkdir(exist_ok=True)
    big = big_ledger(data / f"big_{a.rows}.xlsx", a.rows)
    huge = big_ledger(data / f"big_{a.huge}.xlsx", a.huge)
    print(f"{'command':<52} {'wall':>8} {'peak RSS':>10} {'rc':>4}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            (f"check --annotate ({a.rows:,} rows, every row marked)",
             xltool("check", str(big), "--as-of", AS_OF, "--annotate", f"{tmp}/ann", "--json")),
            (f"check --report ({a.rows:,} rows)",
             xltool("check", str(big), "--as-of", AS_OF, "-o", f"{tmp}/r.xlsx", "--json")),
            (f"fill ({a.rows:,} rows)", xltool("fill", str(big), "-o", f"{tmp}/f.xlsx")),
            (f"fill --remerge ({a.rows:,} rows)", xltool("fill", f"{tmp}/f.xlsx", "--remerge", "-o", f"{tmp}/m.xlsx")),
            (f"check ({a.huge:,} rows)", xltool("check", str(huge), "--as-of", AS_OF, "--json")),
            (f"inspect ({a.huge:,} rows)", xltool("inspect", str(huge), "--as-of", AS_OF, "--json")),
        ]
        for name, cmd in runs:
            wall, rss, rc = measure(cmd, warm=False)
            print(f"{name:<52} {wall:>7.2f}s {rss:>8.0f}MB {rc:>4}")


if __name__ == "__main__":
    main()
