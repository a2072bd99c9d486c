"""issue-17: per-node index cursors; the outbox is no longer marked processed

Revision ID: 0009_index_node
Revises: 0008_stored_file
Create Date: 2026-12-04 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_index_node'
down_revision = '0008_stored_file'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('index_node',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('cursor', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_index_node'))
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_outbox_processed_at'))
        batch_op.drop_column('processed_at')


def downgrade():
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_index_outbox_processed_at'), ['processed_at'], unique=False)
    op.drop_table('index_node')
