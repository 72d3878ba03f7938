"""A reader that aborts, runs out of memory or hangs costs its file only (xltool/isolate.py):
the command goes on, and the user reads one Chinese line naming the file."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace

import pytest
from ledgers import make_ledger
from typer.testing import CliRunner

from xltool.cli import app
from xltool.errors import LimitExceeded, UnreadableFile
from xltool.grid import DEFAULT_LIMITS, read_book
from xltool.isolate import CAN_FORK, ChildDied, call

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="the fence needs fork (Linux)")
runner = CliRunner()
ROWS = [[1, "任务甲", "县政府办", None, "2020年底前", "推进中"]]


def _abort():
    os.abort()


def _hog():
    return bytearray(3 * 2**30)  # three gigabytes, past the default fence of one


def test_an_abort_is_the_files_failure_not_ours():
    with pytest.raises(ChildDied, match="台账.xlsx：读取此文件时进程异常退出"):
        call(_abort, limits=DEFAULT_LIMITS, label="台账.xlsx")


def test_memory_past_the_fence_is_refused_with_the_limit_named():
    with pytest.raises(LimitExceeded, match="内存超过 1024 MB 上限"):
        call(_hog, limits=DEFAULT_LIMITS, label="台账.xlsx")


def test_a_hang_is_stopped_at_the_time_limit():
    t = time.monotonic()
    with pytest.raises(LimitExceeded, match="读取超过 1 秒"):
        call(time.sleep, 60, limits=replace(DEFAULT_LIMITS, max_seconds=1), label="台账.xlsx")
    assert time.monotonic() - t < 10


def test_answers_and_errors_cross_back_whole(tmp_path):
    p = make_ledger(tmp_path / "台账.xlsx", ROWS)
    book = read_book(p)
    assert any("任务甲" in row for row in book.sheets[0].rows)
    with pytest.raises(UnreadableFile) as e:
        read_book(tmp_path / "无.xlsx", label="无.xlsx")
    assert (e.value.path, e.value.reason) == ("无.xlsx", "文件不存在")


@pytest.fixture
def aborting_reader(monkeypatch):
    """calamine aborts on the file named 坏.xlsx (the child inherits the patch through fork)."""
    from xltool.grid import calamine_reader

    real = calamine_reader.read_grids

    def read_grids(source, label, *a, **k):
        if "坏" in label:
            os.abort()
        return real(source, label, *a, **k)

    monkeypatch.setattr(calamine_reader, "read_grids", read_grids)


def test_every_command_survives_a_reader_that_aborts(tmp_path, aborting_reader):
    good = make_ledger(tmp_path / "台账" / "县政府办.xlsx", ROWS)
    bad = make_ledger(tmp_path / "台账" / "坏.xlsx", ROWS)
    res = runner.invoke(app, ["inspect", str(bad)])
    assert res.exit_code == 2 and "坏.xlsx：读取此文件时进程异常退出" in res.stderr
    for jobs in ("1", "2"):
        res = runner.invoke(app, ["check", str(tmp_path / "台账"), "--as-of", "2020-11-20", "--json", "-j", jobs])
        files = {os.path.basename(f["file"]): f["status"] for f in json.loads(res.stdout)["files"]}
        assert res.exit_code == 2 and files == {"县政府办.xlsx": "ok", "坏.xlsx": "error"}
    res = runner.invoke(app, ["rollup", str(tmp_path / "台账"), "--as-of", "2020-11-20", "--json"])
    doc = json.loads(res.stdout)
    assert [u["unit"] for u in doc["units"]] == ["县政府办"]
    assert any("坏.xlsx" in u["file"] for u in doc["unreadable"])
    res = runner.invoke(app, ["fill", str(bad), "-o", str(tmp_path / "填充.xlsx")])
    assert res.exit_code == 2 and "异常退出" in res.stderr and not (tmp_path / "填充.xlsx").exists()
    assert read_book(good).sheets  # the test process itself is fine
