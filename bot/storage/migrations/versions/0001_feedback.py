"""Patients' feedback on content.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=True),
        sa.Column("section", sa.String(200), nullable=True),
        sa.Column("rating", sa.String(20), nullable=True),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_patient", "feedback", ["patient"])
    op.create_index("ix_feedback_module_id", "feedback", ["module_id"])


def downgrade() -> None:
    op.drop_table("feedback")
