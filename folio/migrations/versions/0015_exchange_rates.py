"""exchange rates and foreign-currency documents

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('exchange_rates',
    sa.Column('id', _ID, nullable=False),
    sa.Column('book_id', _ID, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('rate', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_exchange_rates_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('book_id', 'currency', 'date', name=op.f('uq_exchange_rates_book_id_currency_date'))
    )
    op.create_table('fx_revaluations',
    sa.Column('id', _ID, nullable=False),
    sa.Column('book_id', _ID, nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('entry_id', _ID, nullable=True),
    sa.Column('reversal_entry_id', _ID, nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_fx_revaluations_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_fx_revaluations_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['reversal_entry_id'], ['journal_entries.id'], name=op.f('fk_fx_revaluations_reversal_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fx_revaluations')),
    sa.UniqueConstraint('book_id', 'date', name=op.f('uq_fx_revaluations_book_id_date'))
    )
    with op.batch_alter_table('fx_revaluations', schema=None) as batch_op:
        batch_op.create_index('ix_fx_revaluations_book_id_entry_id', ['book_id', 'entry_id'], unique=False)

    for table in ('invoices', 'bills', 'bill_payments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('exchange_rate', folio.db.DecimalText(length=40), server_default='1', nullable=False))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exchange_rate', folio.db.DecimalText(length=40), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='payment', nullable=False))
        batch_op.add_column(sa.Column('void_entry_id', _ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payments_void_entry_id_journal_entries'), 'journal_entries', ['void_entry_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_void_entry_id_journal_entries'), type_='foreignkey')
        batch_op.drop_column('void_entry_id')
        batch_op.drop_column('kind')
        batch_op.drop_column('exchange_rate')
    for table in ('bill_payments', 'bills', 'invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('exchange_rate')

    with op.batch_alter_table('fx_revaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_fx_revaluations_book_id_entry_id')
    op.drop_table('fx_revaluations')
    op.drop_table('exchange_rates')
