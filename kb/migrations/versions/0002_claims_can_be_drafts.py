"""claims can be drafts (fact-check findings awaiting review) or rejected drafts

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD = "status IN ('active', 'retracted', 'superseded')"
NEW = "status IN ('active', 'retracted', 'superseded', 'draft', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_claim_status_known"), NEW)


def downgrade() -> None:
    # the old schema knows neither: keep the rows, as retracted, saying what they were
    op.execute(
        "UPDATE claim SET status_reason = status || ': ' || COALESCE(status_reason, ''), status = 'retracted' "
        "WHERE status IN ('draft', 'rejected')"
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_claim_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_claim_status_known"), OLD)
