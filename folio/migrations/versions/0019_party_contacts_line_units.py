"""contact people and default accounts of a party; a unit on invoice, quotation and bill lines

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-23 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
LINE_TABLES = ('invoice_lines', 'quotation_lines', 'bill_lines')


def upgrade() -> None:
    op.create_table('party_contacts',
    sa.Column('id', ID, nullable=False),
    sa.Column('book_id', ID, nullable=False),
    sa.Column('party_id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_party_contacts_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_party_contacts_party_id_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_contacts'))
    )
    with op.batch_alter_table('party_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_party_contacts_party_id', ['party_id'], unique=False)

    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('unit', sa.String(length=20), nullable=True))

    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_income_account_id', ID, nullable=True))
        batch_op.add_column(sa.Column('default_expense_account_id', ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parties_default_income_account_id_accounts'), 'accounts', ['default_income_account_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_parties_default_expense_account_id_accounts'), 'accounts', ['default_expense_account_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parties_default_expense_account_id_accounts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_parties_default_income_account_id_accounts'), type_='foreignkey')
        batch_op.drop_column('default_expense_account_id')
        batch_op.drop_column('default_income_account_id')

    for table in LINE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('unit')

    with op.batch_alter_table('party_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_party_contacts_party_id')
    op.drop_table('party_contacts')
