"""Lesson progress, teach-back answers and unmet requests.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("section", sa.Integer, nullable=False),
        sa.Column("part", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("question", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("patient", "module_id", name="uq_lesson_progress_patient_module"),
    )
    op.create_index("ix_lesson_progress_patient", "lesson_progress", ["patient"])
    op.create_index("ix_lesson_progress_module_id", "lesson_progress", ["module_id"])
    op.create_table(
        "teach_back_answer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("question_index", sa.Integer, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("chosen", sa.Text, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_teach_back_answer_patient", "teach_back_answer", ["patient"])
    op.create_index("ix_teach_back_answer_module_id", "teach_back_answer", ["module_id"])
    op.create_table(
        "unmet_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_unmet_request_kind", "unmet_request", ["kind"])


def downgrade() -> None:
    op.drop_table("unmet_request")
    op.drop_table("teach_back_answer")
    op.drop_table("lesson_progress")
