"""vendor credits: credit notes from vendors, applied to bills or refunded

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('vendor_credits',
    sa.Column('id', ID, nullable=False),
    sa.Column('book_id', ID, nullable=False),
    sa.Column('vendor_id', ID, nullable=False),
    sa.Column('vendor_reference', sa.String(length=100), nullable=False),
    sa.Column('bill_id', ID, nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('net_total', sa.BigInteger(), nullable=False),
    sa.Column('tax_total', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('amount_applied', sa.BigInteger(), nullable=False),
    sa.Column('amount_refunded', sa.BigInteger(), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('entry_id', ID, nullable=True),
    sa.Column('void_entry_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_vendor_credits_bill_id_bills')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_vendor_credits_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_vendor_credits_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['vendor_id'], ['parties.id'], name=op.f('fk_vendor_credits_vendor_id_parties')),
    sa.ForeignKeyConstraint(['void_entry_id'], ['journal_entries.id'], name=op.f('fk_vendor_credits_void_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_credits')),
    sa.UniqueConstraint('book_id', 'vendor_id', 'vendor_reference', name=op.f('uq_vendor_credits_book_id_vendor_id_vendor_reference'))
    )
    with op.batch_alter_table('vendor_credits', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_credits_book_id_status', ['book_id', 'status'], unique=False)

    op.create_table('vendor_credit_lines',
    sa.Column('id', ID, nullable=False),
    sa.Column('book_id', ID, nullable=False),
    sa.Column('credit_id', ID, nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('tax_code_id', ID, nullable=True),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_vendor_credit_lines_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_vendor_credit_lines_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credit_id'], ['vendor_credits.id'], name=op.f('fk_vendor_credit_lines_credit_id_vendor_credits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tax_code_id'], ['tax_codes.id'], name=op.f('fk_vendor_credit_lines_tax_code_id_tax_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_credit_lines'))
    )
    with op.batch_alter_table('vendor_credit_lines', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_credit_lines_book_id_credit_id', ['book_id', 'credit_id'], unique=False)

    op.create_table('vendor_credit_allocations',
    sa.Column('id', ID, nullable=False),
    sa.Column('book_id', ID, nullable=False),
    sa.Column('credit_id', ID, nullable=False),
    sa.Column('bill_id', ID, nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_vendor_credit_allocations_bill_id_bills')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_vendor_credit_allocations_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credit_id'], ['vendor_credits.id'], name=op.f('fk_vendor_credit_allocations_credit_id_vendor_credits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_credit_allocations'))
    )
    with op.batch_alter_table('vendor_credit_allocations', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_credit_allocations_book_id_bill_id', ['book_id', 'bill_id'], unique=False)
        batch_op.create_index('ix_vendor_credit_allocations_book_id_credit_id', ['book_id', 'credit_id'], unique=False)

    op.create_table('vendor_credit_refunds',
    sa.Column('id', ID, nullable=False),
    sa.Column('book_id', ID, nullable=False),
    sa.Column('credit_id', ID, nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('entry_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_vendor_credit_refunds_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_vendor_credit_refunds_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credit_id'], ['vendor_credits.id'], name=op.f('fk_vendor_credit_refunds_credit_id_vendor_credits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_vendor_credit_refunds_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_credit_refunds'))
    )
    with op.batch_alter_table('vendor_credit_refunds', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_credit_refunds_book_id_credit_id', ['book_id', 'credit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vendor_credit_refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_credit_refunds_book_id_credit_id')
    op.drop_table('vendor_credit_refunds')

    with op.batch_alter_table('vendor_credit_allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_credit_allocations_book_id_credit_id')
        batch_op.drop_index('ix_vendor_credit_allocations_book_id_bill_id')
    op.drop_table('vendor_credit_allocations')

    with op.batch_alter_table('vendor_credit_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_credit_lines_book_id_credit_id')
    op.drop_table('vendor_credit_lines')

    with op.batch_alter_table('vendor_credits', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_credits_book_id_status')
    op.drop_table('vendor_credits')
