"""quotations and their public links; invoices.quotation_id

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 16:31:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quotations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('revision_of_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('prices_include_tax', sa.Boolean(), nullable=False),
    sa.Column('vat_rounding', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('terms', sa.String(length=2000), nullable=True),
    sa.Column('net_total', sa.BigInteger(), nullable=False),
    sa.Column('line_tax_total', sa.BigInteger(), nullable=False),
    sa.Column('tax_total', sa.BigInteger(), nullable=False),
    sa.Column('rounding', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.Column('client_name', sa.String(length=200), nullable=True),
    sa.Column('client_comment', sa.String(length=1000), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_quotations_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], name=op.f('fk_quotations_customer_id_parties')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_quotations_project_id_projects')),
    sa.ForeignKeyConstraint(['revision_of_id'], ['quotations.id'], name=op.f('fk_quotations_revision_of_id_quotations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotations')),
    sa.UniqueConstraint('book_id', 'number', 'revision', name=op.f('uq_quotations_book_id_number_revision')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_quotations_token_hash'))
    )
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.create_index('ix_quotations_book_id_customer_id', ['book_id', 'customer_id'], unique=False)
        batch_op.create_index('ix_quotations_book_id_status', ['book_id', 'status'], unique=False)

    op.create_table('quotation_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('quotation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('discount_percent', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('tax_code_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('tax_base', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_quotation_lines_account_id_accounts')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_quotation_lines_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['sales_items.id'], name=op.f('fk_quotation_lines_item_id_sales_items')),
    sa.ForeignKeyConstraint(['quotation_id'], ['quotations.id'], name=op.f('fk_quotation_lines_quotation_id_quotations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tax_code_id'], ['tax_codes.id'], name=op.f('fk_quotation_lines_tax_code_id_tax_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotation_lines'))
    )
    with op.batch_alter_table('quotation_lines', schema=None) as batch_op:
        batch_op.create_index('ix_quotation_lines_book_id_quotation_id', ['book_id', 'quotation_id'], unique=False)

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quotation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoices_quotation_id_quotations'), 'quotations', ['quotation_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoices_quotation_id_quotations'), type_='foreignkey')
        batch_op.drop_column('quotation_id')

    with op.batch_alter_table('quotation_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_quotation_lines_book_id_quotation_id')

    op.drop_table('quotation_lines')
    with op.batch_alter_table('quotations', schema=None) as batch_op:
        batch_op.drop_index('ix_quotations_book_id_status')
        batch_op.drop_index('ix_quotations_book_id_customer_id')

    op.drop_table('quotations')
