from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Read a sample statement from tests/banking/fixtures."""
    return lambda name: (FIXTURES / name).read_bytes()
