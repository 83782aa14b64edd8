"""parties and tax codes: the customers and vendors of a book, and its tax rules

A tax code's taxable base is an exact fraction (base_numerator/base_denominator, 11/12 for
PPN "DPP nilai lain"); its rate is exact decimal text. Both tables lead with book_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:09:00.591837
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('parties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_customer', sa.Boolean(), nullable=False),
    sa.Column('is_vendor', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('tax_id', sa.String(length=22), nullable=True),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('default_currency', sa.String(length=3), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_parties_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('book_id', 'name', name=op.f('uq_parties_book_id_name'))
    )
    op.create_table('tax_codes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rate', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('base_numerator', sa.Integer(), nullable=False),
    sa.Column('base_denominator', sa.Integer(), nullable=False),
    sa.Column('rounding', sa.String(length=10), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tax_codes_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_tax_codes_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_codes')),
    sa.UniqueConstraint('book_id', 'code', name=op.f('uq_tax_codes_book_id_code'))
    )


def downgrade() -> None:
    op.drop_table('tax_codes')
    op.drop_table('parties')
