"""issue-18: attendance per member, read from each minutes version's closing lists

Revision ID: 0012_members
Revises: 0011_oparl
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_members'
down_revision = '0011_oparl'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'leave', 'absent', 'guest', 'unlisted', name='attendancestatus', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_attendance_member_id_member')),
    sa.ForeignKeyConstraint(['version_id'], ['minutes_version.id'], name=op.f('fk_attendance_version_id_minutes_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('version_id', 'member_id', name=op.f('uq_attendance_version_id_member_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_version_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_member_id'))
    op.drop_table('attendance')
