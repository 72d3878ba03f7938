"""The life of an xltool process: when the cycle collector runs, and how the process ends.

One policy, for three moments:

* **Start-up** (``__main__``): importing the command makes tens of thousands of objects that
  live as long as the process (modules, classes, functions) and no garbage, so the collector
  is off while they are made; :func:`command_started` sets them aside (``gc.freeze``) and
  turns it back on.
* **A batch's results** (:func:`lasting`): thousands of small objects per hundred files that
  live until the command ends and hold no cycles; no collection walks them while they are
  made and, in the command's own process, none afterwards. A caller that imported the
  library (a notebook, the tests) gets its collector back as it was.
  A worker of the pool (:func:`worker_started`) makes and drops a few thousand objects per
  file, nearly all freed by reference counting: its collector runs seldom.
* **The end** (:func:`end`): when a command is done and its output flushed, the process ends
  without tearing the interpreter down module by module (the OS frees the memory), after
  the ``atexit`` handlers ran. Only when nothing else is alive: with another thread or a child
  process still running (a pool not yet shut down) it exits the normal way, which waits for
  them, so that no worker is left behind.

``bench_check.py --stages`` and the README give what each of these saves.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from contextlib import contextmanager

_OWN_PROCESS = False  # command_started() ran: this process is the xltool command's alone


def command_started() -> None:
    """Called once by the command's main(): what start-up made is kept out of collections."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    gc.freeze()
    gc.enable()


def worker_started() -> None:
    """Called in each worker of a batch's pool."""
    gc.set_threshold(20_000, 20, 20)
    gc.enable()  # (whatever the parent's collector was doing when it forked)


@contextmanager
def lasting():
    """Around the making of objects that live until the command ends and hold no cycles.
    (Files read in this process rather than in workers may leave a few cycles behind: a
    Word file some hundred small objects, kept until the command ends.)"""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _OWN_PROCESS:
            gc.freeze()
        if was:
            gc.enable()


def _alone() -> bool:
    """No other thread runs and no child process is alive."""
    if threading.active_count() > 1:
        return False
    mp = sys.modules.get("multiprocessing")
    return mp is None or not mp.active_children()


def end(code: int) -> None:
    """End the command's process with ``code`` once its output is flushed."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (xltool check --json | head): nothing more to write
        pass
    if not _alone():
        sys.exit(code)
    atexit._run_exitfuncs()
    os._exit(code)
