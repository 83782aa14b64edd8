"""banking: money accounts, imported statements and their lines, categorisation rules

A bank line's fingerprint is unique per money account, so importing a file twice adds
nothing. Every table leads with book_id.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 15:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('money_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('account_number', sa.String(length=40), nullable=True),
    sa.Column('opening_balance', sa.BigInteger(), nullable=False),
    sa.Column('opening_date', sa.Date(), nullable=True),
    sa.Column('csv_mapping', sa.Text(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_money_accounts_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_money_accounts_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_accounts')),
    sa.UniqueConstraint('book_id', 'account_id', name=op.f('uq_money_accounts_book_id_account_id')),
    sa.UniqueConstraint('book_id', 'name', name=op.f('uq_money_accounts_book_id_name'))
    )
    op.create_table('bank_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('match', sa.String(length=12), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('amount_min', folio.db.DecimalText(length=40), nullable=True),
    sa.Column('amount_max', folio.db.DecimalText(length=40), nullable=True),
    sa.Column('direction', sa.String(length=3), nullable=True),
    sa.Column('money_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('party_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('tax_code_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('memo', sa.String(length=500), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('hit_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_bank_rules_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_bank_rules_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['money_account_id'], ['money_accounts.id'], name=op.f('fk_bank_rules_money_account_id_money_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_bank_rules_party_id_parties')),
    sa.ForeignKeyConstraint(['tax_code_id'], ['tax_codes.id'], name=op.f('fk_bank_rules_tax_code_id_tax_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_rules')),
    sa.UniqueConstraint('book_id', 'name', name=op.f('uq_bank_rules_book_id_name'))
    )
    with op.batch_alter_table('bank_rules', schema=None) as batch_op:
        batch_op.create_index('ix_bank_rules_priority', ['book_id', 'priority', 'id'], unique=False)

    op.create_table('bank_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('money_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('imported_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.Column('categorised_count', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('opening_balance', sa.BigInteger(), nullable=True),
    sa.Column('closing_balance', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_bank_statements_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['money_account_id'], ['money_accounts.id'], name=op.f('fk_bank_statements_money_account_id_money_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index('ix_bank_statements_account', ['book_id', 'money_account_id', 'id'], unique=False)

    op.create_table('bank_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('money_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('payee_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('party_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('tax_code_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('memo', sa.String(length=500), nullable=True),
    sa.Column('transfer_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_bank_lines_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_bank_lines_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_bank_lines_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['money_account_id'], ['money_accounts.id'], name=op.f('fk_bank_lines_money_account_id_money_accounts')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_bank_lines_party_id_parties')),
    sa.ForeignKeyConstraint(['rule_id'], ['bank_rules.id'], name=op.f('fk_bank_lines_rule_id_bank_rules'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_lines_statement_id_bank_statements')),
    sa.ForeignKeyConstraint(['tax_code_id'], ['tax_codes.id'], name=op.f('fk_bank_lines_tax_code_id_tax_codes')),
    sa.ForeignKeyConstraint(['transfer_line_id'], ['bank_lines.id'], name=op.f('fk_bank_lines_transfer_line_id_bank_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_lines')),
    sa.UniqueConstraint('book_id', 'money_account_id', 'fingerprint', name=op.f('uq_bank_lines_book_id_money_account_id_fingerprint'))
    )
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.create_index('ix_bank_lines_account_date', ['book_id', 'money_account_id', 'date', 'id'], unique=False)
        batch_op.create_index('ix_bank_lines_payee_key', ['book_id', 'payee_key'], unique=False)
        batch_op.create_index('ix_bank_lines_status', ['book_id', 'status', 'date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_lines_status')
        batch_op.drop_index('ix_bank_lines_payee_key')
        batch_op.drop_index('ix_bank_lines_account_date')

    op.drop_table('bank_lines')
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_statements_account')

    op.drop_table('bank_statements')
    with op.batch_alter_table('bank_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_rules_priority')

    op.drop_table('bank_rules')
    op.drop_table('money_accounts')
