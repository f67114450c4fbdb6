import hashlib

from django.db import migrations, models


def fill_checksums(apps, schema_editor):
    ProcessDefinition = apps.get_model("workflow", "ProcessDefinition")
    for definition in ProcessDefinition.objects.all():
        text = f"{definition.bpmn_xml}\x00{definition.dmn_xml}"
        definition.checksum = hashlib.sha256(text.encode()).hexdigest()
        definition.save(update_fields=["checksum"])


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="processdefinition",
            name="checksum",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="校验值"),
        ),
        migrations.RunPython(fill_checksums, migrations.RunPython.noop),
    ]
