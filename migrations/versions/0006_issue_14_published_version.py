"""issue-14: a version is public only by an explicit act of publication

Revision ID: 0006_issue_14
Revises: 0005
Create Date: 2026-12-03 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_issue_14'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('minutes_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_minutes_version_published_by_id_user'), 'user', ['published_by_id'], ['id'])

    # Minutes already published showed their latest version to the public: that version
    # is the published one, as of the minutes' publication (or last change, if later).
    op.execute(
        """
        UPDATE minutes_version SET published_at = (
            SELECT COALESCE(m.updated_at, m.published_at) FROM minutes m
            WHERE m.id = minutes_version.minutes_id
        )
        WHERE number = (
            SELECT MAX(v.number) FROM minutes_version v
            WHERE v.minutes_id = minutes_version.minutes_id
        )
        AND minutes_id IN (
            SELECT id FROM minutes
            WHERE status IN ('provisional', 'final', 'withdrawn') AND published_at IS NOT NULL
        )
        """
    )


def downgrade():
    with op.batch_alter_table('minutes_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_version_published_by_id_user'), type_='foreignkey')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
