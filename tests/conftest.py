import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def seed(name: str) -> Path:
    return next(SEEDS.glob(f"seed_{name}_*.xlsx"))


@pytest.fixture
def seed_path():
    return seed


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# A test that runs LibreOffice is marked so (pytest -m "not libreoffice" leaves them out) and
# skips where it is not installed; .ci/run installs it, so CI always runs them.
needs_libreoffice = pytest.mark.libreoffice


def soffice_convert(sources, to: str, outdir: Path) -> Path:
    """``sources`` converted by LibreOffice headless to ``to`` in ``outdir`` (returned), one
    run with a throw-away profile beside it (a LibreOffice the tester has open is not touched)."""
    import subprocess

    profile = outdir.parent / f"{outdir.name}-profile"
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to,
                    "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=180)
    return outdir


def has_writer() -> bool:
    """Whether the LibreOffice installed has Writer (Debian splits it from Calc)."""
    program = soffice()
    if program is None:
        return False
    folder = Path(os.path.realpath(program)).parent
    return any(folder.glob("*swlo*")) or any(folder.glob("*sw*.dll"))


def pytest_collection_modifyitems(config, items):
    missing = {"libreoffice": soffice() is None, "libreoffice_writer": not has_writer()}
    for mark, absent in missing.items():
        if absent:
            skip = pytest.mark.skip(reason=f"{mark} not installed")
            for item in items:
                if mark in item.keywords:
                    item.add_marker(skip)
