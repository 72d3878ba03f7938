"""The ``xltool`` command, and ``python -m xltool``: the process's entry point.

Start-up makes tens of thousands of objects that live as long as the process (modules,
classes, functions) and no garbage: the cycle collector is off while they are made (it
walked them some thirty times, 5–7 ms of every command), and ``cli.main`` sets them
aside before turning it back on.
"""

import gc

gc.disable()

from xltool.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
