"""issue-21: each utterance is labelled speech or procedural, and existing turns are labelled

Revision ID: 0013_ranking
Revises: 0012_members
Create Date: 2026-12-04 13:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_ranking"
down_revision = '0012_members'
branch_labels = None
depends_on = None

#: Turns read and relabelled at a time, so a council's whole history never sits in memory.
BATCH = 2000


def upgrade():
    with op.batch_alter_table("utterance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("speech", "procedural", name="utterancekind", native_enum=False, length=20),
                server_default="speech",
                nullable=False,
            )
        )
    label_existing_turns(op.get_bind())


def label_existing_turns(connection):
    """Label the turns stored before this revision with the rules parsing applies now."""
    # Imported here: the rules are pure, and the migration needs them only for this step.
    from council_app.minutes.procedure import is_procedural

    utterance = sa.table(
        "utterance",
        sa.column("id", sa.Integer),
        sa.column("speaker", sa.String),
        sa.column("title", sa.String),
        sa.column("text", sa.Text),
        sa.column("kind", sa.String),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(utterance.c.id, utterance.c.speaker, utterance.c.title, utterance.c.text)
            .where(utterance.c.id > last)
            .order_by(utterance.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        procedural = [row.id for row in rows if is_procedural(row.speaker, row.title, row.text)]
        if procedural:
            connection.execute(
                utterance.update().where(utterance.c.id.in_(procedural)).values(kind="procedural")
            )


def downgrade():
    with op.batch_alter_table("utterance", schema=None) as batch_op:
        batch_op.drop_column("kind")
