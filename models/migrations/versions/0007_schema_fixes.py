"""schema fixes: a partial index of carried copies; person.home_dc_id's foreign key on PostgreSQL

1. An upload's items are never copies, so the full index on
   register_item.carried_from_item_id held a NULL entry for every uploaded item: measured
   with callgrind on a 10,000-row insert, that entry was 12% of the insert's instructions.
   The partial index answers the same lookups (all ask for a given original, which implies
   NOT NULL) and costs an upload nothing.
2. 0001 declared person.home_dc_id's foreign key with use_alter inside create_table, which
   Alembic leaves out: SQLite got it inline, PostgreSQL never did
   (tests/integration/test_migrations.py compares the migrated schema with the models).

Revision ID: 0007_schema_fixes
Revises: 0006_memos
Create Date: 2026-11-29 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_schema_fixes'
down_revision: str | None = '0006_memos'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = 'ix_register_item_carried_from_item_id'
_CARRIED = sa.text('carried_from_item_id IS NOT NULL')
_HOME_DC = 'fk_person_home_dc_id_dealer_center'


def upgrade() -> None:
    op.drop_index(_INDEX, table_name='register_item')
    op.create_index(
        _INDEX, 'register_item', ['carried_from_item_id'], unique=False,
        sqlite_where=_CARRIED, postgresql_where=_CARRIED,
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_foreign_key(_HOME_DC, 'person', 'dealer_center', ['home_dc_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(_HOME_DC, 'person', type_='foreignkey')
    op.drop_index(_INDEX, table_name='register_item')
    op.create_index(_INDEX, 'register_item', ['carried_from_item_id'], unique=False)
