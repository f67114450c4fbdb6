"""The search engine behind one small interface, and its embedded tantivy implementation.

`SearchEngine` is what the rest of the platform sees; a cluster search service could replace
`TantivyEngine` later. The index is derived: the catalogue tables stay the truth. Each app server keeps
its own copy under DATA_DIR/search-index (a generation folder named in CURRENT), brought up to date from
the catalogue change log; the last applied change id is kept in the generation's state.json. What ranking
reads of each candidate is in the generation's payload file, not in tantivy's store (see payloads.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import rjieba
import tantivy

from tongban.search.analysis import ParsedQuery, QueryAnalyzer
from tongban.search.documents import Change, DocumentSource, SearchDocument
from tongban.search.payloads import (
    FORMAT,
    SAMPLES,
    SUMMARY_RANKED,
    PayloadReader,
    PayloadWriter,
    encode_payload,
    train_dictionary,
)
from tongban.search.ranking import RankQuery, score_payload
from tongban.search.text import CJK_RUN, bigrams, compact, compact_uncached
from tongban.search.vocab import Vocabulary, words_of

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (done, total)

CANDIDATES = 60
PARSED_CACHE = 4096  # analysed queries kept per process
# tantivy boosts of the retrieval query, per field
BOOST_NAME, BOOST_ALIAS, BOOST_OTHER = 3.0, 2.4, 0.8


@dataclass(frozen=True)
class Filters:
    """筛选: audience (person / legal_person), theme code, department code, region code, minimum online depth."""

    audience: str = ""
    theme: str = ""
    department: str = ""
    region: str = ""
    min_depth: int = 0

    @property
    def active(self) -> bool:
        return bool(self.audience or self.theme or self.department or self.region or self.min_depth)


@dataclass
class Hit:
    type: str  # "item" | "bundle"
    code: str
    name: str
    score: float
    summary: str = ""
    department: str = ""
    region: str = ""
    online_depth: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class SearchEngine(Protocol):
    def search(self, query: str, *, limit: int = 10, filters: Filters | None = None) -> list[Hit]: ...

    def apply_changes(self) -> int: ...

    def rebuild(self, progress: Progress | None = None) -> int: ...


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("key", tokenizer_name="raw", index_option="basic")
    for name in ("name_b", "alias_b", "other_b", "chars"):
        b.add_text_field(name, tokenizer_name="ws", index_option="freq")
    for name in ("audience", "theme", "department", "region"):
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("depth", indexed=True, fast=True)
    b.add_unsigned_field("at", fast=True)  # where the payload is in payloads.bin (see payloads.pack)
    return b.build()


SCHEMA = _schema()
_WS = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


@lru_cache(maxsize=200_000)
def _tokens(text: str) -> frozenset[str]:
    """Bigrams and search-mode words of a compact text (the tokens of the *_b fields); names repeat, so cached."""
    out = set(bigrams(text))
    for word in rjieba.cut_for_search(text):
        if len(word) >= 2 and not word.isspace():
            out.add(word)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def abbreviations(name: str) -> tuple[str, ...]:
    """How names get shortened (简称): the first characters of two neighbouring words, 年度报告 -> 年报,
    医疗保险 -> 医保, 教师资格 -> 教资. Indexed like aliases, so a short form finds the full name."""
    words = [w for w in rjieba.cut(name) if len(w) >= 2 and CJK_RUN.fullmatch(w)]
    out = {a[0] + b[0] for a, b in itertools.pairwise(words)}
    return tuple(sorted(a for a in out if a not in name))


@dataclass(frozen=True)
class _Texts:
    """A document's texts in compact form, as indexed and as stored in its payload."""

    name: str
    aliases: list[str]
    context: str
    materials: str  # material names
    summary: str

    @classmethod
    def of(cls, doc: SearchDocument) -> _Texts:
        name = compact(doc.name)
        aliases = [compact(a) for a in doc.aliases if a]
        aliases += [a for a in abbreviations(name) if a not in aliases]
        return cls(
            name=name,
            aliases=aliases,
            context=" ".join(compact(t) for t in [*doc.theme_text, doc.result, *doc.members] if t),
            materials=" ".join(compact(m) for m in doc.materials if m),
            summary=compact_uncached(doc.summary)[:SUMMARY_RANKED],
        )

    def payload(self, doc: SearchDocument) -> bytes:
        return encode_payload(
            doc,
            name=self.name,
            aliases=self.aliases,
            context=self.context,
            materials=self.materials,
            summary=self.summary,
        )


def to_tantivy(doc: SearchDocument, payloads: PayloadWriter) -> tantivy.Document:
    """The indexed fields of a document; its payload is appended to the generation's payload file."""
    texts = _Texts.of(doc)
    name, aliases = texts.name, texts.aliases
    materials = " ".join(t for t in (texts.materials, compact(doc.department_name)) if t)
    d = tantivy.Document()
    d.add_text("key", doc.key)
    d.add_text("name_b", " ".join(_tokens(name)))
    d.add_text("alias_b", " ".join(frozenset().union(*(_tokens(a) for a in aliases))) if aliases else "")
    d.add_text("other_b", " ".join(_tokens(texts.context) | frozenset(bigrams(texts.summary)) | _tokens(materials)))
    d.add_text("chars", " ".join(set(name + "".join(aliases))))
    for value in doc.audience:
        d.add_text("audience", value)
    for value in doc.themes:
        d.add_text("theme", value)
    d.add_text("department", doc.department)
    for n in (2, 4, 6, 9, 12):  # a region filter covers its subdivisions
        if n <= len(doc.region):
            d.add_text("region", doc.region[:n])
    d.add_integer("depth", doc.online_depth)
    d.add_unsigned("at", payloads.append(texts.payload(doc)))
    return d


def vocabulary_texts(doc: SearchDocument) -> list[str]:
    return [doc.name, *doc.aliases, *doc.theme_text, doc.result, *doc.materials]


def region_key(code: str) -> str:
    """440100 (a city) -> 4401, 440000 (a province) -> 44: the prefix its subdivisions share."""
    if len(code) == 6:
        while len(code) > 2 and code.endswith("00"):
            code = code[:-2]
    return code


class OutdatedIndex(Exception):
    """The generation was built by an older release (another schema or payload format): rebuild it."""


class _Generation:
    """One built index folder: the tantivy index, its payload file, its vocabulary, its state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if self.state().get("format") != FORMAT:
            raise OutdatedIndex(path.name)
        self.index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        self.index.register_tokenizer("ws", _WS)
        self.payloads = PayloadReader(path)
        self.vocab = Vocabulary.load(path / "vocab.json")
        self._idf: dict[str, float] = {}
        self.searcher = self.index.searcher()

    @property
    def state_path(self) -> Path:
        return self.path / "state.json"

    def state(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.state_path.read_text()))
        except FileNotFoundError:
            return {"last_change_id": 0}

    def write_state(self, **values: Any) -> None:
        state = self.state() | values
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        tmp.replace(self.state_path)

    def reload(self) -> None:
        self.index.reload()
        self.searcher = self.index.searcher()
        self._idf.clear()

    def idf(self, text: str) -> float:
        """How telling a query word is: rarer in names counts more; 0 for a word no document contains
        (女朋友, 好像): it cannot tell documents apart, and counting it would only shrink every relevance
        next to the fixed bonuses of ranking."""
        value = self._idf.get(text)
        if value is None:
            n = max(self.searcher.num_docs, 1)
            grams = bigrams(text) if len(text) >= 2 else [text]
            field = "name_b" if len(text) >= 2 else "chars"
            df = min((self.searcher.doc_freq(field, g) for g in grams), default=0) if grams else 0
            if len(text) >= 2:
                df = min(df, self.searcher.doc_freq("name_b", text) or df)
            absent = len(text) >= 2 and any(
                all(self.searcher.doc_freq(f, g) == 0 for f in ("name_b", "alias_b", "other_b")) for g in grams
            )
            value = 0.0 if absent else 1.0 + math.log(1.0 + n / (df + 1.0))
            if len(self._idf) > 50000:
                self._idf.clear()
            self._idf[text] = value
        return value


class TantivyEngine:
    """检索引擎: tantivy (embedded), query understanding and a precise second-pass ranking."""

    def __init__(
        self,
        path: Path,
        source: DocumentSource,
        synonyms: Callable[[], dict[str, str]],
        *,
        check_interval: float = 1.0,
    ) -> None:
        self.root = path
        self.source = source
        self._synonyms = synonyms
        self.check_interval = check_interval
        self._lock = threading.RLock()
        self._gen: _Generation | None = None
        self._gen_name = ""
        self._analyzer: QueryAnalyzer | None = None
        self._analyzer_key: tuple[int, int] | None = None
        self._parsed: dict[str, ParsedQuery] = {}
        self._parsed_owner: QueryAnalyzer | None = None
        self._last_check = 0.0

    # -- generations ------------------------------------------------------------------------------
    def _current_name(self) -> str:
        try:
            return (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return ""

    def _generation(self) -> _Generation | None:
        name = self._current_name()
        if not name:
            return None
        if self._gen is None or name != self._gen_name:
            try:
                gen = _Generation(self.root / name)
            except OutdatedIndex:
                logger.warning("search index %s is of an older format; rebuilding it", name)
                return None
            self._gen, self._gen_name, self._analyzer = gen, name, None
        return self._gen

    def analyzer(self) -> QueryAnalyzer:
        gen = self._gen
        vocab = gen.vocab if gen is not None else Vocabulary()
        synonyms = self._synonyms()
        key = (id(vocab), id(synonyms))
        if self._analyzer is None or self._analyzer_key != key:
            self._analyzer = QueryAnalyzer(vocab, synonyms)
            self._analyzer_key = key
        return self._analyzer

    # -- keeping up to date -----------------------------------------------------------------------------
    def ensure_fresh(self, *, force: bool = False) -> None:
        """Cheap check (at most once per `check_interval` per process): apply pending catalogue changes."""
        now = time.monotonic()
        if not force and now - self._last_check < self.check_interval:
            return
        with self._lock:
            self._last_check = now
            gen = self._generation()
            if gen is None:
                if self.source.count():
                    self.rebuild()
                return
            applied = int(gen.state().get("last_change_id", 0))
            if self.source.latest_change_id() > applied:
                self.apply_changes()
            else:
                gen.reload()

    def apply_changes(self) -> int:
        """Apply catalogue changes after the last applied id; returns how many changes were applied."""
        with self._lock:
            gen = self._generation()
            if gen is None:
                self.rebuild()
                return 0
            last = int(gen.state().get("last_change_id", 0))
            changes = self.source.changes_after(last)
            if not changes:
                gen.reload()
                return 0
            try:
                writer = gen.index.writer(heap_size=50_000_000, num_threads=1)
            except ValueError:  # another process of this server holds the writer: it applies them
                gen.reload()
                return 0
            payloads = PayloadWriter(gen.path)
            try:
                applied, last = self._write_changes(gen, writer, payloads, changes)
                payloads.sync()  # before the commit that points into it
            finally:
                payloads.close()
            writer.commit()
            writer.wait_merging_threads()
            gen.vocab.save(gen.path / "vocab.json")
            gen.write_state(last_change_id=last)
            gen.reload()
            self._analyzer = None
            return applied

    def _write_changes(
        self, gen: _Generation, writer: tantivy.IndexWriter, payloads: PayloadWriter, changes: list[Change]
    ) -> tuple[int, int]:
        """Replaces the documents the changes touch (and those of the themes they touch) until the log is
        drained; returns (changes applied, last change id)."""
        applied = 0
        last = changes[-1].id
        while changes:
            touched: dict[str, set[str]] = {}
            for change in changes:
                touched.setdefault(change.kind, set()).add(change.code)
            for theme in touched.pop("theme", set()):
                expand = getattr(self.source, "codes_for_theme", None)
                if expand is not None:
                    items, bundles = expand(theme)
                    touched.setdefault("item", set()).update(items)
                    touched.setdefault("bundle", set()).update(bundles)
            for kind, codes in touched.items():
                if kind not in ("item", "bundle"):
                    continue
                for code in codes:
                    writer.delete_documents_by_term("key", f"{kind}:{code}")
                docs = self.source.documents(kind, codes)
                for doc in docs:
                    writer.add_document(to_tantivy(doc, payloads))
                gen.vocab.add_text(t for doc in docs for t in vocabulary_texts(doc))
            last = changes[-1].id
            applied += len(changes)
            changes = self.source.changes_after(last)
        return applied, last

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a new generation from the source and switch to it; returns the number of documents."""
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            change_id = self.source.latest_change_id()
            name = "gen-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"
            path = self.root / name
            path.mkdir()
            index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
            index.register_tokenizer("ws", _WS)
            writer = index.writer(heap_size=96_000_000, num_threads=min(2, os.cpu_count() or 1))
            documents = iter(self.source.all_documents())
            first = list(itertools.islice(documents, SAMPLES))
            payloads = PayloadWriter(path, dictionary=train_dictionary([_Texts.of(d).payload(d) for d in first]))
            vocab = Vocabulary()
            total = self.source.count()
            done = 0
            for doc in itertools.chain(first, documents):
                writer.add_document(to_tantivy(doc, payloads))
                vocab.add_text(vocabulary_texts(doc))
                done += 1
                if progress is not None and done % 1000 == 0:
                    progress(done, total)
            payloads.sync()
            payloads.close()
            writer.commit()
            writer.wait_merging_threads()
            del writer
            _tokens.cache_clear()
            abbreviations.cache_clear()
            words_of.cache_clear()
            vocab.save(path / "vocab.json", chars=True)
            (path / "state.json").write_text(
                json.dumps({"format": FORMAT, "last_change_id": change_id, "documents": done})
            )
            old = self._current_name()
            tmp = self.root / "CURRENT.tmp"
            tmp.write_text(name)
            tmp.replace(self.root / "CURRENT")
            if old and old != name:
                shutil.rmtree(self.root / old, ignore_errors=True)
            self._gen = None
            self._generation()
            if progress is not None:
                progress(done, total)
            return done

    # -- searching ---------------------------------------------------------------------------------------
    def parse(self, query: str) -> ParsedQuery:
        """The analysed query; the last PARSED_CACHE analyses are kept (per analyzer: vocabulary + synonyms)."""
        analyzer = self.analyzer()
        if self._parsed_owner is not analyzer:
            self._parsed.clear()
            self._parsed_owner = analyzer
        parsed = self._parsed.get(query)
        if parsed is None:
            parsed = analyzer.parse(query)
            if len(self._parsed) >= PARSED_CACHE:
                self._parsed.clear()  # simple and thread-safe; common queries come back at once
            self._parsed[query] = parsed
        return parsed

    def search(self, query: str, *, limit: int = 10, filters: Filters | None = None) -> list[Hit]:
        self.ensure_fresh()
        gen = self._gen
        if gen is None:
            return []
        parsed = self.parse(query)
        if parsed.empty:
            return []
        searcher = gen.searcher
        tq = self._retrieval_query(parsed, filters)
        found = searcher.search(tq, limit=max(CANDIDATES, limit), count=False).hits
        rank = RankQuery(parsed, {alt: gen.idf(alt) for concept in parsed.concepts for alt in concept.alts})
        places = searcher.fast_field_values("at", [address for _score, address in found])
        scored: list[tuple[float, int, dict[str, Any]]] = []
        for position, at in enumerate(places):
            payload = gen.payloads.read(at) if isinstance(at, int) else None
            if payload is None:  # a damaged payload file (logged): the other candidates still answer
                continue
            scored.append((score_payload(rank, payload), position, payload))
        scored.sort(key=lambda t: (-t[0], t[1]))
        hits = []
        for value, _position, payload in scored[:limit]:
            if value <= 0.05:
                continue
            kind, _sep, code = str(payload["k"]).partition(":")
            hits.append(
                Hit(
                    type=kind,
                    code=code,
                    name=payload.get("N", ""),
                    score=round(value, 4),
                    summary=payload.get("S", ""),
                    department=payload.get("d", ""),
                    region=payload.get("r", ""),
                    online_depth=int(payload.get("o", 0)),
                )
            )
        return hits

    def _retrieval_query(self, parsed: ParsedQuery, filters: Filters | None) -> tantivy.Query:
        weights: dict[tuple[str, str], float] = {}
        for concept in parsed.concepts:
            for alt, alt_weight in concept.alts.items():
                w = concept.weight * alt_weight
                if len(alt) == 1:
                    key = ("chars", alt)
                    weights[key] = max(weights.get(key, 0.0), w * 0.5)
                    continue
                for token in {*bigrams(alt), alt} if len(alt) <= 6 else set(bigrams(alt)):
                    for fname, boost in (("name_b", BOOST_NAME), ("alias_b", BOOST_ALIAS), ("other_b", BOOST_OTHER)):
                        key = (fname, token)
                        weights[key] = max(weights.get(key, 0.0), w * boost)
        should = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(SCHEMA, f, t), w))
            for (f, t), w in weights.items()
        ]
        query = tantivy.Query.boolean_query(should)
        if filters is None or not filters.active:
            return query
        must = [(tantivy.Occur.Must, query)]
        for fname, value in (
            ("audience", filters.audience),
            ("theme", filters.theme),
            ("department", filters.department),
            ("region", filters.region),
        ):
            if value:
                value = region_key(value) if fname == "region" else value
                must.append((tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, fname, value)))
        if filters.min_depth:
            must.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(SCHEMA, "depth", tantivy.FieldType.Integer, filters.min_depth, 4),
                )
            )
        return tantivy.Query.boolean_query(must)
