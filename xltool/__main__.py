"""The ``xltool`` command, and ``python -m xltool``: the process's entry point.

The cycle collector is off while the command is imported (xltool/process.py says why and
when it comes back).
"""

import gc

gc.disable()

from xltool.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
