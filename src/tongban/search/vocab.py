"""词表: the words of the indexed catalogue, with their pinyin, to turn pinyin and homophone typos into words."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import rjieba

from tongban.search.text import CJK_RUN, char_readings_table, compact, pinyin_full, pinyin_initials

MAX_ALTS = 4
MAX_INITIAL_ALTS = 8  # initials are ambiguous: keep more words per spelling
MAX_PINYIN_KEYS = 16
CHARS_FILE = "pinyin-chars.tsv"


@lru_cache(maxsize=200_000)
def words_of(text: str) -> frozenset[str]:
    """Search-mode words of every CJK run (length ≥ 2), plus short runs whole."""
    out: set[str] = set()
    for run in CJK_RUN.findall(compact(text)):
        if 2 <= len(run) <= 6:
            out.add(run)
        out.update(w for w in rjieba.cut_for_search(run) if len(w) >= 2)
        words = rjieba.cut(run)
        out.update(a + b for a, b in itertools.pairwise(words) if 3 <= len(a + b) <= 5)
    return frozenset(out)


def fuzzy_key(spelling: str) -> str:
    """A toneless pinyin spelling with the distinctions typists often miss removed: zh/z, ch/c, sh/s, -ng/-n."""
    return spelling.replace("zh", "z").replace("ch", "c").replace("sh", "s").replace("ng", "n")


class Vocabulary:
    """The catalogue's words with their counts and pinyin (full, initials).

    Saved in the index generation as vocab.json (each word with its pinyin, computed once at build time)
    and pinyin-chars.tsv (each character's readings): a process that only searches never loads pypinyin.
    """

    def __init__(
        self,
        counts: dict[str, int] | None = None,
        pinyin: dict[str, tuple[str, str]] | None = None,
        chars: dict[str, str] | None = None,
    ) -> None:
        self.counts: Counter[str] = Counter(counts or {})
        self._pinyin: dict[str, tuple[str, str]] = dict(pinyin or {})
        self._chars = chars  # character -> "reading,reading" (default first); None: ask pypinyin
        self._full: dict[str, list[tuple[str, int]]] | None = None
        self._initials: dict[str, list[tuple[str, int]]] | None = None
        self._syllables: set[str] | None = None
        self._fuzzy: dict[str, list[tuple[str, int]]] | None = None

    def add_text(self, texts: Iterable[str]) -> None:
        words: set[str] = set()
        for text in texts:
            words |= words_of(text)
        self.counts.update(words)
        self._full = self._initials = self._fuzzy = None

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def word_pinyin(self, word: str) -> tuple[str, str]:
        """(full pinyin, initials) of a catalogue word, as stored at build time."""
        value = self._pinyin.get(word)
        if value is None:
            value = (pinyin_full(word), pinyin_initials(word))
            self._pinyin[word] = value
        return value

    def char_pinyin(self, ch: str) -> str:
        if self._chars is None:
            return pinyin_full(ch)
        return self._chars.get(ch, "").split(",", 1)[0]

    def pinyin_keys(self, text: str) -> list[str]:
        """Pinyin spellings of a typed word: the default readings first, then other readings (at most 16)."""
        if self._chars is None:
            return [pinyin_full(text)]
        keys = [""]
        for ch in text:
            readings = self._chars.get(ch)
            if not readings:
                continue
            keys = [k + r for k in keys for r in readings.split(",")][:MAX_PINYIN_KEYS]
        return [k for k in keys if k]

    def homophones(self, text: str, *, fuzzy: bool = False) -> list[tuple[str, int]]:
        """Catalogue words that sound like `text` (同音), most frequent first within each spelling.

        fuzzy: words that sound nearly alike (近音: zh/z, ch/c, sh/s, -ng/-n, as pinyin typists confuse them).
        """
        table = self.by_fuzzy if fuzzy else self.by_pinyin
        keys = self.pinyin_keys(text) if self._chars is not None else [pinyin_full(text)]
        if fuzzy:
            keys = list(dict.fromkeys(fuzzy_key(k) for k in keys))
        out: list[tuple[str, int]] = []
        seen: set[str] = set()
        for key in keys:
            for word, count in table.get(key, []):
                if word not in seen:
                    seen.add(word)
                    out.append((word, count))
        return out

    def _build(self) -> None:
        full: dict[str, list[tuple[str, int]]] = {}
        initials: dict[str, list[tuple[str, int]]] = {}
        chars: set[str] = set()
        for word, count in self.counts.items():
            word_full, word_initials = self.word_pinyin(word)
            full.setdefault(word_full, []).append((word, count))
            initials.setdefault(word_initials, []).append((word, count))
            chars.update(word)
        syllables = {self.char_pinyin(ch) for ch in chars}
        for table, keep in ((full, MAX_ALTS), (initials, MAX_INITIAL_ALTS)):
            for key in table:
                table[key] = sorted(table[key], key=lambda wc: (-wc[1], wc[0]))[:keep]
        self._full, self._initials, self._syllables = full, initials, syllables

    @property
    def by_pinyin(self) -> dict[str, list[tuple[str, int]]]:
        if self._full is None:
            self._build()
        assert self._full is not None
        return self._full

    @property
    def by_fuzzy(self) -> dict[str, list[tuple[str, int]]]:
        """Words by near-homophone key (built on first use: only queries with an unknown word need it)."""
        if self._fuzzy is None:
            fuzzy: dict[str, list[tuple[str, int]]] = {}
            for key, words in self.by_pinyin.items():
                fuzzy.setdefault(fuzzy_key(key), []).extend(words)
            for key in fuzzy:
                fuzzy[key] = sorted(fuzzy[key], key=lambda wc: (-wc[1], wc[0]))[:MAX_ALTS]
            self._fuzzy = fuzzy
        return self._fuzzy

    @property
    def by_initials(self) -> dict[str, list[tuple[str, int]]]:
        if self._initials is None:
            self._build()
        assert self._initials is not None
        return self._initials

    @property
    def syllables(self) -> set[str]:
        if self._syllables is None:
            self._build()
        assert self._syllables is not None
        return self._syllables

    def save(self, path: Path, *, chars: bool = False) -> None:
        """vocab.json: {"format": 2, "words": {word: [count, pinyin, initials]}}; with chars, pinyin-chars.tsv too."""
        words = {word: [count, *self.word_pinyin(word)] for word, count in self.counts.items()}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"format": 2, "words": words}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        if chars:
            table = char_readings_table()
            chars_path = path.parent / CHARS_FILE
            tmp = chars_path.with_suffix(".tmp")
            tmp.write_text("".join(f"{ch}\t{readings}\n" for ch, readings in table.items()), encoding="utf-8")
            tmp.replace(chars_path)
            self._chars = table

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        chars_path = path.parent / CHARS_FILE
        chars = None
        if chars_path.exists():
            with chars_path.open(encoding="utf-8") as fh:
                chars = dict(line.rstrip("\n").split("\t", 1) for line in fh if "\t" in line)
        if data.get("format") == 2:
            words = data["words"]
            return cls(
                {w: int(v[0]) for w, v in words.items()}, {w: (str(v[1]), str(v[2])) for w, v in words.items()}, chars
            )
        return cls(data, None, chars)  # format 1: counts only, pinyin computed when needed
