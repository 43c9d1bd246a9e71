"""daily jobs: job_run ledger; carried-over items; payment-date index for the cutoff

Revision ID: 0005_jobs
Revises: 0004_approvals
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types


revision: str = '0005_jobs'
down_revision: str | None = '0004_approvals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('offset_minutes', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('instance', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('started_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'business_date', 'offset_minutes', name='uq_job_run_job_date_offset')
    )
    with op.batch_alter_table('register_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carried_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_foreign_key(
            batch_op.f('fk_register_item_carried_from_item_id_register_item'),
            'register_item', ['carried_from_item_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_index(
            batch_op.f('ix_register_item_carried_from_item_id'), ['carried_from_item_id'], unique=False
        )
    with op.batch_alter_table('register', schema=None) as batch_op:
        batch_op.create_index('ix_register_payment_date_status', ['payment_date', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('register', schema=None) as batch_op:
        batch_op.drop_index('ix_register_payment_date_status')
    with op.batch_alter_table('register_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_item_carried_from_item_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_register_item_carried_from_item_id_register_item'), type_='foreignkey'
        )
        batch_op.drop_column('carried_count')
        batch_op.drop_column('carried_from_item_id')
    op.drop_table('job_run')
