"""Reading a file in a child process that may die: an abort, a runaway allocation or a hang in
a parser costs that file only.

The guard (grid/guard.py) refuses what it can see before any parser allocates; this is the
fence behind it for what it cannot (a parser's own bugs, forms nobody has thought of). The child
gets an address-space limit (what the process already maps plus ``Limits.max_memory_mb``) and
``Limits.max_seconds``; the parent reads its answer through a pipe.

Where there is no fork (Windows) the call runs in this process, unfenced: the guard still
applies.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from .errors import LimitExceeded, UnreadableFile
from .grid.guard import Limits

CAN_FORK = hasattr(os, "fork") and sys.platform != "darwin"  # (macOS: fork after some imports aborts)


class ChildDied(UnreadableFile):
    """The child process reading the file ended without an answer (killed, aborted, out of
    memory): the file, not xltool, is at fault, as far as anyone can tell."""


def fence(limits: Limits) -> None:
    """Limit this process (a child or a pool worker) as ``limits`` say: address space and, for
    a worker's task, a wall-time alarm set by the caller."""
    try:
        import resource
    except ImportError:  # Windows: no address-space limit to set
        return

    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    cap = mapped + limits.max_memory_mb * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or cap < soft:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def quiet() -> None:
    """A reading process says nothing on the terminal: what a parser prints as it fails (a
    Rust panic's message, a traceback dumped on abort) is not for the user, who reads the
    one Chinese line the parent writes."""
    import faulthandler

    faulthandler.disable()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _child(func: Callable, args: tuple, limits: Limits, w: int) -> None:
    """In the child: run, send (ok, value) or (False, exception) pickled, and end at once."""
    try:
        quiet()
        fence(limits)
        signal.alarm(max(1, int(limits.max_seconds)))
        try:
            answer = (True, func(*args))
        except BaseException as e:  # noqa: BLE001 (everything goes back to the parent)
            answer = (False, e)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # an answer that cannot cross: say so rather than die silently
            data = pickle.dumps((False, UnreadableFile("", f"内部错误（{type(e).__name__}）")))
        with os.fdopen(w, "wb") as fh:
            fh.write(data)
    finally:
        os._exit(0)


def _read_answer(pid: int, r: int, label: str, limits: Limits) -> bytes:
    """Everything the child writes, or raise when it takes longer than the limit."""
    deadline = time.monotonic() + limits.max_seconds + 5  # (the child's alarm comes first)
    chunks = []
    with os.fdopen(r, "rb") as fh:
        fd = fh.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise LimitExceeded(label, f"读取超过 {limits.max_seconds:g} 秒仍未完成，已停止（可能是异常构造的文件）")
            data = os.read(fd, 1 << 20)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def call(func: Callable[..., Any], *args, limits: Limits, label: str) -> Any:
    """``func(*args)`` in a fenced child process; its exception is raised here. A child that
    dies or overruns raises ChildDied or LimitExceeded naming ``label``."""
    if not CAN_FORK:
        return func(*args)
    for stream in (sys.stdout, sys.stderr):  # (what is buffered must not be written twice)
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        _child(func, args, limits, w)
    os.close(w)
    data = _read_answer(pid, r, label, limits)
    _, status = os.waitpid(pid, 0)
    if not data:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
            raise LimitExceeded(label, f"读取超过 {limits.max_seconds:g} 秒仍未完成，已停止（可能是异常构造的文件）")
        raise ChildDied(label, _death(status, limits))
    ok, value = pickle.loads(data)
    if ok:
        return value
    if isinstance(value, MemoryError):
        raise LimitExceeded(label, f"读取此文件所需内存超过 {limits.max_memory_mb} MB 上限，已停止") from None
    raise value


def _death(status: int, limits: Limits) -> str:
    """Why a child ended without an answer, in Chinese."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
            return f"读取此文件时进程异常退出（内存超过 {limits.max_memory_mb} MB 上限或文件已损坏）"
        if sig == signal.SIGKILL:
            return "读取此文件的进程被系统终止（多为内存不足）"
    return "读取此文件时进程异常退出（文件可能已损坏）"
