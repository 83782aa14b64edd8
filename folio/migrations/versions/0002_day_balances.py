"""day balances: per-account, per-day sums beside the monthly ones

Reports read whole months from account_balances and the days of a partial month from
account_day_balances, so none of them sums postings. The index of journal_lines on
(book_id, date) only served those partial-month sums and goes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:36:44.411705
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('account_day_balances',
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('closing', sa.Boolean(), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('postings', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_day_balances_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_account_day_balances_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('book_id', 'day', 'account_id', 'closing', name=op.f('pk_account_day_balances'))
    )
    with op.batch_alter_table('account_day_balances', schema=None) as batch_op:
        batch_op.create_index('ix_account_day_balances_account', ['book_id', 'account_id', 'day'], unique=False)

    # The days of the postings already in the books, as the ledger would have kept them.
    op.execute("""
        INSERT INTO account_day_balances
            (book_id, day, account_id, closing, debit, credit, amount, postings)
        SELECT l.book_id, l.date, l.account_id, e.kind = 'closing',
               SUM(CASE WHEN l.base_amount > 0 THEN l.base_amount ELSE 0 END),
               SUM(CASE WHEN l.base_amount < 0 THEN -l.base_amount ELSE 0 END),
               SUM(l.amount), COUNT(*)
        FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE l.posted
        GROUP BY l.book_id, l.date, l.account_id, e.kind = 'closing'
    """)

    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_lines_book_date'))


def downgrade() -> None:
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_lines_book_date'), ['book_id', 'date'], unique=False)

    with op.batch_alter_table('account_day_balances', schema=None) as batch_op:
        batch_op.drop_index('ix_account_day_balances_account')

    op.drop_table('account_day_balances')
