"""The compact index files: payloads beside the index and the vocabulary with its pinyin (no pypinyin when searching)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongban.search.documents import SearchDocument
from tongban.search.payloads import (
    PAYLOAD_FILE,
    PayloadReader,
    PayloadWriter,
    decode_payload,
    encode_payload,
    pack,
    train_dictionary,
)
from tongban.search.text import compact
from tongban.search.vocab import CHARS_FILE, Vocabulary

PASSPORT = SearchDocument(
    kind="item", code="GA-1", name="居民身份证（申领）", summary="首次申领身份证。" * 30, department_name="公安局",
    region="440100", online_depth=3, popularity=42,
)  # fmt: skip


def test_payload_round_trip_keeps_display_and_ranking_fields() -> None:
    raw = encode_payload(
        PASSPORT, name="居民身份证申领", aliases=["身份证", "办身份证"], context="", materials="户口簿"
    )
    payload = decode_payload(raw)
    assert payload["k"] == "item:GA-1"
    assert payload["N"] == "居民身份证（申领）"
    assert payload["n"] == "居民身份证申领"
    assert payload["a"] == ["身份证", "办身份证"]
    assert (payload["o"], payload["p"], payload["r"], payload["m"]) == (3, 42, "440100", "户口簿 公安局")
    # shown: the summary as written, shortened; ranked: its compact form
    assert payload["S"] == PASSPORT.summary[:160]
    assert payload["s"] == compact(PASSPORT.summary)[:300]
    assert "首次申领身份证" * 2 in payload["s"] and "。" not in payload["s"]


def test_payload_is_two_bytes_a_character_and_separators_in_texts_do_not_shift_fields() -> None:
    doc = SearchDocument(
        kind="item", code="GA-2", name="护照\x1f申领", summary="首次\x1e申领", department_name="出入境"
    )
    raw = encode_payload(doc, name="护照申领", aliases=[], context="", materials="")
    assert len(raw) == 2 * len(raw.decode("utf-16-le"))
    payload = decode_payload(raw)
    assert (payload["N"], payload["S"], payload["d"]) == ("护照 申领", "首次 申领", "出入境")


def test_payloads_are_compressed_with_the_generation_dictionary_and_read_back_by_place(tmp_path: Path) -> None:
    docs = [
        SearchDocument(kind="item", code=f"GA-{n}", name=f"居民身份证申领{n}", summary="首次申领身份证，需本人到场。" * 3,
                       department_name="广州市公安局", region="440100")
        for n in range(400)
    ]  # fmt: skip
    raws = [encode_payload(d, name=d.name, aliases=["身份证"], context="证件", materials="户口簿") for d in docs]
    dictionary = train_dictionary(raws)
    assert dictionary
    writer = PayloadWriter(tmp_path, dictionary=dictionary)
    places = [writer.append(raw) for raw in raws]
    writer.sync()
    writer.close()
    assert (tmp_path / PAYLOAD_FILE).stat().st_size * 3 < sum(map(len, raws))  # alike payloads share the dictionary
    other = SearchDocument(kind="bundle", code="B-1", name="新生儿出生一件事")
    appender = PayloadWriter(tmp_path)  # a change log update appends to the same generation's file
    last = appender.append(encode_payload(other, name=other.name, aliases=[], context="", materials=""))
    appender.sync()
    appender.close()
    reader = PayloadReader(tmp_path)
    assert reader.read(last)["k"] == "bundle:B-1"
    assert [reader.read(at)["k"] for at in places[:3]] == ["item:GA-0", "item:GA-1", "item:GA-2"]
    assert reader.read(places[7])["S"] == docs[7].summary
    reader.close()


def test_a_small_catalogue_is_stored_without_a_dictionary(tmp_path: Path) -> None:
    raw = encode_payload(PASSPORT, name="居民身份证申领", aliases=[], context="", materials="")
    assert train_dictionary([raw]) == b""
    writer = PayloadWriter(tmp_path, dictionary=b"")
    at = writer.append(raw)
    writer.sync()
    writer.close()
    assert PayloadReader(tmp_path).read(at)["n"] == "居民身份证申领"


def test_a_payload_too_large_for_its_place_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        pack(0, 1 << 24)


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
