"""督办 (Supervision) and the applicant's answer to each item of a 补正 notice (Supplement.answers)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_decision_documents"),
        ("orgs", "0002_alter_department_credit_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="supplement",
            name="answers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='the applicant\'s answer to each item, by position: [{"text": …, "files": [material ids], "changed": bool}]',
            ),
        ),
        migrations.CreateModel(
            name="Supervision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issued_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("instruction", models.TextField(verbose_name="督办意见")),
                ("reply_within_days", models.PositiveSmallIntegerField(help_text="working days to answer in")),
                ("reply_due_on", models.DateField()),
                ("reply", models.TextField(blank=True)),
                ("replied_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="supervisions", to="cases.case"
                    ),
                ),
                (
                    "clerk",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervisions_received",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supervisions",
                        to="orgs.department",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "replied_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "督办",
                "ordering": ["issued_at", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("replied_at__isnull", True)),
                        fields=["department", "reply_due_on"],
                        name="supervision_open_department",
                    ),
                    models.Index(
                        condition=models.Q(("replied_at__isnull", True)),
                        fields=["clerk"],
                        name="supervision_open_clerk",
                    ),
                ],
            },
        ),
    ]
