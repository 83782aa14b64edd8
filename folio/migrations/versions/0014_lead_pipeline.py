"""lead pipeline

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leads',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('estimated_value', sa.BigInteger(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('lost_reason', sa.String(length=500), nullable=True),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('next_follow_up', sa.Date(), nullable=True),
    sa.Column('party_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('quotation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_leads_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_leads_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_leads_party_id_parties')),
    sa.ForeignKeyConstraint(['quotation_id'], ['quotations.id'], name=op.f('fk_leads_quotation_id_quotations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_book_id_stage', ['book_id', 'stage'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_book_id_stage')

    op.drop_table('leads')
