"""API tokens expire and die with a password change (issue 9, finding 5).

Tokens issued before this migration never expired and carry no password stamp: they get an expiry of
now and an empty stamp, so each of them stops working at once and must be issued again.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
    ]
