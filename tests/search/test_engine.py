"""The tantivy engine on its own, over a list of documents and over a source with a change log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tongban.search.documents import Change, ListSource, SearchDocument
from tongban.search.engine import (
    CANDIDATES,
    Filters,
    TantivyEngine,
    abbreviations,
    region_key,
)


def doc(code: str, name: str, **fields: object) -> SearchDocument:
    values: dict[str, object] = {"department": "D-GA", "department_name": "公安局", "region": "440100"}
    values.update(audience=["person"], online_depth=4)
    values.update(fields)
    return SearchDocument(kind="item", code=code, name=name, **values)  # type: ignore[arg-type]


DOCS = [
    doc("GA-1", "居民身份证申领", aliases=["办身份证"], materials=["户口簿"]),
    doc("GA-2", "居民身份证补领", summary="身份证遗失后补领。"),
    doc("GA-3", "出生登记", aliases=["报户口", "上户口"], themes=["hukou"], theme_text=["我要办户口"]),
    doc("YB-1", "医疗保险参保登记", department="D-YB", department_name="医保局", region="440106"),
    doc("SJ-1", "个体工商户设立登记", audience=["legal_person"], online_depth=3, item_kind="permit"),
    doc("SJ-2", "对无照经营的处罚", item_kind="penalty"),
    doc("GJJ-1", "住房公积金提取", region="440104", popularity=500),
    SearchDocument(
        kind="bundle",
        code="birth",
        name="新生儿出生一件事",
        members=["出生登记", "医疗保险参保登记"],
        audience=["person"],
        online_depth=4,
        themes=["hukou"],
    ),
]


SYNONYMS = {"上户口": "出生登记"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> TantivyEngine:
    engine = TantivyEngine(tmp_path_factory.mktemp("idx"), ListSource(DOCS), lambda: SYNONYMS)
    assert engine.rebuild() == len(DOCS)
    return engine


def codes(engine: TantivyEngine, q: str, **kwargs: object) -> list[str]:
    return [h.code for h in engine.search(q, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("居民身份证申领", "GA-1"),
        ("身份证补领", "GA-2"),
        ("身份證補領", "GA-2"),  # traditional
        ("报户口", "GA-3"),  # an alias
        ("医保参保", "YB-1"),  # 医保: the abbreviation of 医疗保险, indexed like an alias
        ("公积金提取", "GJJ-1"),
        ("shenfenzheng shenling", "GA-1"),  # pinyin
    ],
)
def test_the_best_match_comes_first(engine: TantivyEngine, q: str, expected: str) -> None:
    assert codes(engine, q)[0] == expected


def test_hits_carry_what_the_result_list_shows(engine: TantivyEngine) -> None:
    hit = engine.search("身份证补领", limit=1)[0]
    assert (hit.type, hit.code, hit.name, hit.department, hit.region, hit.online_depth) == (
        "item",
        "GA-2",
        "居民身份证补领",
        "公安局",
        "440100",
        4,
    )
    assert hit.summary == "身份证遗失后补领。"
    assert hit.score > 0


def test_results_are_best_first_and_limited(engine: TantivyEngine) -> None:
    hits = engine.search("登记", limit=2)
    assert len(hits) == 2
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(engine.search("登记", limit=50)) <= len(DOCS)


def test_a_bundle_is_found_by_its_members(engine: TantivyEngine) -> None:
    hits = engine.search("出生 医疗保险", limit=5)
    assert "birth" in [h.code for h in hits if h.type == "bundle"]


def test_a_query_of_filler_or_nothing_known_finds_nothing(engine: TantivyEngine) -> None:
    assert engine.search("请问") == []
    assert engine.search("魑魅魍魉") == []


def test_synonyms_of_the_engine_are_used(engine: TantivyEngine) -> None:
    assert codes(engine, "上户口")[0] == "GA-3"


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (Filters(audience="legal_person"), {"SJ-1"}),
        (Filters(theme="hukou"), {"GA-3", "birth"}),
        (Filters(department="D-YB"), {"YB-1"}),
        (Filters(region="440106"), {"YB-1"}),
        (Filters(region="440104"), {"GJJ-1"}),
        (Filters(region="440100"), {"GA-1", "GA-2", "GA-3", "YB-1", "SJ-1", "SJ-2", "GJJ-1"}),  # and its districts
        (Filters(min_depth=4), {"GA-1", "GA-2", "GA-3", "YB-1", "SJ-2", "GJJ-1", "birth"}),
    ],
)
def test_filters_keep_only_what_they_name(engine: TantivyEngine, filters: Filters, allowed: set[str]) -> None:
    found = set(codes(engine, "登记 身份证 公积金 处罚 出生 医疗保险", limit=20, filters=filters))
    assert found and found <= allowed


def test_a_region_filter_of_a_province_covers_its_cities() -> None:
    assert region_key("440000") == "44"
    assert region_key("440100") == "4401"
    assert region_key("440106") == "440106"
    assert region_key("440106005") == "440106005"


def test_filters_are_active_only_when_something_is_set() -> None:
    assert not Filters().active
    assert Filters(min_depth=3).active and Filters(region="44").active


def test_abbreviations_join_the_first_characters_of_neighbouring_words() -> None:
    for name in ("住房公积金提取", "医疗保险参保登记", "居民身份证补领"):
        found = abbreviations(name)
        assert found == tuple(sorted(found))
        for short in found:
            assert len(short) == 2 and short not in name
            assert name.index(short[0]) < name.rindex(short[1])
    assert abbreviations("出生") == ()  # one word: nothing to shorten


def test_analysed_queries_are_kept_and_reused(engine: TantivyEngine) -> None:
    first = engine.parse("身份证补领")
    assert engine.parse("身份证补领") is first


def test_a_changed_synonym_table_gives_a_new_analysis(tmp_path: Path) -> None:
    table = {"办证": "居民身份证"}
    engine = TantivyEngine(tmp_path / "idx", ListSource(DOCS), lambda: table)
    engine.rebuild()
    before = engine.parse("上户口")
    assert not any(c.source == "synonym" for c in before.concepts)
    table = {"上户口": "出生登记"}
    after = engine.parse("上户口")
    assert after is not before and any(c.source == "synonym" for c in after.concepts)
    assert codes(engine, "上户口")[0] == "GA-3"


def test_enforcement_comes_after_the_service_people_want(engine: TantivyEngine) -> None:
    found = codes(engine, "无照经营", limit=5)
    assert "SJ-2" in found  # found when asked for …
    assert codes(engine, "个体工商户登记")[0] == "SJ-1"


# --- keeping up with a change log ---------------------------------------------------------------------


class ChangingSource:
    """A source whose documents change, with a change log as the catalogue keeps one."""

    def __init__(self, docs: list[SearchDocument]) -> None:
        self.docs = {d.key: d for d in docs}
        self.log: list[Change] = []
        self.themes: dict[str, tuple[list[str], list[str]]] = {}

    def put(self, document: SearchDocument) -> None:
        self.docs[document.key] = document
        self._log(document.kind, document.code, False)

    def delete(self, kind: str, code: str) -> None:
        self.docs.pop(f"{kind}:{code}", None)
        self._log(kind, code, True)

    def _log(self, kind: str, code: str, deleted: bool) -> None:
        self.log.append(Change(id=len(self.log) + 1, kind=kind, code=code, deleted=deleted))

    def count(self) -> int:
        return len(self.docs)

    def all_documents(self) -> Iterator[SearchDocument]:
        return iter(list(self.docs.values()))

    def documents(self, kind: str, codes: Iterable[str]) -> list[SearchDocument]:
        return [self.docs[f"{kind}:{c}"] for c in codes if f"{kind}:{c}" in self.docs]

    def latest_change_id(self) -> int:
        return self.log[-1].id if self.log else 0

    def changes_after(self, change_id: int, limit: int = 5000) -> list[Change]:
        return [c for c in self.log if c.id > change_id][:limit]

    def codes_for_theme(self, theme: str) -> tuple[list[str], list[str]]:
        return self.themes.get(theme, ([], []))


@pytest.fixture
def changing(tmp_path: Path) -> tuple[TantivyEngine, ChangingSource]:
    source = ChangingSource([doc("A-1", "护照签发"), doc("A-2", "港澳通行证签注")])
    engine = TantivyEngine(tmp_path / "idx", source, dict, check_interval=0.0)
    engine.rebuild()
    return engine, source


def test_changes_are_applied_without_a_rebuild(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, source = changing
    source.put(doc("A-3", "台湾居民来往大陆通行证签发"))
    source.put(doc("A-1", "普通护照签发（首次）"))
    source.delete("item", "A-2")
    assert engine.apply_changes() == 3
    assert codes(engine, "台湾通行证")[0] == "A-3"
    assert engine.search("护照", limit=1)[0].name == "普通护照签发（首次）"
    assert "A-2" not in codes(engine, "港澳通行证签注", limit=10)
    assert engine.apply_changes() == 0  # nothing new


def test_the_last_applied_change_is_remembered(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, source = changing
    source.put(doc("A-4", "出入境证件签发"))
    engine.apply_changes()
    generation = engine._generation()
    assert generation is not None and generation.state()["last_change_id"] == source.latest_change_id()


def test_searching_applies_pending_changes_by_itself(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, source = changing
    source.put(doc("A-5", "外国人永久居留身份证申请"))
    assert codes(engine, "永久居留")[0] == "A-5"


def test_a_changed_theme_reindexes_its_items(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, source = changing
    source.docs["item:A-1"] = doc("A-1", "护照签发", theme_text=["我要出国"])  # changed without its own log entry
    source.themes["travel"] = (["A-1"], [])
    source._log("theme", "travel", False)
    engine.apply_changes()
    assert codes(engine, "我要出国")[0] == "A-1"


def test_words_new_to_the_catalogue_join_the_vocabulary(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, source = changing
    source.put(doc("A-6", "签证延期办理"))
    engine.apply_changes()
    generation = engine._generation()
    assert generation is not None and "签证" in generation.vocab


def test_an_engine_without_an_index_builds_one_when_there_is_something_to_index(tmp_path: Path) -> None:
    source = ChangingSource([doc("B-1", "护照签发")])
    engine = TantivyEngine(tmp_path / "fresh", source, dict, check_interval=0.0)
    assert codes(engine, "护照") == ["B-1"]
    assert (tmp_path / "fresh" / "CURRENT").exists()


def test_an_engine_over_nothing_answers_nothing(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path / "empty", ChangingSource([]), dict, check_interval=0.0)
    assert engine.search("护照") == []
    assert not (tmp_path / "empty" / "CURRENT").exists()


def test_a_rebuild_replaces_the_old_generation(changing: tuple[TantivyEngine, ChangingSource]) -> None:
    engine, _source = changing
    old = (engine.root / "CURRENT").read_text()
    engine.rebuild()
    new = (engine.root / "CURRENT").read_text()
    assert new != old
    assert not (engine.root / old).exists()
    assert [p.name for p in engine.root.iterdir() if p.is_dir()] == [new]


def test_many_candidates_are_ranked_not_only_the_first(tmp_path: Path) -> None:
    docs = [doc(f"N-{i}", f"测试登记事项{i}") for i in range(CANDIDATES + 10)]
    docs.append(doc("Z-1", "测试登记", popularity=1000))
    engine = TantivyEngine(tmp_path / "many", ListSource(docs), dict)
    engine.rebuild()
    assert codes(engine, "测试登记")[0] == "Z-1"
