"""Ranking behaviour on the demo catalogue: what a person means comes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongban.search import services


def first(q: str) -> str:
    hits = services.search(q, limit=3, log=False)
    return hits[0].code if hits else ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("个体户的店不想做了，营业执照要去注销吗", "SJ-005"),  # asked to close: the opening service is not it
        ("下个月想跟女朋友去领证，要带些什么", "MZ-001"),  # an alias matching a little better keeps the name bonus
        ("换了个新单位，之前的医保怎么转过来", "YB-008"),  # 转过来: the verb 转, changing jobs
        ("建筑资志", "ZJ-005"),  # corrected, the query is an alias
        ("身份證唔見咗點補", "GA-004"),  # Cantonese: lost, how to replace
        ("gongshang peichang", "RS-018"),  # pinyin split by a space, read as one spelling
    ],
)
def test_what_a_person_means_comes_first(catalogue: Path, query: str, expected: str) -> None:
    assert first(query) == expected
