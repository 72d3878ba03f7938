"""Mutation fuzzing of valid ledgers: bytes flipped inside the zip, and inside the XML parts
(decompressed, mutated, recompressed). Every mutant must be checked without an unhandled
exception: a result (ok/findings) or one clear error line.

    python tests/fuzz_ledgers.py --cases 5000 [--seed 1]     # the long run

The test suite runs a fixed small number of cases (tests/test_hostile.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = sorted((HERE / "fixtures" / "seeds").glob("*.xlsx")) + sorted((HERE.parent / "examples" / "ledgers").glob("*.xlsx"))


def _flip_bytes(data: bytes, rnd: random.Random, n: int) -> bytes:
    b = bytearray(data)
    for _ in range(n):
        i = rnd.randrange(len(b))
        b[i] = rnd.randrange(256)
    return bytes(b)


def _mutate_xml(xml: bytes, rnd: random.Random) -> bytes:
    op = rnd.choice(("flip", "truncate", "delete", "duplicate", "insert"))
    if not xml:
        return xml
    i = rnd.randrange(len(xml))
    j = min(len(xml), i + rnd.randint(1, 200))
    if op == "flip":
        return _flip_bytes(xml, rnd, rnd.randint(1, 8))
    if op == "truncate":
        return xml[:i]
    if op == "delete":
        return xml[:i] + xml[j:]
    if op == "duplicate":
        return xml[:j] + xml[i:j] + xml[j:]
    junk = rnd.choice([b"<", b">", b"&", b'"', b"<c r=\"ZZZ9999999\">", b"\x00", b"<!DOCTYPE x>", "中".encode()])
    return xml[:i] + junk + xml[i:]


def mutant(src: bytes, rnd: random.Random) -> bytes:
    if rnd.random() < 0.35:
        return _flip_bytes(src, rnd, rnd.randint(1, 20))
    zin = zipfile.ZipFile(io.BytesIO(src))
    names = [n for n in zin.namelist() if n.endswith((".xml", ".rels"))]
    victim = rnd.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info)
            z.writestr(info, _mutate_xml(data, rnd) if info.filename == victim else data)
    return out.getvalue()


def make_mutants(folder: Path, cases: int, seed: int = 1) -> list[Path]:
    rnd = random.Random(seed)
    sources = [p.read_bytes() for p in SOURCES]
    out = []
    for i in range(cases):
        p = folder / f"mutant_{i:05d}.xlsx"
        p.write_bytes(mutant(rnd.choice(sources), rnd))
        out.append(p)
    return out


def run(cases: int, seed: int = 1, jobs: int = 2) -> dict:
    sys.path.insert(0, str(HERE.parent))
    from xltool.batch import CheckOptions, check_paths

    with tempfile.TemporaryDirectory() as tmp:
        make_mutants(Path(tmp), cases, seed)
        t0 = time.perf_counter()
        report = check_paths([tmp], CheckOptions(as_of=dt.date(2020, 12, 31)), jobs=jobs)
        wall = time.perf_counter() - t0
    statuses = {"ok": 0, "findings": 0, "error": 0}
    internal = []
    for f in report.files:
        statuses[f.status] += 1
        if f.error and ("内部错误" in f.error or "异常退出" in f.error):
            internal.append((f.file, f.error))
    return {"cases": len(report.files), "wall": wall, "statuses": statuses, "internal": internal}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    res = run(a.cases, a.seed, a.jobs)
    print(f"{res['cases']} mutants in {res['wall']:.1f} s: {res['statuses']}; "
          f"unhandled: {len(res['internal'])}")
    for f, e in res["internal"][:20]:
        print(" ", f, e)
    sys.exit(1 if res["internal"] else 0)
