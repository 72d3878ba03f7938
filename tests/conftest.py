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


def pytest_collection_modifyitems(config, items):
    if soffice() is None:
        skip = pytest.mark.skip(reason="LibreOffice (soffice) not installed")
        for item in items:
            if "libreoffice" in item.keywords:
                item.add_marker(skip)
