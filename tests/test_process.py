"""How the command's process ends (xltool/process.py): atexit handlers run, the exit code is
kept, and a thread or child still alive is waited for rather than cut off."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_end_runs_atexit_handlers_and_keeps_the_code():
    got = _run("import atexit; from xltool.process import end\n"
               "atexit.register(lambda: print('handler ran', flush=True))\n"
               "print('output', end=''); end(5)")
    assert got.returncode == 5
    assert got.stdout == "outputhandler ran\n"


def test_end_waits_for_a_thread_still_running():
    got = _run("import threading, time; from xltool.process import end\n"
               "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True))).start()\n"
               "end(4)")
    assert got.returncode == 4
    assert "thread done" in got.stdout


def test_end_waits_for_a_child_process(tmp_path):
    """The parent's exit is observed alone (no pipes): the child's late file is already there."""
    marker = tmp_path / "child-done"
    code = ("import multiprocessing as mp, pathlib, time; from xltool.process import end\n"
            f"def work(): time.sleep(0.5); pathlib.Path({str(marker)!r}).write_text('x')\n"
            "if __name__ == '__main__':\n"
            "    mp.get_context('fork').Process(target=work).start(); end(6)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.wait(timeout=60) == 6
    assert marker.exists()
