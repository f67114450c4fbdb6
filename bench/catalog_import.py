"""Catalogue import benchmark: generate N items, import them into a fresh SQLite database.

    .venv/bin/python bench/catalog_import.py [--items 100000] [--again] [--keep FILE]

Prints one JSON line: {"items", "seconds", "items_per_s", ...}; `cpu_seconds` is the process's
own CPU time, steadier than the wall clock on a shared machine. `--again` also times a second
import of the same file (nothing changes, so nothing is written) and reports it as `again_seconds`.
The database lives in a temporary TONGBAN_DATA_DIR unless TONGBAN_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REGIONS = ["440100", "440103", "440104", "440105", "440106", "440111", "440112", "440113", "440300", "440304"]
AGENCIES = [
    ("GA", "公安局"),
    ("RS", "人力资源和社会保障局"),
    ("YB", "医疗保障局"),
    ("WJ", "卫生健康委员会"),
    ("MZ", "民政局"),
    ("SJ", "市场监督管理局"),
    ("SW", "税务局"),
    ("JY", "教育局"),
    ("ZJ", "住房和城乡建设局"),
    ("GJJ", "住房公积金管理中心"),
    ("JT", "交通运输局"),
    ("GZ", "规划和自然资源局"),
]
THEMES = [
    ("hukou", "户籍办理", "person", "我要办户口"),
    ("shengyu", "生育收养", "person", "我要生孩子"),
    ("yibao", "医疗保障", "person", "我要办医保"),
    ("shebao", "社会保障", "person", "我要办社保"),
    ("jiuye", "就业创业", "person", "我要找工作"),
    ("jiaoyu", "教育科研", "person", "我要上学"),
    ("zhufang", "住房保障", "person", "我要买房"),
    ("kanbing", "医疗卫生", "person", "我要看病"),
    ("kaiban", "开办企业", "legal_person", "我要开办企业"),
    ("nashui", "纳税缴费", "legal_person", "我要纳税"),
    ("zhaopin", "招聘用工", "legal_person", "我要招人"),
    ("zhuxiao", "企业注销", "legal_person", "我要注销企业"),
]
VERBS = ["申领", "变更", "补领", "换领", "注销", "登记", "备案", "审批", "核准", "认定", "查询", "办理"]
NOUNS = [
    "居民身份证",
    "居民户口簿",
    "出生医学证明",
    "社会保障卡",
    "医保参保",
    "失业保险金",
    "营业执照",
    "食品经营许可证",
    "建筑工程施工许可证",
    "住房公积金",
    "机动车驾驶证",
    "不动产权证书",
    "残疾人证",
    "最低生活保障",
    "养老保险待遇",
]
KINDS = ["permit", "confirmation", "payment", "public_service", "other_power", "reward"]
MATERIALS = [
    ("居民身份证", "government", "resident_id"),
    ("居民户口簿", "government", "household_register"),
    ("申请表", "applicant", None),
    ("营业执照", "government", "business_licence"),
    ("委托书", "applicant", None),
    ("近期免冠照片", "applicant", None),
    ("结婚证", "government", "marriage_certificate"),
]


def department_code(region: str, agency: str) -> str:
    return f"{region}-{agency}"


def generate(path: Path, items: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:

        def line(obj: dict) -> None:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")

        for region in REGIONS:
            for agency, name in AGENCIES:
                line(
                    {
                        "type": "department",
                        "code": department_code(region, agency),
                        "name": f"{region}{name}",
                        "region": region,
                        "phone": f"020-{rng.randrange(10_000_000, 99_999_999)}",
                    }
                )
        for code, name, audience, phrase in THEMES:
            line({"type": "theme", "code": code, "name": name, "audience": audience, "phrase": phrase})
        for n in range(items):
            region = REGIONS[n % len(REGIONS)]
            agency = AGENCIES[(n // len(REGIONS)) % len(AGENCIES)][0]
            noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
            instant = rng.random() < 0.2
            statutory = rng.choice([None, 20, 30, 60])
            committed = 0 if instant else rng.randint(1, statutory or 20)
            depth = rng.randint(1, 4)
            visits = 0 if depth == 4 else rng.choice([0, 1, 2])
            item = {
                "type": "item",
                "code": f"{region}-{agency}-{n:07d}",
                "base_code": f"{n % 5000:012d}",
                "name": f"{noun}{verb}",
                "aliases": [f"办{noun}", f"{noun}{verb}怎么办"],
                "kind": rng.choice(KINDS),
                "department": department_code(region, agency),
                "region": region,
                "audience": ["person"] if rng.random() < 0.7 else ["legal_person"],
                "themes": [rng.choice(THEMES)[0]],
                "summary": f"为符合条件的申请人办理{noun}{verb}。",
                "conditions": "申请人应为本市户籍居民或持有居住证。",
                "legal_basis": "《中华人民共和国行政许可法》",
                "handling": "instant" if instant else "committed",
                "statutory_days": statutory,
                "committed_days": committed,
                "online_depth": depth,
                "max_visits": visits,
                "scope": rng.choice(["local", "city", "province"]),
                "channels": ["web", "mobile", "window"],
                "fee": {"charged": False},
                "materials": [
                    {
                        "name": name,
                        "required": True,
                        "form": "original",
                        "source": source,
                        **({"certificate_type": cert} if cert else {}),
                    }
                    for name, source, cert in rng.sample(MATERIALS, rng.randint(1, 4))
                ],
                "result": {"name": f"{noun}"},
            }
            if visits:
                item["visit_reason"] = "需核验原件"
            line({k: v for k, v in item.items() if v is not None})
        line(
            {
                "type": "bundle",
                "code": "bench-bundle",
                "name": "基准一件事",
                "items": [f"{REGIONS[0]}-{AGENCIES[0][0]}-{0:07d}", f"{REGIONS[1]}-{AGENCIES[0][0]}-{1:07d}"],
            }
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--again", action="store_true", help="time a second, unchanged import too")
    parser.add_argument("--keep", help="write the generated file here and keep it")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tongban-bench-"))
    os.environ.setdefault("TONGBAN_DATA_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tongban.catalog.services import import_catalogue

    call_command("migrate", verbosity=0)
    path = Path(args.keep) if args.keep else workdir / "catalogue.jsonl"
    started = time.perf_counter()
    generate(path, args.items)
    generated = time.perf_counter() - started

    cpu = time.process_time()
    with path.open("rb") as stream:
        report = import_catalogue(stream=stream, actor=None)
    cpu = time.process_time() - cpu
    assert report.written and report.counts["item"].created == args.items, report.summary()
    result = {
        "items": args.items,
        "seconds": round(report.seconds, 2),
        "items_per_s": round(args.items / report.seconds),
        "cpu_seconds": round(cpu, 2),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "generate_seconds": round(generated, 2),
        "database": connection.vendor,
    }
    if args.again:
        with path.open("rb") as stream:
            again = import_catalogue(stream=stream, actor=None)
        assert again.counts["item"].unchanged == args.items, again.summary()
        result["again_seconds"] = round(again.seconds, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
