"""The code stays as pyproject's ruff settings say: imports sorted, no unused names, and no
function past the complexity (C901) or statement (PLR0915) limits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str] | None:
    if shutil.which("ruff"):
        return ["ruff"]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def test_ruff_finds_nothing():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    got = subprocess.run([*ruff, "check", "--no-cache", "--output-format", "concise", str(ROOT)],
                         capture_output=True, text=True, cwd=ROOT)
    assert got.returncode == 0, got.stdout + got.stderr


def test_a_long_function_is_caught(tmp_path):
    """The limits bite: a function of 60 statements fails the check."""
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed")
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    (tmp_path / "long.py").write_text(f"def f():\n{body}\n", encoding="utf-8")
    got = subprocess.run([*ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                          "--output-format", "concise", str(tmp_path / "long.py")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert got.returncode == 1 and "PLR0915" in got.stdout
