"""Staff's verdict on a hand-off ticket's safety call: not an emergency, or a missed emergency.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handoff_ticket", sa.Column("safety_review", sa.String(20), nullable=True))
    op.add_column("handoff_ticket", sa.Column("safety_review_by", sa.String(64), nullable=True))
    op.add_column("handoff_ticket", sa.Column("safety_review_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff_ticket") as batch:
        batch.drop_column("safety_review_at")
        batch.drop_column("safety_review_by")
        batch.drop_column("safety_review")
