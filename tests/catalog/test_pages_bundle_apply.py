import pytest
from django.test import Client

from tongban.demo import catalog


class _Quiet:
    def write(self, *args, **kwargs):
        pass


@pytest.mark.django_db
def test_online_bundle_offers_to_apply_and_offline_bundle_sends_to_the_window(demo):
    catalog.load(stdout=_Quiet())
    online = Client().get("/bundles/bundle-birth/").content.decode()
    assert "/bundles/bundle-birth/apply/" in online
    offline = Client().get("/bundles/bundle-death/").content.decode()
    assert "/bundles/bundle-death/apply/" not in offline and "综合窗口" in offline


@pytest.mark.django_db
def test_item_page_offers_to_apply_only_when_it_can_be_submitted_online(demo):
    from tongban.catalog.models import ServiceItem

    catalog.load(stdout=_Quiet())
    pre_review_only = ServiceItem.objects.filter(online_depth=2).first()
    assert pre_review_only is not None
    assert f"/apply/{pre_review_only.code}/" not in Client().get(f"/services/{pre_review_only.code}/").content.decode()
    online = ServiceItem.objects.filter(online_depth=4).first()
    assert f"/apply/{online.code}/" in Client().get(f"/services/{online.code}/").content.decode()
