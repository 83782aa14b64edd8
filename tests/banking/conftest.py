from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.api.conftest import api  # noqa: F401  (the API tests' fixture)
from tests.web.conftest import page  # noqa: F401  (the page tests' fixture)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Read a sample statement from tests/banking/fixtures."""
    return lambda name: (FIXTURES / name).read_bytes()
