"""Record the order of every stored form's fields (`x-order`, see `tongban.catalog.form_order`).

Forward: each item's form and each bundle's own form (`extra["form"]`) gets `x-order`, the list of
its property names in the order stored. On SQLite that is the catalogue's order. On PostgreSQL the
order was already lost (`jsonb`) and cannot be read back from the database: the next import of the
catalogue file rewrites every item — the content hash is now canonical JSON, so no stored hash
matches — and records the file's order. Backward: `x-order` removed again (the fields in its order).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from tongban.catalog.form_order import (
    with_field_order,
    with_form_orders,
    without_field_order,
    without_form_orders,
)

BATCH = 500


def _rewrite(apps: Any, item_form: Any, bundle_extra: Any) -> None:
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    Bundle = apps.get_model("catalog", "Bundle")
    changed = []
    for item in ServiceItem.objects.exclude(form=None).only("pk", "form").iterator(chunk_size=BATCH):
        form = item_form(item.form)
        if form != item.form:
            item.form = form
            changed.append(item)
        if len(changed) >= BATCH:
            ServiceItem.objects.bulk_update(changed, ["form"])
            changed = []
    ServiceItem.objects.bulk_update(changed, ["form"])
    bundles = []
    for bundle in Bundle.objects.only("pk", "extra"):
        extra = bundle_extra(bundle.extra or {})
        if extra != bundle.extra:
            bundle.extra = extra
            bundles.append(bundle)
    Bundle.objects.bulk_update(bundles, ["extra"])


def record_order(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, with_field_order, with_form_orders)


def remove_order(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, without_field_order, without_form_orders)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(record_order, remove_order, elidable=True)]
