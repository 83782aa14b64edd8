"""personal finance: budgets, recurring transactions, savings goals

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('budgets',
    sa.Column('id', _id(), nullable=False),
    sa.Column('book_id', _id(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('account_id', _id(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('rollover', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_budgets_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_budgets_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets')),
    sa.UniqueConstraint('book_id', 'month', 'account_id', name=op.f('uq_budgets_book_id_month_account_id'))
    )
    op.create_table('recurring_transactions',
    sa.Column('id', _id(), nullable=False),
    sa.Column('book_id', _id(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('category_account_id', _id(), nullable=False),
    sa.Column('money_account_id', _id(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('anchor_day', sa.Integer(), nullable=False),
    sa.Column('next_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_entry_id', _id(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_recurring_transactions_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_account_id'], ['accounts.id'], name=op.f('fk_recurring_transactions_category_account_id_accounts')),
    sa.ForeignKeyConstraint(['last_entry_id'], ['journal_entries.id'], name=op.f('fk_recurring_transactions_last_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['money_account_id'], ['accounts.id'], name=op.f('fk_recurring_transactions_money_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_transactions'))
    )
    with op.batch_alter_table('recurring_transactions', schema=None) as batch_op:
        batch_op.create_index('ix_recurring_transactions_next', ['book_id', 'active', 'next_date'], unique=False)

    op.create_table('savings_goals',
    sa.Column('id', _id(), nullable=False),
    sa.Column('book_id', _id(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('target_amount', sa.BigInteger(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('account_id', _id(), nullable=True),
    sa.Column('contributed', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_savings_goals_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_savings_goals_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_savings_goals')),
    sa.UniqueConstraint('book_id', 'name', name=op.f('uq_savings_goals_book_id_name'))
    )


def downgrade() -> None:
    op.drop_table('savings_goals')
    with op.batch_alter_table('recurring_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_recurring_transactions_next')

    op.drop_table('recurring_transactions')
    op.drop_table('budgets')
