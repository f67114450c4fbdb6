"""办理结果文书: the PDF each decision produces (one per case)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_number_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=60, verbose_name="文书名称")),
                ("file", models.FileField(max_length=200, upload_to="cases/results/%Y/%m/")),
                ("size", models.PositiveIntegerField(default=0)),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decision_document",
                        to="cases.case",
                    ),
                ),
            ],
            options={
                "verbose_name": "办理结果文书",
            },
        ),
    ]
