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


needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
