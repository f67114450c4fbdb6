"""Catalogue entries, written by the catalogue import (`import_catalogue`) from one line each.

The import is how items reach the platform, so a factory item has what an imported one has: its
content hash, its materials in order, its change-log row for the search index. Traits:

- `instant` — 即办件 (0 committed days), decided by a clerk on the spot;
- `decided_by_rules` — 即办 by the shipped DMN rules (秒批), no clerk;
- `parallel` — 并联审批 by the item's department and a second one;
- `suspended` — 暂停办理;
- `window_only` — not online (depth 2), one visit, with its reason;
- `with_materials` — two materials the applicant uploads (one required) and one the government holds;
- `fee` — charged, with amount and basis.
"""

from __future__ import annotations

import io
import json
from typing import Any

import factory

from tests.factories.orgs import DepartmentFactory
from tongban.catalog.models import Bundle, ServiceItem, Theme
from tongban.catalog.services import import_catalogue
from tongban.workflow.services import ensure_builtin_processes

SIMPLE_FORM: dict[str, Any] = {
    "type": "object",
    "title": "申请表",
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称", "maxLength": 30},
        "area": {"type": "number", "title": "经营面积（平方米）", "minimum": 1},
    },
}
MATERIALS: list[dict[str, Any]] = [
    {"name": "营业执照", "required": True, "form": "electronic", "source": "applicant"},
    {"name": "健康证明", "required": False, "form": "electronic", "source": "applicant"},
    {
        "name": "居民身份证",
        "required": True,
        "form": "original",
        "source": "government",
        "certificate_type": "resident_id",
    },
]


def import_lines(*lines: dict[str, Any]) -> None:
    """Import catalogue lines (tongban-catalogue/1) through the catalogue service; fail loudly."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written and not report.errors, [str(p) for p in report.errors]


def _code_of(value: Any) -> Any:
    return value.code if hasattr(value, "code") else value


class _LineFactory(factory.Factory):
    """Builds a line dict; `create` imports it and returns the row."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return cls.line(kwargs)

    @classmethod
    def line(cls, fields: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


class ThemeFactory(_LineFactory):
    """主题 ("我要…")."""

    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"测试主题{n}")
    audience = "person"
    phrase = factory.Sequence(lambda n: f"我要办测试{n}")

    @classmethod
    def line(cls, fields: dict[str, Any]) -> dict[str, Any]:
        return {"type": "theme", **fields}

    @classmethod
    def _create(cls, model_class: type[Theme], *args: Any, **kwargs: Any) -> Theme:
        import_lines(cls.line(kwargs))
        return Theme.objects.get(code=kwargs["code"])


class ServiceItemFactory(_LineFactory):
    """政务服务事项 of a department, in the department's region; online, committed in 10 working days."""

    class Meta:
        model = ServiceItem

    class Params:
        instant = factory.Trait(handling="instant", committed_days=0, statutory_days=0)
        decided_by_rules = factory.Trait(
            handling="instant",
            committed_days=0,
            statutory_days=0,
            kind="payment",
            process="instant",
            form={
                "type": "object",
                "properties": {
                    "age": {"type": "integer", "title": "年龄"},
                    "local_household": {"type": "boolean", "title": "本市户籍"},
                    "already_receiving": {"type": "boolean", "title": "已领取同类津贴"},
                },
            },
        )
        parallel = factory.Trait(
            process="parallel_review",
            departments=factory.LazyAttribute(lambda o: [o.department, DepartmentFactory(region=o.department.region)]),
        )
        suspended = factory.Trait(status="suspended")
        window_only = factory.Trait(
            online_depth=2, max_visits=1, visit_reason="需核验原件", channels=["window"], scope="local"
        )
        with_materials = factory.Trait(materials=MATERIALS)
        fee = factory.Trait(charges={"charged": True, "amount": "20.00", "basis": "《测试收费标准》"})

    code = factory.Sequence(lambda n: f"TEST-ITEM-{n:05d}")
    base_code = factory.Sequence(lambda n: f"00017{n:07d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    aliases = factory.LazyFunction(list)
    kind = "permit"
    department = factory.SubFactory(DepartmentFactory)
    region = factory.LazyAttribute(lambda o: o.department.region.code)
    audience = factory.LazyFunction(lambda: ["person"])
    summary = "测试用的服务事项。"
    conditions = "申请人具有完全民事行为能力。"
    legal_basis = "《中华人民共和国行政许可法》"
    handling = "committed"
    statutory_days = 20
    committed_days = 10
    online_depth = 4
    max_visits = 0
    scope = "city"
    channels = factory.LazyFunction(lambda: ["web", "mobile", "window"])
    charges = factory.LazyFunction(lambda: {"charged": False})
    materials = factory.LazyFunction(list)
    form = factory.LazyFunction(lambda: json.loads(json.dumps(SIMPLE_FORM)))
    process = ""
    result = factory.LazyFunction(lambda: {"name": "测试许可证"})
    status = "active"
    themes = factory.LazyFunction(list)
    parent = None
    situation = None

    @classmethod
    def line(cls, fields: dict[str, Any]) -> dict[str, Any]:
        data = dict(fields)
        data["fee"] = data.pop("charges")
        data["department"] = _code_of(data["department"])
        data["themes"] = [_code_of(t) for t in data["themes"]]
        data["parent"] = _code_of(data["parent"])
        if "departments" in data:
            data["departments"] = [_code_of(d) for d in data["departments"]]
        return {"type": "item", **{k: v for k, v in data.items() if v not in (None, "")}}

    @classmethod
    def _create(cls, model_class: type[ServiceItem], *args: Any, **kwargs: Any) -> ServiceItem:
        ensure_builtin_processes()
        import_lines(cls.line(kwargs))
        return ServiceItem.objects.select_related("department__region", "region").get(code=kwargs["code"])


class BundleFactory(_LineFactory):
    """一件事 of two items of two departments, promised in 5 working days."""

    class Meta:
        model = Bundle

    code = factory.Sequence(lambda n: f"test-bundle-{n}")
    name = factory.Sequence(lambda n: f"测试一件事{n}")
    aliases = factory.LazyFunction(list)
    summary = "一次申请，多个部门同时办理。"
    committed_days = 5
    items = factory.List([factory.SubFactory(ServiceItemFactory), factory.SubFactory(ServiceItemFactory)])
    themes = factory.LazyFunction(list)

    @classmethod
    def line(cls, fields: dict[str, Any]) -> dict[str, Any]:
        data = dict(fields)
        data["items"] = [_code_of(i) for i in data["items"]]
        data["themes"] = [_code_of(t) for t in data["themes"]]
        return {"type": "bundle", **{k: v for k, v in data.items() if v not in (None, "")}}

    @classmethod
    def _create(cls, model_class: type[Bundle], *args: Any, **kwargs: Any) -> Bundle:
        import_lines(cls.line(kwargs))
        return Bundle.objects.get(code=kwargs["code"])
