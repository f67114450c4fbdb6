"""Builders for small catalogue files (tongban-catalogue/1) used by the catalogue tests."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

DEPT = "11440100MB2C91234X"  # the format's example: a wrong check character, still a valid local code


def department(code: str = DEPT, **fields: Any) -> dict[str, Any]:
    return {"type": "department", "code": code, "name": "广州市公安局", "region": "440100", **fields}


def theme(code: str = "hukou", **fields: Any) -> dict[str, Any]:
    return {"type": "theme", "code": code, "name": "户籍办理", "audience": "person", "phrase": "我要办户口", **fields}


def item(code: str = "440100-GA-001", **fields: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "item",
        "code": code,
        "base_code": "000172009000",
        "name": "出生登记",
        "aliases": ["新生儿上户口", "报户口"],
        "kind": "confirmation",
        "department": DEPT,
        "region": "440100",
        "audience": ["person"],
        "themes": ["hukou"],
        "handling": "instant",
        "committed_days": 0,
        "online_depth": 4,
        "max_visits": 0,
        "materials": [
            {
                "name": "出生医学证明",
                "required": True,
                "form": "electronic",
                "source": "government",
                "certificate_type": "birth_medical_certificate",
            },
            {"name": "父母居民身份证", "required": True, "form": "original", "source": "applicant"},
        ],
        "result": {"name": "居民户口簿（新生儿页）"},
    }
    line.update(fields)
    return {k: v for k, v in line.items() if v is not None}


def bundle(code: str = "birth-bundle", items: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    return {"type": "bundle", "code": code, "name": "新生儿出生一件事", "items": items or ["440100-GA-001"], **fields}


def jsonl(*lines: dict[str, Any] | str) -> bytes:
    return "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    ).encode()


def stream(*lines: dict[str, Any] | str) -> io.BytesIO:
    return io.BytesIO(jsonl(*lines))


def small_catalogue() -> list[dict[str, Any]]:
    """Two departments, two themes, four items (one a sub-item), a bundle."""
    return [
        department(),
        department("11440100MB2C95678Y", name="广州市医疗保障局", phone="020-12393"),
        theme(),
        theme("yibao", name="医疗保障", phrase="我要办医保"),
        item(),
        item(
            "440100-YB-020",
            name="新生儿医保参保登记",
            kind="public_service",
            department="11440100MB2C95678Y",
            themes=["yibao"],
            handling="committed",
            statutory_days=20,
            committed_days=5,
            online_depth=3,
            max_visits=1,
            visit_reason="核验原件",
            materials=[
                {
                    "name": "出生医学证明",
                    "required": True,
                    "source": "government",
                    "certificate_type": "birth_medical_certificate",
                },
                {
                    "name": "居民户口簿",
                    "required": True,
                    "source": "government",
                    "certificate_type": "household_register",
                },
                {"name": "参保登记表", "required": True, "source": "applicant", "copies": 1},
            ],
        ),
        item("440100-GA-002", name="户口迁移", themes=["hukou"], materials=[]),
        item("440100-GA-002-01", name="户口迁入（新设）", parent="440100-GA-002", situation="新设", themes=[]),
        bundle(items=["440100-GA-001", "440100-YB-020"], themes=["hukou"], committed_days=5),
    ]


@pytest.fixture
def imported(db):
    """The small catalogue, imported."""
    from tongban.catalog.services import import_catalogue

    report = import_catalogue(stream=stream(*small_catalogue()), actor=None)
    assert report.written, [str(p) for p in report.errors]
    return report
