"""复用已办结果 (免提交): a material the platform already holds for the applicant — the result of an
earlier approved case — is attached instead of asked for. Only the person's own results, only of
approved cases, matched by name or by certificate type, newest first; other sources plug in before it."""

from __future__ import annotations

import pytest

from tests.factories import CaseFactory, CitizenFactory, ServiceItemFactory
from tests.factories.cases import must_upload
from tongban.cases import material_sources
from tongban.cases.material_sources import Found, MaterialSource, find_material, find_materials, sources
from tongban.cases.models import MaterialOrigin
from tongban.cases.selectors import materials_needed

pytestmark = pytest.mark.django_db

LICENCE = "食品经营许可证"


def licence_item(**result):
    """An item whose approval gives the applicant a food licence."""
    return ServiceItemFactory(result={"name": LICENCE, "certificate_type": "food_licence", **result})


def item_asking(name: str, certificate_type: str = ""):
    """An item that asks for one material (by name, optionally with its certificate type)."""
    material = {"name": name, "required": True, "form": "electronic", "source": "applicant"}
    if certificate_type:
        material["certificate_type"] = certificate_type
    return ServiceItemFactory(materials=[material])


def material_of(item):
    return item.materials.get()


def test_an_approved_result_is_found_by_name_and_named_in_words():
    approved = CaseFactory(item=licence_item(), approved=True)
    asking = item_asking(LICENCE)
    found = find_material(material=material_of(asking), applicant=approved.applicant)
    assert found is not None and found.source == "previous_case"
    assert found.material_file.case == approved
    assert found.description == f"复用您已办结的办件 {approved.number} 的结果“{LICENCE}”"


def test_a_result_is_found_by_certificate_type_under_another_name():
    approved = CaseFactory(item=licence_item(), approved=True)
    asking = item_asking("食品经营许可证（正本）", certificate_type="food_licence")
    assert find_material(material=material_of(asking), applicant=approved.applicant) is not None


@pytest.mark.parametrize("state", ["refused", "accepted", "withdrawn"])
def test_no_result_of_a_case_not_approved(state):
    case = CaseFactory(item=licence_item(), **{state: True})
    assert find_material(material=material_of(item_asking(LICENCE)), applicant=case.applicant) is None


def test_never_another_persons_result():
    CaseFactory(item=licence_item(), approved=True)
    assert find_material(material=material_of(item_asking(LICENCE)), applicant=CitizenFactory()) is None


def test_the_newest_result_wins():
    first = CaseFactory(item=licence_item(), approved=True)
    second = CaseFactory(item=licence_item(), applicant=first.applicant, approved=True)
    material = material_of(item_asking(LICENCE))
    assert find_material(material=material, applicant=first.applicant).material_file.case == second
    many = find_materials(materials=[material], applicant=first.applicant)
    assert many[material.pk].material_file.case == second


def test_the_whole_list_is_answered_like_one_at_a_time():
    approved = CaseFactory(item=licence_item(), approved=True)
    asking = ServiceItemFactory(
        materials=[
            {"name": LICENCE, "required": True, "form": "electronic", "source": "applicant"},
            {"name": "营业执照", "required": True, "form": "electronic", "source": "applicant"},
        ]
    )
    materials = list(asking.materials.all())
    many = find_materials(materials=materials, applicant=approved.applicant)
    one_by_one = {
        m.pk: hit for m in materials if (hit := find_material(material=m, applicant=approved.applicant)) is not None
    }
    assert set(many) == set(one_by_one) == {materials[0].pk}
    assert find_materials(materials=[], applicant=approved.applicant) == {}


def test_the_applicant_is_not_asked_for_it_and_the_case_gets_it_attached():
    approved = CaseFactory(item=licence_item(), approved=True)
    asking = item_asking(LICENCE)
    needs = {n.name: n for n in materials_needed(item=asking, applicant=approved.applicant)}
    assert needs[LICENCE].reusable_file is not None and "复用" in needs[LICENCE].source
    assert must_upload(item=asking, applicant=approved.applicant) == []
    second = CaseFactory(item=asking, applicant=approved.applicant, uploads=[])
    reused = second.materials.get(material_name=LICENCE)
    assert reused.source == MaterialOrigin.REUSED and reused.source_case_id == approved.pk


def test_someone_without_the_result_must_upload_it():
    asking = item_asking(LICENCE)
    assert must_upload(item=asking, applicant=CitizenFactory()) == [LICENCE]


class Registry(MaterialSource):
    """A stand-in for a certificate registry (电子证照库) that holds every licence."""

    def find(self, *, material, applicant):
        if material.name == LICENCE:
            return Found(source="licence_registry", description="电子证照库已有", material_file=None)
        return None


def test_a_source_plugged_in_first_answers_before_previous_cases(monkeypatch):
    monkeypatch.setattr(sources, "_plugins", dict(sources._plugins))
    sources.register("licence_registry")(Registry)
    monkeypatch.setattr(material_sources, "ORDER", ["licence_registry", "previous_case"])
    approved = CaseFactory(item=licence_item(), approved=True)
    material = material_of(item_asking(LICENCE))
    assert find_material(material=material, applicant=approved.applicant).source == "licence_registry"
    other = material_of(item_asking("营业执照"))
    assert find_materials(materials=[material, other], applicant=approved.applicant)[material.pk].source == (
        "licence_registry"
    )
