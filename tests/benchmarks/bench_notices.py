"""Notices in every format (issue #23): rows recovered against the .docx truth and time per
notice, over the fixtures in tests/fixtures/notices. Not part of the default test run.

    python tests/benchmarks/bench_notices.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "corpus"), str(TESTS / "fixtures" / "notices")]
from docx_builder import docx_from_workbook  # noqa: E402
from make_notices import HERE, sources  # noqa: E402
from shapes import SHAPES  # noqa: E402

from xltool.reader import read_ledger  # noqa: E402

YEARS = {s.name: s.year for s in SHAPES}


def rows(path: Path, name: str) -> list[dict]:
    return [{k: v for k, v in t.to_json().items() if k != "excel_row"}
            for table in read_ledger(path, year=YEARS.get(name)).tables for t in table.tasks]


def main() -> None:
    totals = {"docx": [0, 0.0], "doc": [0, 0.0], "pdf": [0, 0.0]}
    want_total = 0
    print(f"{'notice':<38} {'rows':>5} {'docx':>12} {'doc':>12} {'pdf':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, src in sources(Path(tmp)).items():
            files = {"docx": docx_from_workbook(src, Path(tmp) / f"{name}.docx", printed=True),
                     "doc": HERE / f"{name}.doc", "pdf": HERE / f"{name}.pdf"}
            want = rows(files["docx"], name)
            want_total += len(want)
            line = []
            for fmt, path in files.items():
                t0 = time.perf_counter()
                got = rows(path, name)
                took = time.perf_counter() - t0
                same = sum(a == b for a, b in zip(got, want, strict=False)) if len(got) == len(want) else 0
                totals[fmt][0] += same
                totals[fmt][1] += took
                line.append(f"{same:>3} {took:6.2f}s")
            print(f"{name:<38} {len(want):>5} " + " ".join(f"{x:>12}" for x in line))
    print(f"{'all':<38} {want_total:>5} " + " ".join(f"{f'{n} {t:6.2f}s':>12}" for n, t in totals.values()))


if __name__ == "__main__":
    main()
