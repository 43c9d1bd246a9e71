"""memos: memo, approval steps, attachments, PDF, per-year numbering

Revision ID: 0006_memos
Revises: 0005_jobs
Create Date: 2026-11-29 08:14:29.030085
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types


revision: str = '0006_memos'
down_revision: str | None = '0005_jobs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('memo_number',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_memo_number'))
    )
    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('dialog_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('executor_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('approvers', sa.JSON(), nullable=False),
    sa.Column('with_general_director', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pdf_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('audit_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('b24_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('bitrix_task_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_memo_author_id_person')),
    sa.ForeignKeyConstraint(['executor_id'], ['person.id'], name=op.f('fk_memo_executor_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    sa.UniqueConstraint('dialog_key', name=op.f('uq_memo_dialog_key')),
    sa.UniqueConstraint('number', name=op.f('uq_memo_number'))
    )
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.create_index('ix_memo_author_status', ['author_id', 'status'], unique=False)
        batch_op.create_index('ix_memo_b24_state', ['b24_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_executor_id'), ['executor_id'], unique=False)

    op.create_table('memo_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('telegram_file_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('b24_file_id', sa.Integer(), nullable=True),
    sa.Column('added_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_memo_attachment_memo_id_memo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo_attachment'))
    )
    with op.batch_alter_table('memo_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_attachment_memo_id'), ['memo_id'], unique=False)

    op.create_table('memo_pdf',
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('audit_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('b24_file_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_memo_pdf_memo_id_memo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('memo_id', name=op.f('pk_memo_pdf'))
    )
    op.create_table('memo_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['person.id'], name=op.f('fk_memo_step_added_by_id_person')),
    sa.ForeignKeyConstraint(['approver_id'], ['person.id'], name=op.f('fk_memo_step_approver_id_person')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_memo_step_decided_by_id_person')),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_memo_step_memo_id_memo'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['person.id'], name=op.f('fk_memo_step_on_behalf_of_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo_step')),
    sa.UniqueConstraint('memo_id', 'key', name='uq_memo_step_memo_key')
    )
    with op.batch_alter_table('memo_step', schema=None) as batch_op:
        batch_op.create_index('ix_memo_step_approver_status', ['approver_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_step_memo_id'), ['memo_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('memo_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_step_memo_id'))
        batch_op.drop_index('ix_memo_step_approver_status')

    op.drop_table('memo_step')
    op.drop_table('memo_pdf')
    with op.batch_alter_table('memo_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_attachment_memo_id'))

    op.drop_table('memo_attachment')
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_executor_id'))
        batch_op.drop_index('ix_memo_b24_state')
        batch_op.drop_index('ix_memo_author_status')

    op.drop_table('memo')
    op.drop_table('memo_number')
