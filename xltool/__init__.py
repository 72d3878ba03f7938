"""xltool: read, check and roll up 政务公开 task ledgers (台账)."""

__version__ = "0.1.0"
