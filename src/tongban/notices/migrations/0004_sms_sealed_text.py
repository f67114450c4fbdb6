"""An SMS that carries a secret (a log-in code) keeps it encrypted, and only until delivered (issue 9, finding 10).

Log-in codes already in the outbox (in any language) are masked in place; they expired long ago,
and the masking cannot be undone (the reverse step leaves them masked).
"""

import re

from django.db import migrations

import tongban.core.fields

LOGIN_CODE_MESSAGE = re.compile(r"(登录验证码是|登錄驗證碼是|log-in code is)\s*(\d{6})")


def mask_old_login_codes(apps, schema_editor):
    OutgoingSms = apps.get_model("notices", "OutgoingSms")
    for sms in OutgoingSms.objects.filter(text__regex=r"\d{6}").only("pk", "text").iterator():
        masked = LOGIN_CODE_MESSAGE.sub(lambda m: f"{m.group(1)} ******", sms.text)
        if masked != sms.text:
            OutgoingSms.objects.filter(pk=sms.pk).update(text=masked)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_outbox_and_leaner_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingsms",
            name="sealed_text",
            field=tongban.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(mask_old_login_codes, migrations.RunPython.noop),
    ]
