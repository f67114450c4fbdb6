"""办理结果文书: every decision produces its document, a PDF the applicant and the clerk download.

Until electronic certificates exist, the document is the result a person can hold: the
准予/不予行政许可决定书, 准予登记通知书, 给付决定书, 办理结果告知书, 不予受理决定书 … (wording by
item kind in `decision_wording`), with the case number, the item, the applicant (the name whole —
the document is addressed to them and only they and the staff of the case can download it — the
ID number masked in the strong form), the department, the decision text, the legal basis (设定依据 from
the catalogue) and the date. A bundle's parent gets one combined document listing each item's
outcome (一件事办理结果告知书).

`issue` and `issue_for_bundle` are called by `services.concluding` inside the transaction that
concludes the case; the PDF is stored through Django storage under cases/results/ (so the
clean-up of unreferenced files also covers a document whose transaction rolled back).
The text is always the official Chinese (the document is the same whoever downloads it).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fontTools.ttLib import TTLibError
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from tongban.accounts.models import IdType
from tongban.cases import decision_wording as wording
from tongban.cases.models import Case, CaseStatus, DecisionDocument
from tongban.core.masking import mask_id_number

#: Fonts with Chinese glyphs that Debian packages install (fonts-wqy-zenhei, fonts-wqy-microhei,
#: fonts-noto-cjk), tried in this order when TONGBAN_DOCUMENT_FONT is not set.
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
FONT_FAMILY = "cjk"
#: fontTools reports the bitmap tables of WenQuanYi it cannot subset; the document needs none of them.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class DocumentFontMissing(ImproperlyConfigured):
    """No font with Chinese glyphs: decision documents cannot be written."""


@dataclass(frozen=True)
class DocumentText:
    """What a document says, before it is laid out."""

    title: str
    department: str
    number: str
    facts: list[tuple[str, str]]
    salutation: str
    paragraphs: list[str]
    legal_basis: str
    issued_on: date
    outcomes: list[list[str]] = field(default_factory=list)  # a bundle: each item's lines
    appealable: bool = False


# --- reading ----------------------------------------------------------------------------------------


def document_of(case: Case) -> DecisionDocument | None:
    """The case's decision document, if its decision produced one: read with the case when it was
    fetched with it (`selectors.get_case_for` does), else one query."""
    try:
        return case.decision_document
    except DecisionDocument.DoesNotExist:
        return None


def _issued(case: Case) -> bool:
    """Whether the case has its document already, asked of the database (not of a loaded case)."""
    return DecisionDocument.objects.filter(case=case).exists()


def download_name(document: DecisionDocument, case: Case) -> str:
    return f"{document.title}-{case.number}.pdf"


def outcome_word(case: Case) -> str:
    """The result in a word for the case page: 准予许可 / 准予登记 / 不予给付 / 不予受理 …"""
    if case.bundle_id is not None and case.item_id is None:
        return str(wording.BUNDLE.word)
    kind = wording.wording_for(case.item)
    words = {
        CaseStatus.APPROVED: kind.grant,
        CaseStatus.REFUSED: kind.refuse,
        CaseStatus.REFUSED_AT_INTAKE: wording.NOT_ACCEPTED.word,
    }
    return str(words.get(CaseStatus(case.status), case.get_status_display()))


# --- issuing ----------------------------------------------------------------------------------------


def issue(*, case: Case, outcome: str) -> DecisionDocument | None:
    """Write the document of `case`'s decision (none for a withdrawal; once per case)."""
    if outcome == wording.Outcome.WITHDRAWN or _issued(case):
        return None
    with translation.override("zh-hans"):  # the official text, whoever decided in whichever language
        return _store(case, _single_case_text(case, outcome))


def issue_for_bundle(parent: Case) -> DecisionDocument | None:
    """一件事办理结果告知书: one document for the bundle, listing every item's outcome."""
    if parent.concluded_at is None or parent.status == CaseStatus.WITHDRAWN or _issued(parent):
        return None
    with translation.override("zh-hans"):
        return _store(parent, _bundle_text(parent))


def _store(case: Case, text: DocumentText) -> DecisionDocument:
    data = render(text)
    document = DecisionDocument(case=case, title=text.title, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    safe_number = re.sub(r"[^A-Za-z0-9-]", "-", case.number)
    document.file.save(f"{safe_number}.pdf", ContentFile(data), save=False)
    document.save()
    return document


# --- what the document says -------------------------------------------------------------------------


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _local_day(moment: datetime | None) -> date:
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def _applicant_facts(case: Case) -> tuple[list[tuple[str, str]], str]:
    """申请人 by name with their ID masked, the company a person acted for, and the salutation."""
    company = case.acting_for
    person = case.applicant
    if company is not None:
        facts = [(_("申请人"), company.name), (_("统一社会信用代码"), company.credit_code or "—")]
        facts.append((_("经办人"), person.name))
        return facts, company.name
    if person.kind == "legal_person":
        return [(_("申请人"), person.name), (_("统一社会信用代码"), person.credit_code or "—")], person.name
    facts = [(_("申请人"), person.name)]
    if person.id_number:
        id_type = IdType(person.id_type).label if person.id_type in IdType.values else _("证件号码")
        facts.append((str(id_type), mask_id_number(person.id_number)))
    return facts, person.name


def _single_case_text(case: Case, outcome: str) -> DocumentText:
    item = case.item
    kind = wording.wording_for(item)
    ends: dict[str, wording.EndWording] = {
        wording.Outcome.NOT_ACCEPTED: wording.NOT_ACCEPTED,
        wording.Outcome.NOT_SUPPLEMENTED: wording.NOT_SUPPLEMENTED,
    }
    if outcome == wording.Outcome.APPROVED:
        title, sentence, appealable = kind.grant_title, kind.grant_text, False
    elif outcome == wording.Outcome.REFUSED:
        title, sentence, appealable = kind.refuse_title, kind.refuse_text, kind.appealable
    else:
        end = ends.get(outcome, wording.CONCLUDED)
        title, sentence, appealable = end.title, end.text, end.appealable
    facts, salutation = _applicant_facts(case)
    submitted = _chinese_date(_local_day(case.submitted_at))
    facts += [(_("申请事项"), case.title), (_("办件编号"), case.number), (_("申请日期"), submitted)]
    if case.accepted_at is not None and outcome != wording.Outcome.NOT_ACCEPTED:
        facts.append((_("受理日期"), _chinese_date(_local_day(case.accepted_at))))
    paragraphs = [
        _("你（单位）于%(date)s提出的“%(item)s”申请，%(sentence)s")
        % {"date": submitted, "item": case.title, "sentence": sentence}
    ]
    if case.decision_text.strip():
        paragraphs.append(_("决定内容：%(text)s") % {"text": case.decision_text.strip()})
    result_name = str((item.result or {}).get("name") or "") if item is not None else ""
    if outcome == wording.Outcome.APPROVED and result_name:
        paragraphs.append(_("办理结果：《%(name)s》。") % {"name": result_name})
    basis = (item.legal_basis if item is not None else "").strip() or _("（事项目录未载明）")
    return DocumentText(
        title=str(title),
        department=case.department.name,
        number=case.number,
        facts=facts,
        salutation=salutation,
        paragraphs=paragraphs,
        legal_basis=basis,
        issued_on=_local_day(case.concluded_at),
        appealable=appealable,
    )


def _bundle_text(parent: Case) -> DocumentText:
    facts, salutation = _applicant_facts(parent)
    submitted = _chinese_date(_local_day(parent.submitted_at))
    facts += [(_("一件事"), parent.title), (_("办件编号"), parent.number), (_("申请日期"), submitted)]
    outcomes = []
    children = parent.children.select_related("item", "department", "decision_document").order_by("position")
    for position, child in enumerate(children, start=1):
        lines = [
            f"{position}. {child.title}：{outcome_word(child)}",
            f"{_('办理部门')}：{child.department.name}",
            f"{_('办件编号')}：{child.number}",
        ]
        if hasattr(child, "decision_document"):
            lines.append(_("文书：《%(title)s》") % {"title": child.decision_document.title})
        outcomes.append(lines)
    paragraphs = [
        _("你（单位）于%(date)s提出的“%(name)s”联合申请已全部办结。%(sentence)s")
        % {"date": submitted, "name": parent.title, "sentence": wording.BUNDLE.text}
    ]
    return DocumentText(
        title=str(wording.BUNDLE.title),
        department=parent.department.name,
        number=parent.number,
        facts=facts,
        salutation=salutation,
        paragraphs=paragraphs,
        legal_basis=_("各事项的设定依据见该事项的办理结果文书。"),
        issued_on=_local_day(parent.concluded_at),
        outcomes=outcomes,
    )


# --- layout ---------------------------------------------------------------------------------------


def document_font() -> Path:
    """The font file for Chinese text: TONGBAN_DOCUMENT_FONT, a known Debian font, or fontconfig's."""
    configured = str(getattr(settings, "DOCUMENT_FONT", "") or "")
    if configured:
        if not Path(configured).is_file():
            raise DocumentFontMissing(f"TONGBAN_DOCUMENT_FONT={configured} is not a font file.")
        return Path(configured)
    for candidate in KNOWN_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    found = _fontconfig_chinese_font()
    if found is None:
        raise DocumentFontMissing(
            "No font with Chinese characters for decision documents (办理结果文书): install the Debian "
            "package fonts-wqy-zenhei (scripts/system-deps.sh) or set TONGBAN_DOCUMENT_FONT to a "
            ".ttf/.ttc/.otf file."
        )
    return found


def _fontconfig_chinese_font() -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(listed.splitlines()):
        path = Path(line.split(":", 1)[0].strip())
        if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file():
            return path
    return None


def render(text: DocumentText) -> bytes:
    """Lay the document out on A4 in the CJK font (subset into the PDF)."""
    font = document_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(left=22, top=20, right=22)
    pdf.set_auto_page_break(auto=True, margin=20)
    try:
        pdf.add_font(FONT_FAMILY, fname=str(font))
    except (OSError, TTLibError) as exc:
        raise DocumentFontMissing(f"{font} cannot be read as a font: {exc}") from exc
    pdf.set_title(text.title)
    pdf.set_author(text.department)
    pdf.set_creator(str(settings.TONGBAN.get("PLATFORM_NAME", "通办")))
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(timezone.now())
    pdf.add_page()

    def line(words: str, size: float, *, align: Align = Align.L, height: float = 8) -> None:
        pdf.set_font(FONT_FAMILY, size=size)
        pdf.multi_cell(0, height, words, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(text.department, 15, align=Align.C, height=9)
    line(text.title, 21, align=Align.C, height=14)
    line(_("编号：%(number)s") % {"number": text.number}, 10.5, align=Align.R, height=7)
    pdf.ln(3)
    for label, value in text.facts:
        line(f"{label}：{value}", 11.5, height=7)
    pdf.ln(4)
    line(f"{text.salutation}：", 12.5)
    for paragraph in text.paragraphs:
        line(f"　　{paragraph}", 12.5)
    for lines in text.outcomes:
        line(f"　　{lines[0]}", 12, height=7.5)
        for detail in lines[1:]:
            line(f"　　　　{detail}", 11, height=6.5)
    line(_("　　设定依据：%(basis)s") % {"basis": text.legal_basis}, 12.5)
    if text.appealable:
        line(
            _(
                "　　如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
                "或者自收到之日起六个月内依法向人民法院提起行政诉讼。"
            ),
            12.5,
        )
    pdf.ln(10)
    line(text.department, 12.5, align=Align.R)
    line(_chinese_date(text.issued_on), 12.5, align=Align.R)
    pdf.ln(8)
    line(
        _("本文书由%(platform)s生成，申请人可在“我的办件”中下载；凭办件编号和查询码可查询办理进度。")
        % {"platform": settings.TONGBAN.get("PLATFORM_NAME", "通办")},
        9,
        height=5,
    )
    return bytes(pdf.output())
