"""create the knowledge base tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("published", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("accessed", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "url IS NULL OR url LIKE 'http://%' OR url LIKE 'https://%'", name=op.f("ck_source_url_http")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_slug"), ["slug"], unique=True)

    op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("developer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('model', 'hardware', 'organization', 'generic')", name=op.f("ck_subject_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
    )
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_subject_slug"), ["slug"], unique=True)

    op.create_table(
        "alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_alias_subject_id_subject"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias")),
    )
    with op.batch_alter_table("alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alias_key"), ["key"], unique=True)
        batch_op.create_index(batch_op.f("ix_alias_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claimant", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claimed_on", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scope IN ('final_training_run', 'total_programme', 'hardware_purchase', 'unspecified')",
            name=op.f("ck_claim_scope_known"),
        ),
        sa.CheckConstraint("status IN ('active', 'retracted', 'superseded')", name=op.f("ck_claim_status_known")),
        sa.CheckConstraint("high IS NULL OR high >= 0", name=op.f("ck_claim_high_non_negative")),
        sa.CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name=op.f("ck_claim_low_le_high")),
        sa.CheckConstraint("low IS NULL OR low >= 0", name=op.f("ck_claim_low_non_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_claim_version_positive")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_claim_source_id_source"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_claim_subject_id_subject"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_quantity"), ["quantity"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_slug"), ["slug"], unique=True)
        batch_op.create_index(batch_op.f("ix_claim_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_status"), ["status"], unique=False)
        batch_op.create_index("ix_claim_subject_quantity", ["subject_id", "quantity"], unique=False)

    op.create_table(
        "fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("qualifier", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("confidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rank", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "basis IN ('published', 'estimate', 'leak', 'rumour', 'measured')", name=op.f("ck_fact_basis_known")
        ),
        sa.CheckConstraint("confidence IN ('high', 'medium', 'low')", name=op.f("ck_fact_confidence_known")),
        sa.CheckConstraint("rank IN ('preferred', 'normal', 'deprecated')", name=op.f("ck_fact_rank_known")),
        sa.CheckConstraint("high IS NULL OR high >= 0", name=op.f("ck_fact_high_non_negative")),
        sa.CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name=op.f("ck_fact_low_le_high")),
        sa.CheckConstraint("low IS NULL OR low >= 0", name=op.f("ck_fact_low_non_negative")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_fact_source_id_source"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_fact_subject_id_subject"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact")),
    )
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fact_slug"), ["slug"], unique=True)
        batch_op.create_index(batch_op.f("ix_fact_source_id"), ["source_id"], unique=False)
        batch_op.create_index("ix_fact_subject_quantity", ["subject_id", "quantity"], unique=False)

    op.create_table(
        "assumption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("qualifier", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("stated", sa.Boolean(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("name <> 'mfu' OR (low > 0 AND high <= 1)", name=op.f("ck_assumption_mfu_in_unit_interval")),
        sa.CheckConstraint("high IS NULL OR high >= 0", name=op.f("ck_assumption_high_non_negative")),
        sa.CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name=op.f("ck_assumption_low_le_high")),
        sa.CheckConstraint("low IS NULL OR low >= 0", name=op.f("ck_assumption_low_non_negative")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_assumption_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_assumption_source_id_source"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assumption")),
    )
    with op.batch_alter_table("assumption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assumption_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assumption_slug"), ["slug"], unique=True)

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("factor", sa.Float(), nullable=True),
        sa.Column("p5", sa.Float(), nullable=True),
        sa.Column("p50", sa.Float(), nullable=True),
        sa.Column("p95", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("model_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_evaluation_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_claim_created", ["claim_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_claim_created")

    op.drop_table("evaluation")
    with op.batch_alter_table("assumption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assumption_slug"))
        batch_op.drop_index(batch_op.f("ix_assumption_claim_id"))

    op.drop_table("assumption")
    with op.batch_alter_table("fact", schema=None) as batch_op:
        batch_op.drop_index("ix_fact_subject_quantity")
        batch_op.drop_index(batch_op.f("ix_fact_source_id"))
        batch_op.drop_index(batch_op.f("ix_fact_slug"))

    op.drop_table("fact")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_subject_quantity")
        batch_op.drop_index(batch_op.f("ix_claim_status"))
        batch_op.drop_index(batch_op.f("ix_claim_source_id"))
        batch_op.drop_index(batch_op.f("ix_claim_slug"))
        batch_op.drop_index(batch_op.f("ix_claim_quantity"))

    op.drop_table("claim")
    with op.batch_alter_table("alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alias_subject_id"))
        batch_op.drop_index(batch_op.f("ix_alias_key"))

    op.drop_table("alias")
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_slug"))
        batch_op.drop_index(batch_op.f("ix_subject_kind"))

    op.drop_table("subject")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_slug"))
        batch_op.drop_index(batch_op.f("ix_source_kind"))

    op.drop_table("source")
