"""Add the built-in synonyms that are new since 0003: changing jobs, refunds, staff, care, housing,
vehicles and business situations (never overwrites an administrator's edit)."""

from django.db import migrations


def seed(apps, schema_editor):
    from tongban.search.defaults import DEFAULT_SYNONYMS

    SearchSynonym = apps.get_model("search", "SearchSynonym")
    existing = set(SearchSynonym.objects.values_list("phrase", flat=True))
    SearchSynonym.objects.bulk_create(
        [SearchSynonym(phrase=p, expansion=e) for p, e in DEFAULT_SYNONYMS.items() if p not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_more_default_synonyms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
