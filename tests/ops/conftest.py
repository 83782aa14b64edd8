"""Fixtures for the operations tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from folio.settings import Settings
from tests.ops.backup_fixtures import backup_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose DATA_DIR (and so BACKUP_DIR) is this test's temp directory."""
    return backup_settings(tmp_path)
