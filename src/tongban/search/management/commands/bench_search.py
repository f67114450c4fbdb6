"""tongban bench-search --items N: search over N generated items, the whole pipeline, in-process.

Generates a realistic catalogue (names composed from real service words, departments, regions,
aliases) straight into the catalogue tables (bulk insert), builds the index, runs 1,000 distinct mixed
queries (2-character words, official names, colloquial phrases, pinyin and initials, traditional
characters, wrong characters) — distinct, so each goes through the whole pipeline (normalise, segment,
synonyms, pinyin, rank), none answered by the analysed-query cache — and prints one JSON line: items,
build_seconds, p50_ms, p95_ms, p99_ms, rss_mb, the floor — the same queries as plain OR queries of
bigrams on raw tantivy (floor_p50_ms, floor_p95_ms) — and, for comparison, cached_p50/p95/p99_ms: 1,000
queries drawn from ~50 strings after warm-up (every one a cache hit). Prints figures, never fails on time.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import tantivy
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from tongban.search import services
from tongban.search.engine import SCHEMA
from tongban.search.quality import ACTIONS, CONFUSERS, OBJECTS
from tongban.search.text import bigrams, compact

PERSON_SERVICES = [
    ("居民身份证", ["身份证", "办身份证"]), ("出生", ["上户口", "报户口"]), ("户口", ["户口本"]),
    ("社会保障卡", ["社保卡", "医保卡"]), ("城乡居民医保", ["医保", "买医保"]), ("养老金", ["退休金"]),
    ("住房公积金", ["公积金"]), ("结婚", ["领结婚证"]), ("不动产", ["房产证"]), ("机动车驾驶证", ["驾照"]),
    ("护照", ["出国护照"]), ("往来港澳通行证", ["港澳通行证"]), ("义务教育", ["小学报名"]), ("残疾人证", ["残疾证"]),
    ("最低生活保障", ["低保"]), ("死亡医学证明", ["死亡证明"]), ("遗体火化", ["火化"]), ("失业保险金", ["失业金"]),
    ("个体工商户", ["开店", "个体户"]), ("食品经营", ["餐饮许可", "开饭店"]), ("发票", ["领发票"]), ("公章", ["刻章"]),
]  # fmt: skip
PERSON_ACTIONS = ["申领", "换领", "补领", "登记", "变更", "注销", "提取", "申请", "查询", "证明开具", "备案", "挂失"]
QUERIES = [
    "身份证", "出生", "户口", "社保", "医保", "护照", "结婚", "低保", "火化", "退休", "发票", "刻章", "许可", "备案",
    "孩子出生要办啥", "身份证丢了怎么办", "我想开个奶茶店", "退休金怎么领", "家里老人去世了", "公司怎么注销",
    "我要开公司", "驾照到期了", "社保卡丢了", "买房提公积金", "孩子上小学", "去香港办通行证",
    "sfz", "shenfenzheng", "hukou", "jiehun", "gjj", "sbk", "huzhao", "dibao", "yingyezhizhao", "csdj",
    "身份證丟了", "護照辦理", "結婚登記", "營業執照", "戶口遷移", "醫保報銷", "駕駛證換證", "殘疾人證",
    "道路运输", "建设工程", "危险化学品经营", "旅行社", "医疗机构执业", "户外广告", "特种设备", "餐饮",
]  # fmt: skip


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's memory from /proc (VmRSS; VmHWM: its peak since exec; RssAnon / RssFile: the two parts)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _get(application: Any, url: str) -> int:
    """One GET through the WSGI application, as gunicorn would call it; returns the status code."""
    path, _sep, query = url.partition("?")
    environ: dict[str, Any] = {"PATH_INFO": path, "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1"}
    setup_testing_defaults(environ)
    status: list[str] = []
    body = application(environ, lambda s, _h, _e=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return int(status[0].split()[0])


COLLOQUIAL = [
    "{o}丢了怎么办", "我想办{o}", "{o}怎么办理", "{o}到期了", "去哪里办{o}", "{o}需要什么材料", "怎么申请{o}",
    "{o}在网上能办吗", "帮我查一下{o}", "{o}要多久", "想问一下{o}{a}", "{o}{a}要带什么",
]  # fmt: skip


def _cached_queries(n: int) -> list[str]:
    """n queries drawn from the ~50 fixed strings: after warm-up every one is an analysed-query cache hit."""
    rng = random.Random(42)
    return [rng.choice(QUERIES) for _ in range(n)]


def _queries(n: int) -> list[str]:
    """n distinct queries in the styles people use (short, official, colloquial, pinyin, traditional, typo).

    Distinct, so none is answered from the analysed-query cache: each goes through the whole pipeline.
    """
    from opencc import OpenCC
    from pypinyin import Style, lazy_pinyin

    rng = random.Random(42)
    s2t = OpenCC("s2t")
    objects = [o for o, _a in PERSON_SERVICES] + [a for _o, aliases in PERSON_SERVICES for a in aliases] + OBJECTS
    actions = PERSON_ACTIONS + ACTIONS
    homophones: dict[str, list[str]] = {}
    for ch in {ch for text in objects + actions for ch in text}:
        homophones.setdefault(lazy_pinyin(ch)[0], []).append(ch)

    def typo(text: str) -> str:
        at = rng.randrange(len(text))
        others = [c for c in homophones.get(lazy_pinyin(text[at])[0], []) if c != text[at]]
        return text[:at] + rng.choice(others) + text[at + 1 :] if others else text[:at] + text[at + 1 :]

    styles = [
        (0.15, lambda o, a: o[:2] if rng.random() < 0.5 else o),
        (0.20, lambda o, a: o + a),
        (0.25, lambda o, a: rng.choice(COLLOQUIAL).format(o=o, a=a)),
        (0.10, lambda o, a: "".join(lazy_pinyin(o))),
        (0.05, lambda o, a: "".join(lazy_pinyin(o, style=Style.FIRST_LETTER))),
        (0.12, lambda o, a: s2t.convert(o + a)),
        (0.13, lambda o, a: typo(o + a)),
    ]
    out: list[str] = []
    seen = set(QUERIES)  # the warm-up strings are not timed
    shares = [share for share, _make in styles]
    while len(out) < n:
        make = rng.choices([m for _s, m in styles], weights=shares)[0]
        q = make(rng.choice(objects), rng.choice(actions))
        if q and q not in seen:
            seen.add(q)
            out.append(q)
    rng.shuffle(out)
    return out


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


class Command(BaseCommand):
    help = "Benchmark catalogue search over N generated items (default 1,000,000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=1000)
        parser.add_argument("--keep", action="store_true", help="keep generated items that are already there")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="reuse the index of this data folder when it holds every generated item (iterate on query speed)",
        )
        parser.add_argument(
            "--worker", action="store_true", help="(internal) only open the existing index and time the queries"
        )
        parser.add_argument("--query-file", default="", help="(internal) the worker's queries, a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        from tongban.catalog.models import ServiceItem

        if options["worker"]:
            self._worker(options["query_file"])
            return
        n = options["items"]
        existing = ServiceItem.objects.filter(code__startswith="BENCH-").count()
        started = time.perf_counter()
        if existing != n:
            self._generate(n)
        generate_seconds = time.perf_counter() - started
        services.seed_default_synonyms()
        stamp = services.index_path() / "bench-build.json"
        engine = services.get_engine()
        gen = engine._generation()
        reused = bool(
            options["reuse"]
            and gen is not None
            and stamp.exists()
            and gen.state().get("documents") == engine.source.count()
        )
        if reused:
            build_seconds = float(json.loads(stamp.read_text())["build_seconds"])
        else:
            started = time.perf_counter()
            services.rebuild_index()
            build_seconds = time.perf_counter() - started
            stamp.write_text(json.dumps({"build_seconds": build_seconds}))
        engine = services.get_engine()
        engine.check_interval = 3600.0  # measure searching, not the change-log check
        queries = _queries(options["queries"])
        for q in QUERIES:  # warm-up: vocabulary pinyin tables, index pages
            services.search(q, limit=10, log=False)
        cached = self._time(_cached_queries(options["queries"]))  # every query an analysed-query cache hit
        engine._parsed.clear()
        timings = self._time(queries)  # distinct queries: the whole pipeline every time
        floor = self._floor(engine, queries)
        gc.collect()
        worker = self._run_worker(queries)
        p95, floor_p95 = _percentile(timings, 0.95), _percentile(floor, 0.95)
        print(
            json.dumps(
                {
                    "items": n,
                    "generate_seconds": round(generate_seconds, 1),
                    "build_seconds": round(build_seconds, 1),
                    "build_reused": reused,
                    "p50_ms": _percentile(timings, 0.50),
                    "p95_ms": p95,
                    "p99_ms": _percentile(timings, 0.99),
                    "floor_p50_ms": _percentile(floor, 0.50),
                    "floor_p95_ms": floor_p95,
                    "ratio_p95_to_floor": round(p95 / max(floor_p95, 0.01), 2),
                    "queries": len(queries),
                    "distinct_queries": len(set(queries)),
                    "cached_p50_ms": _percentile(cached, 0.50),
                    "cached_p95_ms": _percentile(cached, 0.95),
                    "cached_p99_ms": _percentile(cached, 0.99),
                    "rss_mb": round(_rss_mb(), 1),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                    "search_worker_rss_mb": worker["rss_mb"],
                    "search_worker_peak_rss_mb": worker["peak_rss_mb"],
                    "search_worker_rss_anon_mb": worker["anon_mb"],
                    "search_worker_rss_file_mb": worker["file_mb"],
                    "search_worker_p50_ms": worker["p50_ms"],
                    "search_worker_p95_ms": worker["p95_ms"],
                    "search_worker_p99_ms": worker["p99_ms"],
                    "search_worker_statuses": worker["statuses"],
                    "index_mb": round(
                        sum(p.stat().st_size for p in services.index_path().rglob("*") if p.is_file()) / 2**20, 1
                    ),
                }
            ),
            file=self.stdout,
        )

    @staticmethod
    def _time(queries: list[str]) -> list[float]:
        timings = []
        for q in queries:
            t = time.perf_counter()
            services.search(q, limit=10, log=False)
            timings.append((time.perf_counter() - t) * 1000)
        return timings

    @staticmethod
    def _run_worker(queries: list[str]) -> dict[str, Any]:
        """A fresh app worker (P7): the whole WSGI application, answering the queries through the search API.

        The queries go through a file: generating them needs pypinyin, which a search worker never loads.
        It runs in production mode (DEBUG off), as an app server does.
        """
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)  # as `tongban serve` does before it starts
        path = services.index_path() / "bench-queries.json"
        path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-c", "from tongban.cli import main; main()", "bench-search", "--worker"]
        env = dict(os.environ) | {
            "TONGBAN_DEBUG": "false",
            "TONGBAN_DEMO": "false",
            "TONGBAN_SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "TONGBAN_PERSONAL_DATA_KEY": "bench-" + os.urandom(16).hex(),
        }
        done = subprocess.run([*command, "--query-file", str(path)], capture_output=True, text=True, env=env)
        if done.returncode:
            raise RuntimeError(f"the app worker failed: {done.stderr[-2000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def _worker(self, query_file: str) -> None:
        from tongban.wsgi import application

        engine = services.get_engine()
        engine.check_interval = 3600.0
        engine.ensure_fresh(force=True)
        queries = list(json.loads(Path(query_file).read_text(encoding="utf-8")))
        for page in ("/", "/search/?q=%E5%87%BA%E7%94%9F"):  # the portal's templates, as a worker serves them
            _get(application, page)
        for q in QUERIES:
            _get(application, "/api/v1/catalog/search?" + urlencode({"q": q}))
        engine._parsed.clear()
        timings, statuses = [], Counter[int]()
        for q in queries:
            t = time.perf_counter()
            statuses[_get(application, "/api/v1/catalog/search?" + urlencode({"q": q, "limit": 10}))] += 1
            timings.append((time.perf_counter() - t) * 1000)
        gc.collect()
        result = {
            "p50_ms": _percentile(timings, 0.50),
            "p95_ms": _percentile(timings, 0.95),
            "p99_ms": _percentile(timings, 0.99),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "rss_mb": round(_rss_mb(), 1),
            "peak_rss_mb": round(_rss_mb("VmHWM"), 1),
            "anon_mb": round(_rss_mb("RssAnon"), 1),
            "file_mb": round(_rss_mb("RssFile"), 1),
        }
        print(json.dumps(result), file=self.stdout)

    @staticmethod
    def _floor(engine: Any, queries: list[str]) -> list[float]:
        """The same queries as plain OR queries of bigrams on raw tantivy, the payloads of the top 10 read."""
        gen = engine._generation()
        searcher = gen.index.searcher()
        timings = []
        for q in queries:
            t = time.perf_counter()
            text = compact(q)
            tokens = set(bigrams(text)) or {text}
            should = [
                (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, field, token))
                for token in tokens
                for field in ("name_b", "alias_b", "other_b")
            ]
            hits = searcher.search(tantivy.Query.boolean_query(should), limit=10, count=False).hits
            for at in searcher.fast_field_values("at", [address for _score, address in hits]):
                gen.payloads.read(int(at or 0))  # as the engine does
            timings.append((time.perf_counter() - t) * 1000)
        return timings

    def _generate(self, n: int) -> None:
        from tongban.catalog.models import ServiceItem
        from tongban.demo import orgs
        from tongban.orgs.models import Department

        class _Quiet:
            def write(self, *_a: object, **_k: object) -> None:
                pass

        orgs.load(stdout=_Quiet())
        departments = list(Department.objects.values_list("code", "region__code", "name"))
        rng = random.Random(7)
        ServiceItem.objects.filter(code__startswith="BENCH-").delete()
        fields = [f for f in ServiceItem._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        defaults = {
            f.attname: f.get_db_prep_save(
                now if f.attname in ("created_at", "updated_at") else f.get_default(), connection
            )
            for f in fields
        }
        by_name = {f.attname: f for f in fields}
        columns = [f.column for f in fields]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (identifiers from the model, quoted)
            connection.ops.quote_name(ServiceItem._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
        started = time.perf_counter()
        rows: list[list[Any]] = []
        with transaction.atomic(), connection.cursor() as cursor:
            for i in range(n):
                dept, region, dept_name = rng.choice(departments)
                r = rng.random()
                aliases: list[str] = []
                if r < 0.3:
                    obj, obj_aliases = rng.choice(PERSON_SERVICES)
                    name = obj + rng.choice(PERSON_ACTIONS)
                    aliases = rng.sample(obj_aliases, k=1)
                elif r < 0.35:
                    name = rng.choice(CONFUSERS)
                else:
                    name = rng.choice(OBJECTS) + rng.choice(ACTIONS)
                if rng.random() < 0.3:
                    name = dept_name.replace("广州市", "")[:4] + name
                values = {
                    "code": f"BENCH-{i:07d}",
                    "name": name,
                    "aliases": aliases,
                    "kind": "permit",
                    "department_id": dept,
                    "region_id": region,
                    "audience": [rng.choice(["person", "legal_person"])],
                    "summary": f"{dept_name}依法办理{name}。",
                    "handling": "committed",
                    "committed_days": 10,
                    "statutory_days": 20,
                    "online_depth": rng.choice([1, 2, 3, 4]),
                    "max_visits": 0,
                    "popularity": rng.randint(0, 1000),
                }
                prepared = {k: by_name[k].get_db_prep_save(v, connection) for k, v in values.items()}
                rows.append([prepared.get(f.attname, defaults[f.attname]) for f in fields])
                if len(rows) == 5000:
                    cursor.executemany(sql, rows)
                    rows.clear()
                    if (i + 1) % 100_000 == 0:
                        self.stderr.write(f"generated {i + 1} items ({time.perf_counter() - started:.0f} s)")
            if rows:
                cursor.executemany(sql, rows)
        connection.close()
