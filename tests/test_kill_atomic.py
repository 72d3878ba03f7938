"""Outputs are written whole or not at all: every writing command killed with SIGKILL at a
random moment leaves at its output path either nothing, the good file that was there, or a
complete new workbook, never a partial one. 5 runs per command by default, 200 with -m slow."""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
LEDGERS = ROOT / "examples" / "ledgers"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _commands(tmp: Path) -> dict[str, tuple[list[str], Path]]:
    one = next(iter(sorted(LEDGERS.glob("*.xlsx"))))
    x = [sys.executable, "-m", "xltool"]
    return {
        "report": ([*x, "check", str(LEDGERS), "--as-of", "2020-11-20", "-o", str(tmp / "结果.xlsx")], tmp / "结果.xlsx"),
        "summary": ([*x, "rollup", str(LEDGERS), "--as-of", "2020-11-20", "-o", str(tmp / "汇总.xlsx")],
                    tmp / "汇总.xlsx"),
        "annotate": ([*x, "check", str(one), "--as-of", "2020-11-20", "--annotate", str(tmp / "标注")],
                     tmp / "标注" / one.name),
        "fill": ([*x, "fill", str(one), "-o", str(tmp / "填充.xlsx")], tmp / "填充.xlsx"),
    }


def _whole(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                return False
        load_workbook(path).close()
        return True
    except Exception:
        return False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kill_runs(name: str, runs: int, tmp_path: Path) -> None:
    rng = random.Random(name)
    cmd, out = _commands(tmp_path)[name]
    subprocess.run([*cmd, "--force"], capture_output=True, timeout=120)  # how long a whole run takes
    good = tmp_path / "good.xlsx"
    shutil.copy(out, good)
    start = time.monotonic()
    subprocess.run([*cmd, "--force"], capture_output=True, timeout=120)
    whole_run = time.monotonic() - start
    outcomes = {"none": 0, "old": 0, "new": 0}
    for i in range(runs):
        keep_old = i % 2 == 0
        if keep_old:
            shutil.copy(good, out)
        elif out.exists():
            out.unlink()
        before = _digest(out) if keep_old else None
        proc = subprocess.Popen([*cmd, "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, whole_run * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if not out.exists():
            assert not keep_old, "the good file that was there is gone"
            outcomes["none"] += 1
        elif keep_old and _digest(out) == before:
            outcomes["old"] += 1
        else:
            assert _whole(out), f"{name}: a partial output after SIGKILL (run {i})"
            outcomes["new"] += 1
    assert sum(outcomes.values()) == runs


@pytest.mark.parametrize("name", ["report", "summary", "annotate", "fill"])
def test_a_killed_writer_leaves_no_partial_output(name, tmp_path):
    _kill_runs(name, 5, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["report", "summary", "annotate", "fill"])
def test_a_killed_writer_leaves_no_partial_output_at_length(name, tmp_path):
    _kill_runs(name, 200, tmp_path)
