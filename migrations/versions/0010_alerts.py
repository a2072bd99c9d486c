"""issue-19: mail alerts (subscriptions); video start and turn times for video at the moment

Revision ID: 0010_alerts
Revises: 0009_index_node
Create Date: 2026-12-04 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_alerts'
down_revision = '0009_index_node'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscription')),
    sa.UniqueConstraint('token', name=op.f('uq_alert_subscription_token'))
    )
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_subscription_email'), ['email'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_start', sa.Time(), nullable=True))
    with op.batch_alter_table('utterance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_time', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('video_offset', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('utterance', schema=None) as batch_op:
        batch_op.drop_column('video_offset')
        batch_op.drop_column('clock_time')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('video_start')
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscription_email'))
    op.drop_table('alert_subscription')
