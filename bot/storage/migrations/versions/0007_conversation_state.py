"""What the assistant last asked each patient, for the one router of short answers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_state",
        sa.Column("patient", sa.String(64), primary_key=True),
        sa.Column("awaiting", sa.String(40), nullable=True),
        sa.Column("turn", sa.String(40), nullable=False),
        sa.Column("note_shown", sa.String(40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_state")
