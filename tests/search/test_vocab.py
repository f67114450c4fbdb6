"""The catalogue's vocabulary: words, their pinyin, homophones; saved with a generation and loaded back."""

from __future__ import annotations

import json
from pathlib import Path

from tongban.search.vocab import CHARS_FILE, MAX_ALTS, Vocabulary, fuzzy_key, words_of

CATALOGUE = ["居民身份证补领", "居民身份证换领", "营业执照注销登记", "营业执照变更登记", "医保关系转移接续"]


def vocabulary() -> Vocabulary:
    """One `add_text` per document, as the index adds them."""
    vocab = Vocabulary()
    for name in CATALOGUE:
        vocab.add_text([name])
    return vocab


def test_words_of_a_name_are_its_search_mode_words_and_short_runs_whole() -> None:
    words = words_of("医保关系转移接续")
    assert {"医保", "关系", "转移", "接续", "转移接续", "医保关系"} <= words
    assert all(len(w) >= 2 for w in words)
    assert "医保关系转移接续" not in words  # eight characters: too long to keep whole
    assert words_of("补领 身份证") >= {"补领", "身份证"}
    assert words_of("abc") == frozenset()


def test_counts_are_the_number_of_documents_a_word_appears_in() -> None:
    vocab = vocabulary()
    assert vocab.counts["身份证"] == 2
    assert vocab.counts["营业执照"] == 2
    assert vocab.counts["注销"] == 1
    assert "身份证" in vocab and "护照" not in vocab
    vocab.add_text(["护照签发", "护照补领", "护照"])  # one document: counted once
    assert vocab.counts["护照"] == 1


def test_a_word_and_its_pinyin_find_each_other() -> None:
    vocab = vocabulary()
    assert vocab.word_pinyin("身份证") == ("shenfenzheng", "sfz")
    assert ("身份证", 2) in vocab.by_pinyin["shenfenzheng"]
    assert ("身份证", 2) in vocab.by_initials["sfz"]
    assert "zheng" in vocab.syllables and "ying" in vocab.syllables


def test_homophones_correct_a_wrong_character() -> None:
    vocab = vocabulary()
    assert vocab.homophones("身分证") == [("身份证", 2)]  # 分 for 份: the same sound
    assert vocab.homophones("营业只照") == [("营业执照", 2)]  # 只 and 执 are both zhi
    assert vocab.homophones("营业许照") == []  # xu is not zhi
    assert vocab.homophones("护照") == []


def test_near_homophones_forgive_what_typists_mix_up() -> None:
    assert fuzzy_key("zhangsheng") == "zansen"
    assert fuzzy_key("chuang") == "cuan"
    vocab = vocabulary()
    assert vocab.homophones("营叶执召", fuzzy=True) == [("营业执照", 2)]  # zhao/zhao, ye/ye: exact too
    assert vocab.homophones("医宝", fuzzy=False) == [("医保", 1)]


def test_the_most_frequent_words_are_kept_per_spelling() -> None:
    vocab = Vocabulary()
    for i, word in enumerate(["公示", "公式", "攻势", "工事", "公事", "宫室"]):
        for n in range(i + 1):
            vocab.add_text([f"{word}事项{n}"])
    kept = vocab.by_pinyin["gongshi"]
    assert len(kept) == MAX_ALTS
    assert kept[0][0] == "宫室" and kept == sorted(kept, key=lambda wc: (-wc[1], wc[0]))


def test_saved_vocabulary_loads_with_pinyin_and_character_readings(tmp_path: Path) -> None:
    vocab = vocabulary()
    vocab.save(tmp_path / "vocab.json", chars=True)
    data = json.loads((tmp_path / "vocab.json").read_text(encoding="utf-8"))
    assert data["format"] == 2
    assert data["words"]["身份证"] == [2, "shenfenzheng", "sfz"]
    assert (tmp_path / CHARS_FILE).exists()
    loaded = Vocabulary.load(tmp_path / "vocab.json")
    assert loaded.counts == vocab.counts
    assert loaded.char_pinyin("行") == "xing"
    assert "xinghang" in loaded.pinyin_keys("行行") or "hangxing" in loaded.pinyin_keys("行行")
    assert loaded.homophones("身分证") == [("身份证", 2)]


def test_every_reading_of_a_word_is_tried_up_to_a_limit(tmp_path: Path) -> None:
    vocab = Vocabulary()
    vocab.add_text(["银行网点查询"])
    vocab.save(tmp_path / "vocab.json", chars=True)
    loaded = Vocabulary.load(tmp_path / "vocab.json")
    keys = loaded.pinyin_keys("银行")
    assert keys[0] == "yinxing" and "yinhang" in keys
    assert len(loaded.pinyin_keys("行行行行行")) <= 16
    assert ("银行", 1) in loaded.homophones("银杭")  # hang: another reading of 行


def test_an_old_vocabulary_file_of_counts_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"身份证": 3, "护照": 1}, ensure_ascii=False), encoding="utf-8")
    loaded = Vocabulary.load(path)
    assert loaded.counts["身份证"] == 3
    assert loaded.word_pinyin("护照") == ("huzhao", "hz")  # computed when asked


def test_a_missing_vocabulary_file_is_an_empty_vocabulary(tmp_path: Path) -> None:
    vocab = Vocabulary.load(tmp_path / "nothing.json")
    assert not vocab.counts and vocab.homophones("身份证") == []
