"""Add the built-in synonyms that are new since 0003: changing jobs, refunds, staff, care, housing,
vehicles and business situations (never overwrites an administrator's edit). Same step as 0003."""

from importlib import import_module

from django.db import migrations

seed = import_module("tongban.search.migrations.0003_more_default_synonyms").seed


class Migration(migrations.Migration):
    dependencies = [("search", "0003_more_default_synonyms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
