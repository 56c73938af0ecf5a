"""The SME registry moves to the ``smes`` app: procurement forgets its models, keeps the tables.

State only: the tables (``procurement_sme`` and the rest) stay where they are with their
rows, now owned by ``smes`` (its ``0001_initial``); challenges, questions and proposals
point at the same rows through the same columns.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0007_amendment_notice_and_proposal_confirmation"),
        ("smes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="challenge",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="challenges",
                        to="smes.sector",
                        verbose_name="sectors",
                    ),
                ),
                migrations.AlterField(
                    model_name="clarification",
                    name="sme",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="smes.sme",
                    ),
                ),
                migrations.AlterField(
                    model_name="proposal",
                    name="sme",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposals",
                        to="smes.sme",
                    ),
                ),
                migrations.DeleteModel(name="SMEDocument"),
                migrations.DeleteModel(name="SMEInvitation"),
                migrations.DeleteModel(name="SMEMembership"),
                migrations.DeleteModel(name="SME"),
                migrations.DeleteModel(name="Sector"),
            ],
            database_operations=[],
        ),
    ]
