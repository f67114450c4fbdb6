"""The second-pass ranking, rule by rule, on hand-made candidates (no index needed)."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.search.analysis import Concept, ParsedQuery
from tongban.search.ranking import (
    B_BUNDLE_INTENT,
    B_FIRST,
    P_ACTION,
    P_ENFORCEMENT,
    Candidate,
    RankQuery,
    asked_actions,
    is_enforcement,
    name_actions,
    score,
    score_payload,
)


def query(
    *concepts: Concept, core: str = "", bundle_intent: bool = False, bare: str = "", fixed: str = ""
) -> RankQuery:
    parsed = ParsedQuery(
        raw=core, normalized=core, core=core, concepts=list(concepts), bare=bare or core, bundle_intent=bundle_intent,
        fixed=fixed,
    )  # fmt: skip
    return RankQuery(parsed, {})


def term(*alts: str, weight: float = 1.0, source: str = "term") -> Concept:
    return Concept({alt: 1.0 for alt in alts}, weight, source)


def payload(name: str, **fields: Any) -> dict[str, Any]:
    return {"k": f"item:{name}", "n": name, "a": [], "c": "", "s": "", "m": "", "p": 0, "x": "", "e": False} | fields


def test_a_word_counts_most_in_the_name_then_alias_context_summary_materials() -> None:
    q = query(term("护照"))  # no whole-query bonus: only where the word is found counts
    places = [
        payload("护照签发"),
        payload("出入境证件", a=["护照"]),
        payload("出入境证件", c="我要办护照"),
        payload("出入境证件", s="办理护照的说明"),
        payload("出入境证件", m="护照复印件"),
        payload("出入境证件"),
    ]
    scores = [score_payload(q, p) for p in places]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[-1] == 0.0


def test_the_whole_query_as_the_name_beats_the_query_inside_a_name() -> None:
    q = query(term("出生登记"), core="出生登记")
    exact = score_payload(q, payload("出生登记"))
    inside = score_payload(q, payload("出生登记信息变更"))
    alias = score_payload(q, payload("新生儿入户", a=["出生登记"]))
    assert exact > inside and exact > alias


def test_half_the_bigrams_of_a_long_word_is_a_partial_match() -> None:
    q = query(term("医疗保险"), core="医疗保险")
    partial = score_payload(q, payload("医疗救助", s="医疗保险"[:0]))  # shares 医疗 only: 1 of 3 bigrams
    assert partial == 0.0
    most = score_payload(q, payload("疗保险待遇", a=[]))  # 疗保 and 保险: 2 of 3 bigrams in the name
    assert 0 < most < score_payload(q, payload("医疗保险参保"))


def test_popularity_lifts_an_otherwise_equal_service() -> None:
    q = query(term("护照"), core="护照")
    quiet, popular, famous = (score_payload(q, payload("护照签发", p=p)) for p in (0, 100, 100_000))
    assert quiet < popular < famous
    assert famous - quiet < 0.1  # a small bonus: relevance decides


def test_enforcement_on_the_public_sinks_unless_asked_for() -> None:
    plain = score_payload(query(term("食品经营"), core="食品经营"), payload("食品经营许可"))
    penalty = score_payload(query(term("食品经营"), core="食品经营"), payload("食品经营许可", e=True))
    assert plain - penalty == pytest.approx(P_ENFORCEMENT)
    asked = query(term("食品经营"), term("处罚"), core="食品经营处罚")
    assert score_payload(asked, payload("食品经营许可", e=True)) == score_payload(asked, payload("食品经营许可"))


def test_a_secondary_action_not_asked_for_sinks() -> None:
    q = query(term("身份证"), core="身份证")
    first = score_payload(q, payload("身份证申领"))
    replace = score_payload(q, payload("身份证补领", x="补"))
    assert first - replace == pytest.approx(P_ACTION, abs=0.05)
    asked = query(term("身份证"), term("补领"), core="身份证补领")
    assert score_payload(asked, payload("身份证补领", x="补")) > score_payload(asked, payload("身份证申领"))


def test_asked_to_close_an_opening_service_sinks_twice() -> None:
    q = query(term("个体户"), term("注销"), core="个体户注销")
    assert q.actions == frozenset({"销"})
    opening = score_payload(q, payload("个体户设立登记"))
    neutral = score_payload(q, payload("个体户核准登记"))  # as long: the same share of the name covered
    assert neutral - opening == pytest.approx(2 * P_ACTION)


def test_the_first_issue_is_the_service_itself() -> None:
    q = query(term("驾驶证"), core="驾驶证")
    assert score_payload(q, payload("首次申领驾驶证")) - score_payload(q, payload("申领驾驶证首")) == pytest.approx(
        B_FIRST, abs=0.02
    )


def test_bundles_come_up_when_a_life_event_is_asked_about() -> None:
    concepts = (term("出生"),)
    asked = query(*concepts, core="出生", bundle_intent=True)
    bundle = payload("出生一件事", k="bundle:birth")
    item = payload("出生一件事", k="item:birth")
    assert score_payload(asked, bundle) - score_payload(asked, item) == pytest.approx(B_BUNDLE_INTENT)
    plain = query(*concepts, core="出生")
    assert score_payload(plain, bundle) == score_payload(plain, item)


def test_nothing_to_match_scores_nothing() -> None:
    assert score_payload(query(core=""), payload("护照")) == 0.0
    zero = RankQuery(ParsedQuery(raw="x", normalized="x", core="x", concepts=[term("女朋友")]), {"女朋友": 0.0})
    assert zero.possible == 0.0 and score_payload(zero, payload("女朋友")) == 0.0


def test_a_word_no_document_contains_does_not_dilute_the_others() -> None:
    parsed = ParsedQuery(raw="q", normalized="q", core="护照女朋友", concepts=[term("护照"), term("女朋友")])
    diluted = score_payload(RankQuery(parsed, {}), payload("护照签发"))
    kept = score_payload(RankQuery(parsed, {"女朋友": 0.0}), payload("护照签发"))
    assert kept > diluted


def test_opening_words_of_a_synonym_count_little_when_closing_or_changing_is_asked() -> None:
    parsed = ParsedQuery(
        raw="q",
        normalized="q",
        core="执照注销",
        concepts=[term("注销"), Concept({"设立登记": 1.0, "营业执照": 1.0}, 0.85, "synonym")],
    )
    rank = RankQuery(parsed, {})
    weights = dict(rank.concepts[1][1][i][:2] for i in range(2))
    assert weights["设立登记"] == pytest.approx(0.3) and weights["营业执照"] == pytest.approx(1.0)


def test_score_of_one_candidate_equals_the_prepared_query_score() -> None:
    parsed = ParsedQuery(raw="护照", normalized="护照", core="护照", concepts=[term("护照")])
    candidate = Candidate(kind="item", code="X", payload=payload("护照签发"))
    assert score(parsed, candidate, {}) == score_payload(RankQuery(parsed, {}), candidate.payload)


@pytest.mark.parametrize(
    ("name", "families"),
    [
        ("居民身份证补领", {"补"}),
        ("营业执照注销登记", {"销"}),
        ("户口迁移", {"迁"}),
        ("护照换发", {"换"}),
        ("港澳通行证签注", {"签"}),
        ("出生登记", set()),
        ("身份证挂失补领", {"失", "补"}),
    ],
)
def test_the_secondary_actions_a_name_carries(name: str, families: set[str]) -> None:
    assert name_actions(name) == frozenset(families)


@pytest.mark.parametrize(
    ("name", "kind", "enforcement"),
    [
        ("对未取得许可从事经营的处罚", "permit", True),
        ("某事项", "penalty", True),
        ("某事项", "enforcement", True),
        ("电梯使用单位监督检查", "other_power", True),
        ("对企业的行政检查", "other_power", True),
        ("食品经营许可", "permit", False),
        ("检查结果查询", "public_service", False),
    ],
)
def test_enforcement_by_kind_or_by_name(name: str, kind: str, enforcement: bool) -> None:
    assert is_enforcement(name, kind) is enforcement


def test_what_a_query_asks_for() -> None:
    assert asked_actions(["身份证补领"]) == (frozenset({"补"}), False)
    assert asked_actions(["无证经营", "处罚"]) == (frozenset(), True)
    families, _enforcement = asked_actions(["补"])  # a short typed word inside an action word counts too
    assert "补" in families
