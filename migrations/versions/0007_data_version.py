"""data version: one row counting changes to public data, for the page caches

Revision ID: 0007
Revises: 0006_issue_14
Create Date: 2026-12-04 00:00:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006_issue_14'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    # The one row, with an epoch of its own: caches never mistake it for another database's.
    op.bulk_insert(table, [{
        'id': 1, 'counter': 0, 'epoch': secrets.token_hex(8),
        'changed_at': datetime.now(timezone.utc),
    }])


def downgrade():
    op.drop_table('data_version')
