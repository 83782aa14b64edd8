"""bank lines matched to bills and to their payments

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db  # noqa: F401

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('bill_payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bank_lines_payment_id_payments'), 'payments', ['payment_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_bank_lines_bill_payment_id_bill_payments'), 'bill_payments', ['bill_payment_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_bank_lines_payment_id'), ['payment_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_bank_lines_bill_payment_id'), ['bill_payment_id'])


def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_bank_lines_bill_payment_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_bank_lines_payment_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_bank_lines_bill_payment_id_bill_payments'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_bank_lines_payment_id_payments'), type_='foreignkey')
        batch_op.drop_column('bill_payment_id')
        batch_op.drop_column('payment_id')
