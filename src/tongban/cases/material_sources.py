"""MaterialSource: where the platform finds a material the government already holds (免提交).

Interface for a source: subclass `MaterialSource`, implement `find(material=…, applicant=…)`
returning a `Found` (or None), and register it with `@sources.register("name")`. Sources are asked
in `ORDER`; the first that finds the material wins and the applicant is not asked for it.
The shipped source `previous_case` reuses the result of an earlier approved case of the same person
(the item's `result.name` equals the material name, or the certificate types are the same).
Electronic certificates (电子证照) and data sharing (数据共享) plug in here later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tongban.catalog.models import Material
from tongban.core.registry import Registry


@dataclass(frozen=True)
class Found:
    """A material the platform can attach itself: a description for the applicant and the file row."""

    source: str
    description: str
    material_file: Any  # MaterialFile | None


class MaterialSource:
    def find(self, *, material: Material, applicant: Any) -> Found | None:
        raise NotImplementedError

    def find_many(self, *, materials: list[Material], applicant: Any) -> dict[int, Found]:
        """Material pk → what was found; sources that can answer in one query override this."""
        found = {}
        for material in materials:
            hit = self.find(material=material, applicant=applicant)
            if hit is not None:
                found[material.pk] = hit
        return found


sources: Registry[MaterialSource] = Registry("material source")
ORDER: list[str] = ["previous_case"]


@sources.register("previous_case")
class PreviousCaseSource(MaterialSource):
    """复用已办结果: the result of an earlier approved case of the same person."""

    def find(self, *, material: Material, applicant: Any) -> Found | None:
        from tongban.cases.models import CaseStatus, MaterialFile, MaterialOrigin

        match = Q(material_name=material.name)
        if material.certificate_type:
            match |= Q(certificate_type=material.certificate_type)
        found = (
            MaterialFile.objects.filter(
                match,
                source=MaterialOrigin.RESULT,
                owner=applicant,
                case__status__in=(CaseStatus.APPROVED, CaseStatus.CONCLUDED),
                case__decision="approved",
            )
            .select_related("case")
            .order_by("-pk")
            .first()
        )
        if found is None or found.case is None:
            return None
        return self._found(found)

    @staticmethod
    def _found(file: Any) -> Found:
        return Found(
            source="previous_case",
            description=_("复用您已办结的办件 %(number)s 的结果“%(name)s”")
            % {"number": file.case.number, "name": file.material_name},
            material_file=file,
        )

    def find_many(self, *, materials: list[Material], applicant: Any) -> dict[int, Found]:
        """One query for the whole material list (partial index on result files), one more for the hits."""
        from tongban.cases.models import MaterialFile

        if not materials:
            return {}
        names = sorted({m.name for m in materials})
        types = sorted({m.certificate_type for m in materials if m.certificate_type})
        rows = _result_files_of(applicant.pk, names, types)
        if not rows:
            return {}
        winners: dict[int, int] = {}
        for material in materials:
            for pk, material_name, certificate_type in rows:
                if material_name == material.name or (
                    material.certificate_type and certificate_type == material.certificate_type
                ):
                    winners[material.pk] = pk
                    break
        files = MaterialFile.objects.select_related("case").in_bulk(set(winners.values()))
        found: dict[int, Found] = {}
        for material_pk, pk in winners.items():
            file = files.get(pk)
            if file is not None and file.case is not None:
                found[material_pk] = self._found(file)
        return found


def _result_files_of(owner_id: int, names: list[str], types: list[str]) -> list[tuple[int, str, str]]:
    """(pk, material name, certificate type) of the owner's result files from approved cases, newest first.

    One plain query (it runs on every submission, and most people have no result files yet, so the
    ORM's compile step would cost more than the query): the partial index `materialfile_owner_result`
    narrows it to the owner's result files.
    """
    from django.db import connection

    from tongban.cases.models import Case, CaseStatus, MaterialFile, MaterialOrigin

    quote = connection.ops.quote_name
    files, cases = quote(MaterialFile._meta.db_table), quote(Case._meta.db_table)
    match = f"f.material_name IN ({', '.join(['%s'] * len(names))})"
    if types:
        match = f"({match} OR f.certificate_type IN ({', '.join(['%s'] * len(types))}))"
    sql = (
        f"SELECT f.id, f.material_name, f.certificate_type FROM {files} f JOIN {cases} c ON c.id = f.case_id "  # noqa: S608
        f"WHERE f.source = %s AND f.owner_id = %s AND {match} AND c.status IN (%s, %s) AND c.decision = %s "
        "ORDER BY f.id DESC"
    )
    params: list[str | int] = [MaterialOrigin.RESULT.value, owner_id, *names, *types]
    params += [CaseStatus.APPROVED.value, CaseStatus.CONCLUDED.value, "approved"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), str(name), str(kind or "")) for pk, name, kind in cursor.fetchall()]


def find_materials(*, materials: list[Material], applicant: Any) -> dict[int, Found]:
    """`find_material` for a whole list: material pk → the first source's find (one query a source)."""
    found: dict[int, Found] = {}
    for name in ORDER:
        missing = [m for m in materials if m.pk not in found]
        if not missing:
            break
        found.update(sources.get(name).find_many(materials=missing, applicant=applicant))
    return found


def find_material(*, material: Material, applicant: Any) -> Found | None:
    for name in ORDER:
        found = sources.get(name).find(material=material, applicant=applicant)
        if found is not None:
            return found
    return None
