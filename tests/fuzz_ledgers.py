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
import json
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


# XML-level mutations: what a broken or crafted writer changes, not random bytes
_CELL_TYPES = [b't="s"', b't="n"', b't="b"', b't="e"', b't="str"', b't="inlineStr"', b't="d"', b't="x"', b""]
_XML_OPS = [
    (rb't="[a-zA-Z]*"', lambda rnd: rnd.choice(_CELL_TYPES)),  # cell types
    (rb"<v>\d+</v>", lambda rnd: b"<v>%d</v>" % rnd.choice([0, -1, 2**31, 2**64, 10**30, rnd.randrange(1000)])),
    (rb'ref="[A-Z]+\d+:[A-Z]+\d+"', lambda rnd: rnd.choice(  # merges: reversed, huge, broken
        [b'ref="B5:A1"', b'ref="A1:XFD1048576"', b'ref="A1:A1"', b'ref="A1"', b'ref=":"', b'ref="ZZZZ9:A1"'])),
    (rb'r="[A-Z]+\d+"', lambda rnd: rnd.choice([b'r="A0"', b'r="XFD1"', b'r="A1"', b'r=""', b"", b'r="1A"'])),
    (rb"<(?:/)?(?:row|c|v|si|t|mergeCell|sheet)\b", lambda rnd: rnd.choice([b"<x", b"</", b"<row", b"<c"])),
    (rb'(?:count|uniqueCount|sheetId|s)="\d+"', lambda rnd: b'count="%d"' % rnd.choice([0, -5, 2**40])),
]


def _mutate_structure(xml: bytes, rnd: random.Random) -> bytes:
    """Replace a few matches of one XML-level pattern (cell types, shared-string indices,
    merges, references, tags, counts)."""
    import re

    pattern, repl = rnd.choice(_XML_OPS)
    hits = list(re.finditer(pattern, xml))
    if not hits:
        return xml
    for m in sorted(rnd.sample(hits, min(len(hits), rnd.randint(1, 5))), key=lambda m: -m.start()):
        xml = xml[:m.start()] + repl(rnd) + xml[m.end():]
    return xml


def _mutate_xml(xml: bytes, rnd: random.Random) -> bytes:
    op = rnd.choice(("flip", "truncate", "delete", "duplicate", "insert", "structure", "structure"))
    if not xml:
        return xml
    if op == "structure":
        return _mutate_structure(xml, rnd)
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
    """Check ``cases`` mutants in a batch; the figures a test asserts: statuses, unhandled
    errors, wall time, the peak memory of the workers, and whether any mutant changed."""
    import hashlib
    import resource

    sys.path.insert(0, str(HERE.parent))
    from xltool.batch import CheckOptions, check_paths

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_mutants(Path(tmp), cases, seed)
        before = [hashlib.sha256(p.read_bytes()).digest() for p in paths]
        t0 = time.perf_counter()
        report = check_paths([tmp], CheckOptions(as_of=dt.date(2020, 12, 31)), jobs=jobs)
        wall = time.perf_counter() - t0
        changed = [p.name for p, h in zip(paths, before, strict=True) if hashlib.sha256(p.read_bytes()).digest() != h]
    worker_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    statuses = {"ok": 0, "findings": 0, "error": 0}
    internal = []
    for f in report.files:
        statuses[f.status] += 1
        if f.error and ("内部错误" in f.error or "异常退出" in f.error):
            internal.append((f.file, f.error))
    return {"cases": len(report.files), "wall": wall, "statuses": statuses, "internal": internal,
            "changed": changed, "worker_rss_mb": worker_rss_mb}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="the figures as JSON (what the tests read)")
    a = ap.parse_args()
    res = run(a.cases, a.seed, a.jobs)
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
        sys.exit(0)
    print(f"{res['cases']} mutants in {res['wall']:.1f} s: {res['statuses']}; "
          f"unhandled: {len(res['internal'])}; peak worker RSS {res['worker_rss_mb']:.0f} MB")
    for f, e in res["internal"][:20]:
        print(" ", f, e)
    sys.exit(1 if res["internal"] else 0)
