"""issue-20: created/updated timestamps on the council's structure, order of business and referrals; SHA-512 of stored files

Revision ID: 0011_oparl
Revises: 0010_alerts
Create Date: 2026-12-04 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_oparl'
down_revision = '0010_alerts'
branch_labels = None
depends_on = None

TABLES = ('council', 'term', 'body', 'member', 'membership', 'referral', 'agenda_entry')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        # Rows from before have no history: they count as made when the column arrived.
        op.execute(sa.text(
            f'UPDATE {table} SET created_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP'
        ))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True), nullable=False)
            batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    # OParl's sha512Checksum, kept from now on (older files: `flask data checksums`).
    for table in ('minutes_file', 'attachment'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sha512', sa.String(length=128), nullable=True))


def downgrade():
    for table in ('attachment', 'minutes_file'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('sha512')
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
            batch_op.drop_column('created_at')
