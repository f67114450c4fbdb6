"""The compact index files: stored payloads and the vocabulary with its pinyin (no pypinyin when searching)."""

from __future__ import annotations

import json
from pathlib import Path

from tongban.search.documents import SearchDocument
from tongban.search.engine import decode_payload, encode_payload
from tongban.search.text import compact
from tongban.search.vocab import CHARS_FILE, Vocabulary


def test_payload_round_trip_keeps_display_and_ranking_fields() -> None:
    doc = SearchDocument(
        kind="item", code="GA-1", name="居民身份证（申领）", summary="首次申领身份证。" * 30, department_name="公安局",
        region="440100", online_depth=3, popularity=42,
    )  # fmt: skip
    raw = encode_payload(doc, name="居民身份证申领", aliases=["身份证", "办身份证"], context="", materials="户口簿")
    payload = decode_payload(raw)
    assert payload["N"] == "居民身份证（申领）"
    assert payload["n"] == "居民身份证申领"
    assert payload["a"] == ["身份证", "办身份证"]
    assert (payload["o"], payload["p"], payload["r"], payload["m"]) == (3, 42, "440100", "户口簿 公安局")
    # shown: the summary as written, shortened; ranked: its compact form (derived, not stored twice)
    assert payload["S"] == doc.summary[:160]
    assert payload["s"] == compact(doc.summary)[:300]
    assert "首次申领身份证" * 2 in payload["s"] and "。" not in payload["s"]


def test_payload_is_stored_once_and_in_two_bytes_a_character() -> None:
    doc = SearchDocument(
        kind="item", code="GA-1", name="居民身份证申领", summary="首次申领身份证", department_name="公安局"
    )
    raw = encode_payload(doc, name=doc.name, aliases=[], context="", materials="户口簿")
    text = raw.decode("utf-16-le")
    assert len(raw) == 2 * len(text)
    assert text.count(doc.summary) == 1 and text.count(doc.department_name) == 1


def test_payload_of_a_v3_index_is_still_read() -> None:
    old = "\x1f".join(
        ["3", "护照", "首次申领。", "出入境", "440100", "4", "7", "", "", "", "首次申领", "证件 出入境", "", ""]
    )
    payload = decode_payload(old.encode())
    assert (payload["N"], payload["S"], payload["s"], payload["m"], payload["p"]) == (
        "护照",
        "首次申领。",
        "首次申领",
        "证件 出入境",
        7,
    )


def test_payload_of_an_index_built_before_the_compact_format_is_still_read() -> None:
    old = json.dumps({"N": "护照", "n": "护照", "a": [], "p": 1}, ensure_ascii=False).encode()
    assert decode_payload(old)["N"] == "护照"


def test_vocabulary_keeps_pinyin_and_finds_homophones_after_loading(tmp_path: Path) -> None:
    vocab = Vocabulary()
    vocab.add_text(["结婚登记", "银行开户"])
    path = tmp_path / "vocab.json"
    vocab.save(path, chars=True)
    assert (tmp_path / CHARS_FILE).exists()
    loaded = Vocabulary.load(path)
    assert loaded.word_pinyin("银行") == ("yinhang", "yh")
    assert "结婚" in [w for w, _c in loaded.homophones("结昏")]
    assert "银行" in [w for w, _c in loaded.homophones("银航")]
    assert "jie" in loaded.syllables
