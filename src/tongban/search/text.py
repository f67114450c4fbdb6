"""Text normalisation for Chinese search: traditional→simplified, width, CJK runs, n-grams, pinyin."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

_t2s = OpenCC("t2s")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
TOKEN_RUN = re.compile(f"[{_CJK}]+|[a-z]+|[0-9]+")
_KEEP = re.compile(f"[^{_CJK}a-z0-9]+")


def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s table changes: text without any of them is already simplified."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    with path.open(encoding="utf-8") as fh:
        return frozenset(ch for line in fh for ch in line.split("\t", 1)[0])


_TRADITIONAL = _traditional_chars()


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """OpenCC t2s (about 40 µs a phrase, so cached, and skipped for text with no traditional character)."""
    if not any(ch in _TRADITIONAL for ch in text):
        return text
    return _t2s.convert(text)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Simplified, half-width, lower case; punctuation and spaces become single spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = to_simplified(text)
    return _KEEP.sub(" ", text).strip()


def compact_uncached(text: str) -> str:
    """compact() without caches: for the many one-off texts (summaries, as a document is indexed), which
    would only crowd the caches out."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if any(ch in _TRADITIONAL for ch in text):
        text = _t2s.convert(text)
    return _KEEP.sub("", text)


def compact(text: str) -> str:
    """normalize() without spaces: the form names are compared in."""
    return normalize(text).replace(" ", "")


def is_cjk(text: str) -> bool:
    return bool(text) and CJK_RUN.fullmatch(text) is not None


def bigrams(text: str) -> list[str]:
    """Character bigrams of every CJK run; a one-character run yields itself."""
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def bigram_set(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


# pypinyin (with its phrase table, ~55 MB of Python objects) is imported only where words get their pinyin:
# when an index is built or changed. A process that only searches reads the pinyin the build stored.
@lru_cache(maxsize=131072)
def pinyin_full(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word, errors="ignore"))


@lru_cache(maxsize=131072)
def pinyin_initials(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore"))


def char_readings_table() -> dict[str, str]:
    """Every CJK character (basic block and extension A) -> its toneless readings, default first ("行": "xing,hang")."""
    from pypinyin import Style, pinyin
    from pypinyin.constants import PINYIN_DICT

    out: dict[str, str] = {}
    for code in sorted(PINYIN_DICT):
        if 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF:
            ch = chr(code)
            readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
            if readings and readings[0]:
                out[ch] = ",".join(readings[0])
    return out
