"""xltool: read, check and roll up 政务公开 task ledgers (台账).

For analysts: ``xltool.read(path)``, ``xltool.check(paths, ...)``, ``xltool.rollup(paths, ...)``
(see xltool/api.py); each result has ``records()`` and ``to_frame()``. They are imported on
first use, so that the command's start-up stays light.
"""

__version__ = "0.1.0"
__all__ = ["read", "check", "rollup", "__version__"]


def __getattr__(name: str):
    if name in ("read", "check", "rollup"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'xltool' has no attribute {name!r}")
