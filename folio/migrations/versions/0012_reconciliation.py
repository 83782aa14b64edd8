"""bank reconciliation and matching (placeholder: the reconciliation work fills it)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 15:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reconciliations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('money_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_date', sa.Date(), nullable=False),
    sa.Column('statement_balance', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('finished_by', sa.String(length=200), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_reconciliations_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['money_account_id'], ['money_accounts.id'], name=op.f('fk_reconciliations_money_account_id_money_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliations'))
    )
    with op.batch_alter_table('reconciliations', schema=None) as batch_op:
        batch_op.create_index('ix_reconciliations_account', ['book_id', 'money_account_id', 'statement_date'], unique=False)

    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reconciliation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bank_lines_reconciliation_id_reconciliations'), 'reconciliations', ['reconciliation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bank_lines_reconciliation_id_reconciliations'), type_='foreignkey')
        batch_op.drop_column('reconciliation_id')
        batch_op.drop_column('cleared')

    with op.batch_alter_table('reconciliations', schema=None) as batch_op:
        batch_op.drop_index('ix_reconciliations_account')

    op.drop_table('reconciliations')
