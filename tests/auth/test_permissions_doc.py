"""docs/permissions.md shows the matrix in folio/auth/roles.py."""

from __future__ import annotations

from pathlib import Path

from folio.auth.roles import PERMISSIONS, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def _table() -> dict[str, set[Role]]:
    rows = [line.strip().strip("|").split("|") for line in DOC.read_text("utf-8").splitlines()
            if line.startswith("|")]
    header = [cell.strip() for cell in rows[0]]
    assert header == ["Action", *(role.value for role in Role)]
    return {cells[0].strip().strip("`"): {Role(header[i]) for i, cell in enumerate(cells)
                                          if i and cell.strip() == "yes"}
            for cells in rows[2:]}


def test_the_documented_matrix_is_the_one_in_the_code() -> None:
    assert _table() == {action: set(roles) for action, roles in PERMISSIONS.items()}
    assert list(_table()) == list(PERMISSIONS)
