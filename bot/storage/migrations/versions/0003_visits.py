"""Appointments, checklist ticks, question lists, reminders and print links.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False, index=True),
        sa.Column("appointment_type", sa.String(50), nullable=False),
        sa.Column("checklist_id", sa.String(100), nullable=True),
        sa.Column("day", sa.Date, nullable=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "checklist_tick",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "appointment_id",
            sa.Integer,
            sa.ForeignKey("appointment.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("item", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("appointment_id", "item", name="uq_checklist_tick_item"),
    )
    op.create_table(
        "question_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False, index=True),
        sa.Column(
            "appointment_id",
            sa.Integer,
            sa.ForeignKey("appointment.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("conversation", sa.Text, nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "print_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient", sa.String(64), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("print_link")
    op.drop_table("reminder")
    op.drop_table("question_item")
    op.drop_table("checklist_tick")
    op.drop_table("appointment")
