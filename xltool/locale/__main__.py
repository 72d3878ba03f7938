"""python -m xltool.locale: recompile the Chinese catalogue after editing messages.po."""

from . import compile_catalogue

print(compile_catalogue())
