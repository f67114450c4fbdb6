"""搜索质量: pad a catalogue with realistic distractor items and score a labelled query set.

Metrics: Recall@1, Recall@5 (an expected code among the first k) and MRR@10, overall and per style.

Scored through the production path (`production_run`): the padded catalogue is written to a file, a
scratch data folder gets `tongban migrate`, `tongban import-catalogue FILE` (the real importer, so
`popularity` stays 0 as on any imported catalogue) and `tongban reindex`, and every query goes to
`GET /api/v1/catalog/search` — what an independent evaluation of an imported catalogue sees.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tongban.search.engine import SearchEngine

OBJECTS = [
    "建设工程", "道路运输", "危险化学品", "烟花爆竹", "出版物", "广播电视", "人力资源服务", "旅行社", "拍卖企业",
    "典当行", "兽药", "农药", "种子", "林木采伐", "取水", "排污", "医疗机构", "放射诊疗", "宗教活动场所", "文物",
    "测绘", "气象", "人防工程", "城市道路", "燃气经营", "供水", "排水", "养老机构", "托育机构", "出租汽车",
    "船舶", "港口", "渔业捕捞", "动物防疫", "生猪屠宰", "饲料", "食盐", "计量器具", "检验检测机构", "商标",
    "专利", "娱乐场所", "营业性演出", "互联网上网服务营业场所", "高危险性体育项目", "会计师事务所", "律师事务所",
    "司法鉴定机构", "基金会", "慈善组织", "退役军人", "优抚对象", "护士", "药师", "执业兽医", "导游", "建造师",
    "消防设施", "危险废物", "辐射安全", "环境影响评价", "水土保持", "河道管理范围", "城市绿地", "古树名木",
    "非机动车", "校车", "驾驶员培训机构", "机动车维修", "饮用水供水单位", "消毒产品", "职业病诊断", "血站",
    "母婴保健机构", "放射工作人员", "医疗器械", "化妆品", "保健食品", "特殊医学用途配方食品", "婴幼儿配方乳粉",
    "餐厨垃圾", "建筑垃圾", "物业服务", "房地产开发企业", "房地产经纪机构", "预售商品房", "建设用地", "临时用地",
    "乡村建设", "集体土地", "矿产资源", "地质灾害", "海域使用", "无居民海岛", "农村宅基地", "农业机械",
    "拖拉机", "联合收割机", "渔船", "农药经营", "肥料", "植物检疫", "动物诊疗机构", "水产苗种", "野生动物",
    "外商投资企业", "对外贸易经营者", "报关企业", "电子商务", "成品油", "二手车交易市场", "再生资源回收",
    "单用途商业预付卡", "直销企业", "粮食收购", "价格", "广告发布", "网络交易", "电梯", "锅炉", "压力容器",
    "气瓶充装", "大型游乐设施", "校外培训机构", "中外合作办学", "普通高中", "职业学校", "技工学校",
    "人力资源市场", "职业技能培训机构", "劳动保障监察", "工资支付", "集体合同", "特殊工时制度", "残疾人就业",
    "法律援助", "公证", "人民调解", "社区矫正", "户外广告", "城市照明", "临时占用城市道路", "挖掘城市道路",
    "公共汽车", "轨道交通", "民用航空", "铁路", "邮政", "快递", "通信基站", "无线电台", "网络安全", "档案",
]  # fmt: skip
ACTIONS = [
    "许可", "许可变更", "许可延续", "许可注销", "备案", "备案变更", "登记", "核准", "审批", "审核", "变更登记",
    "注销登记", "资格认定", "年度检验", "证书补发", "证书换发", "补贴申领", "奖励", "监督检查", "验收",
    "证明开具", "信息查询", "资质认定", "资质延续", "从业人员培训", "信用修复", "投诉举报处理", "行政指导",
]  # fmt: skip
PENALTIES = [
    "对{o}未按规定办理{a}的处罚", "对{o}擅自变更{a}事项的处罚", "对伪造、变造{o}{a}证件的处罚",
    "对{o}违反安全管理规定的行政强制", "对{o}的行政检查", "对未取得{a}从事{o}经营活动的处罚",
]  # fmt: skip
CONFUSERS = [
    "对冒用他人居民身份证的处罚", "对出租、出借居民身份证的处罚", "居民身份证指纹信息采集", "出生医学证明管理检查",
    "对未取得食品经营许可从事食品经营活动的处罚", "对个体工商户未按规定公示年报的处罚", "对违反户口登记管理规定的处罚",
    "结婚登记档案查询", "殡葬设施建设审批", "对擅自火化遗体的处罚", "护照签发机关查询", "港澳居民来往内地通行证换发",
    "台湾居民来往大陆通行证签发", "外国人永久居留身份证申请", "社会保障卡服务网点查询", "医疗保障定点医疗机构协议管理",
    "退役士兵自主就业一次性经济补助金", "企业职工养老保险关系转移", "机关事业单位养老保险参保登记",
    "住房公积金单位缴存比例调整", "不动产登记资料查询（利害关系人）", "机动车检验合格标志核发", "驾驶人安全教育",
    "公司登记（备案）信息查询", "外国（地区）企业常驻代表机构登记", "农民专业合作社设立登记", "企业迁移登记",
    "税收优惠资格备案", "出口退税备案", "发票真伪查询", "印章治安管理信息查询", "餐饮服务食品安全监督检查",
    "幼儿园办园行为督导评估", "义务教育阶段学校招生计划公开", "生育服务监督检查", "婚姻介绍机构备案",
    "残疾人辅助器具适配补贴", "低保家庭救助金发放", "临时身份证明开具（派出所）", "户籍档案查询",
]  # fmt: skip


def padded_records(records: list[dict[str, Any]], *, total: int = 1500, seed: int = 7) -> list[dict[str, Any]]:
    """The catalogue plus generated distractor items (real-looking names) until it has `total` items."""
    rng = random.Random(seed)
    items = [r for r in records if r.get("type") == "item"]
    departments = [r["code"] for r in records if r.get("type") == "department"] or ["DEPT"]
    themes = [r["code"] for r in records if r.get("type") == "theme"]
    names: list[str] = list(CONFUSERS)
    seen = {r["name"] for r in items} | set(names)
    while len(names) < max(0, total - len(items)):
        o, a = rng.choice(OBJECTS), rng.choice(ACTIONS)
        name = rng.choice(PENALTIES).format(o=o, a=a) if rng.random() < 0.25 else f"{o}{a}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    out = list(records)
    for i, name in enumerate(names[: max(0, total - len(items))]):
        out.append(
            {
                "type": "item",
                "code": f"PAD-{i:05d}",
                "name": name,
                "kind": "permit",
                "department": rng.choice(departments),
                "region": "440100",
                "audience": [rng.choice(["person", "legal_person"])],
                "themes": [rng.choice(themes)] if themes and rng.random() < 0.3 else [],
                "summary": f"依据有关法律法规办理{name}，申请人按要求提交材料。",
                "handling": "committed",
                "committed_days": 10,
                "online_depth": rng.choice([1, 2, 3, 4]),
                "max_visits": 0,
                "materials": [{"name": "申请表", "required": True}, {"name": "营业执照", "required": False}],
                "popularity": rng.randint(0, 200),
            }
        )
    return out


@dataclass
class Query:
    q: str
    style: str
    expected: list[str]
    holdout: bool = False


def load_queries(path: Path) -> list[Query]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Query(d["q"], d["style"], list(d["expected"]), bool(d.get("holdout", False))))
    return out


def strip_aliases(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalogue without its everyday names (aliases): how far search gets on official text alone."""
    return [{**r, "aliases": []} if r.get("type") in ("item", "bundle") else dict(r) for r in records]


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


SearchFunction = Callable[[str], list[str]]


def api_search(limit: int = 10) -> SearchFunction:
    """Codes of the results of GET /api/v1/catalog/search?q=…&limit=…, best first (the public API)."""
    from django.test import Client

    client = Client()

    def run(q: str) -> list[str]:
        # secure: as a browser reaches it in production (HTTPS; plain HTTP is redirected there)
        response = client.get("/api/v1/catalog/search", {"q": q, "limit": str(limit)}, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"search API answered {response.status_code} for {q!r}: {response.content[:200]!r}")
        return [str(r["code"]) for r in response.json()["results"]]

    return run


def production_run(records: list[dict[str, Any]], queries_path: Path, *, keep: Path | None = None) -> dict[str, Any]:
    """Score `records` as an operator would run them: a scratch data folder (SQLite), `tongban migrate`,
    `tongban import-catalogue`, `tongban reindex`, then every query through the search API.

    Runs in child processes so the caller's own database and index are never touched.
    """
    tongban = [sys.executable, "-c", "from tongban.cli import main; main()"]
    with tempfile.TemporaryDirectory(prefix="tongban-quality-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("TONGBAN_DATABASE_URL", "TONGBAN_REDIS_URL")}
        env["TONGBAN_DATA_DIR"] = str(folder)
        catalogue = folder / "catalogue.jsonl"
        write_jsonl(records, catalogue)
        for args in (
            ["migrate", "--noinput", "-v0"],
            ["import-catalogue", str(catalogue), "--no-progress"],
            ["reindex"],
        ):
            subprocess.run([*tongban, *args], env=env, check=True, capture_output=True, text=True)
        done = subprocess.run(
            [*tongban, "search-quality", "--here", "--json", "--misses", "--queries", str(queries_path.resolve())],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def evaluate(engine: SearchEngine | SearchFunction, queries: list[Query]) -> dict[str, Any]:
    """{"overall": {...}, style: {...}, "holdout": {...}, "tuned": {...}, "misses": [...]}.

    `engine` is a SearchEngine or a function from query text to result codes (e.g. `api_search()`).
    """
    groups: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    misses = []
    for query in queries:
        codes = engine(query.q)[:10] if callable(engine) else [h.code for h in engine.search(query.q, limit=10)]
        rank = next((i + 1 for i, c in enumerate(codes) if c in query.expected), 0)
        row = (1.0 if rank == 1 else 0.0, 1.0 if 0 < rank <= 5 else 0.0, 1.0 / rank if rank else 0.0)
        for key in ("overall", query.style, "holdout" if query.holdout else "tuned"):
            groups[key].append(row)
        if rank != 1:
            misses.append(
                {"q": query.q, "style": query.style, "rank": rank, "expected": query.expected, "got": codes[:3]}
            )

    def summary(rows: list[tuple[float, float, float]]) -> dict[str, float]:
        n = len(rows) or 1
        return {
            "n": len(rows),
            "recall@1": round(sum(r[0] for r in rows) / n, 3),
            "recall@5": round(sum(r[1] for r in rows) / n, 3),
            "mrr@10": round(sum(r[2] for r in rows) / n, 3),
        }

    return {key: summary(rows) for key, rows in groups.items()} | {"misses": misses}
