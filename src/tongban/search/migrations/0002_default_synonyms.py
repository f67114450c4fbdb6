"""Seed the synonym table with the built-in colloquial phrases (reversible: removes untouched defaults)."""

from django.db import migrations


def seed(apps, schema_editor):
    from tongban.search.defaults import DEFAULT_SYNONYMS

    SearchSynonym = apps.get_model("search", "SearchSynonym")
    existing = set(SearchSynonym.objects.values_list("phrase", flat=True))
    SearchSynonym.objects.bulk_create(
        [SearchSynonym(phrase=p, expansion=e) for p, e in DEFAULT_SYNONYMS.items() if p not in existing]
    )


def unseed(apps, schema_editor):
    from tongban.search.defaults import DEFAULT_SYNONYMS

    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for phrase, expansion in DEFAULT_SYNONYMS.items():
        SearchSynonym.objects.filter(phrase=phrase, expansion=expansion, updated_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
