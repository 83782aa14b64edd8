"""book profile, email outbox, recurring invoices and reminders

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import folio.db

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('book_bank_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('account_name', sa.String(length=200), nullable=False),
    sa.Column('account_number', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_book_bank_accounts_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_book_bank_accounts'))
    )
    with op.batch_alter_table('book_bank_accounts', schema=None) as batch_op:
        batch_op.create_index('ix_book_bank_accounts_book_id', ['book_id', 'position'], unique=False)

    op.create_table('book_profiles',
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.Column('tax_id', sa.String(length=22), nullable=True),
    sa.Column('logo_path', sa.String(length=300), nullable=True),
    sa.Column('logo_media_type', sa.String(length=40), nullable=True),
    sa.Column('invoice_footer', sa.String(length=2000), nullable=True),
    sa.Column('payment_terms_days', sa.Integer(), nullable=True),
    sa.Column('invoice_notes', sa.String(length=2000), nullable=True),
    sa.Column('reminders_enabled', sa.Boolean(), nullable=False),
    sa.Column('reminder_days', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_book_profiles_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('book_id', name=op.f('pk_book_profiles'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=True),
    sa.Column('object_id', sa.BigInteger(), nullable=True),
    sa.Column('to_addresses', sa.String(length=1000), nullable=False),
    sa.Column('cc_addresses', sa.String(length=1000), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_name', sa.String(length=200), nullable=True),
    sa.Column('attachment_type', sa.String(length=100), nullable=True),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=300), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_outbox_book_id_books'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_book_id_created_at', ['book_id', 'created_at'], unique=False)
        batch_op.create_index('ix_outbox_book_id_object', ['book_id', 'object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('recurring_invoices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('next_run', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('max_count', sa.Integer(), nullable=True),
    sa.Column('count_made', sa.Integer(), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=True),
    sa.Column('auto_issue', sa.Boolean(), nullable=False),
    sa.Column('auto_email', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('prices_include_tax', sa.Boolean(), nullable=False),
    sa.Column('withholding_code', sa.String(length=20), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_recurring_invoices_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['parties.id'], name=op.f('fk_recurring_invoices_customer_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_invoices'))
    )
    with op.batch_alter_table('recurring_invoices', schema=None) as batch_op:
        batch_op.create_index('ix_recurring_invoices_book_id', ['book_id'], unique=False)
        batch_op.create_index('ix_recurring_invoices_status_next_run', ['status', 'next_run'], unique=False)

    op.create_table('recurring_invoice_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('schedule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('quantity', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=True),
    sa.Column('discount_percent', folio.db.DecimalText(length=40), nullable=False),
    sa.Column('tax_code', sa.String(length=20), nullable=True),
    sa.Column('account', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_recurring_invoice_lines_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['sales_items.id'], name=op.f('fk_recurring_invoice_lines_item_id_sales_items')),
    sa.ForeignKeyConstraint(['schedule_id'], ['recurring_invoices.id'], name=op.f('fk_recurring_invoice_lines_schedule_id_recurring_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_invoice_lines'))
    )
    with op.batch_alter_table('recurring_invoice_lines', schema=None) as batch_op:
        batch_op.create_index('ix_recurring_invoice_lines_schedule_id', ['schedule_id'], unique=False)

    op.create_table('invoice_reminders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_invoice_reminders_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_reminders_invoice_id_invoices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_invoice_reminders_outbox_id_outbox'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_reminders')),
    sa.UniqueConstraint('invoice_id', 'stage', name=op.f('uq_invoice_reminders_invoice_id_stage'))
    )
    with op.batch_alter_table('invoice_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_reminders_book_id_invoice_id', ['book_id', 'invoice_id'], unique=False)

    op.create_table('recurring_invoice_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('schedule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period_date', sa.Date(), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_recurring_invoice_runs_book_id_books'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_recurring_invoice_runs_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['schedule_id'], ['recurring_invoices.id'], name=op.f('fk_recurring_invoice_runs_schedule_id_recurring_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_invoice_runs')),
    sa.UniqueConstraint('schedule_id', 'period_date', name=op.f('uq_recurring_invoice_runs_schedule_id_period_date'))
    )


def downgrade() -> None:
    op.drop_table('recurring_invoice_runs')
    with op.batch_alter_table('invoice_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_reminders_book_id_invoice_id')

    op.drop_table('invoice_reminders')
    with op.batch_alter_table('recurring_invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_recurring_invoice_lines_schedule_id')

    op.drop_table('recurring_invoice_lines')
    with op.batch_alter_table('recurring_invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_recurring_invoices_status_next_run')
        batch_op.drop_index('ix_recurring_invoices_book_id')

    op.drop_table('recurring_invoices')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt_at')
        batch_op.drop_index('ix_outbox_book_id_object')
        batch_op.drop_index('ix_outbox_book_id_created_at')

    op.drop_table('outbox')
    op.drop_table('book_profiles')
    with op.batch_alter_table('book_bank_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_book_bank_accounts_book_id')

    op.drop_table('book_bank_accounts')
