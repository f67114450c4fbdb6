"""办件编号 look-up key: an index on the number in upper case without hyphens (progress look-up)."""

import django.db.models.functions.text
from django.db import migrations, models

import tongban.cases.models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_delivery"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.text.Upper(tongban.cases.models.WithoutHyphens("number")),
                name="case_number_key",
            ),
        ),
    ]
