"""补正 answered item by item: every listed problem — a material, a form field, "其他问题" — with a
replacement file or a text reply (a field also by correcting it); the notice lists everything at
once; the clerk sees each answer next to its item; a mistake keeps what was typed and names the
files to pick again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import submit, upload
from tests.cases.test_api import token_client
from tests.conftest import verified_client
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, MaterialFile, Supplement
from tongban.cases.supplement_items import ItemAnswer, ItemKind, items_of

pytestmark = pytest.mark.django_db

ITEMS = [
    {"material": "营业执照", "reason": "已过期"},
    {"field": "area", "reason": "与平面图不一致"},
    {"field": "其他问题", "reason": "请说明门店是否临街"},
]


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def asked(item, people, media) -> Case:
    """A case in review with a notice listing a material, a form field and another problem."""
    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    services.request_supplement(
        case=fresh(case), clerk=people["banli"], items=ITEMS, note="请一次补齐", expected_version=fresh(case).version
    )
    return fresh(case)


def test_the_items_of_a_notice_are_a_material_a_field_and_another_problem(asked):
    notice = asked.supplements.get()
    items = items_of(notice, {"area": {"title": "经营面积（平方米）"}})
    assert [(i.kind, i.label) for i in items] == [
        (ItemKind.MATERIAL, "营业执照"),
        (ItemKind.FIELD, "经营面积（平方米）"),
        (ItemKind.OTHER, "其他问题"),
    ]


def test_each_item_is_answered_by_a_file_a_reply_or_a_corrected_field(asked, people):
    zhang = people["zhangsan"]
    services.submit_supplement(
        case=asked,
        applicant=zhang,
        answers={"area": 55},
        replies={
            0: ItemAnswer(text="新营业执照见附件", files=(upload("新执照.pdf"),)),
            2: ItemAnswer(text="门店临街，见照片", files=(upload("门头.pdf"),)),
        },
    )
    case = fresh(asked)
    assert case.status == CaseStatus.IN_REVIEW and case.answers["area"] == 55
    notice = Supplement.objects.get(case=case)
    assert notice.answered_at is not None
    licence, area, other = notice.answers
    assert licence["text"] == "新营业执照见附件" and len(licence["files"]) == 1
    assert area == {"text": "", "files": [], "changed": True}
    assert other["text"] == "门店临街，见照片"
    stored = MaterialFile.objects.get(pk=other["files"][0])
    assert stored.case == case and stored.original_name == "门头.pdf" and "其他问题" in stored.material_name
    assert MaterialFile.objects.get(pk=licence["files"][0]).material_name == "营业执照"


def test_a_text_reply_alone_answers_a_material(asked, people):
    services.submit_supplement(
        case=asked,
        applicant=people["zhangsan"],
        replies={0: ItemAnswer(text="原件已交窗口"), 1: ItemAnswer(text="面积无误"), 2: ItemAnswer(text="临街")},
    )
    assert fresh(asked).status == CaseStatus.IN_REVIEW


def test_every_item_must_be_answered_and_nothing_is_written_otherwise(asked, people):
    before = MaterialFile.objects.count()
    with pytest.raises(ValidationError) as missing:
        services.submit_supplement(
            case=asked,
            applicant=people["zhangsan"],
            replies={0: ItemAnswer(files=(upload(),)), 1: ItemAnswer(text="面积无误")},
        )
    assert set(missing.value.message_dict) == {"item-2"}
    assert "其他问题" in missing.value.message_dict["item-2"][0]
    with pytest.raises(ValidationError) as unchanged:  # the same value again is no answer
        services.submit_supplement(
            case=fresh(asked),
            applicant=people["zhangsan"],
            answers={"area": 42},
            replies={0: ItemAnswer(text="见附件"), 2: ItemAnswer(text="临街")},
        )
    assert set(unchanged.value.message_dict) == {"item-1"}
    case = fresh(asked)
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED and MaterialFile.objects.count() == before
    assert Supplement.objects.get(case=case).answered_at is None


def test_a_bad_file_is_named_next_to_its_item(asked, people):
    with pytest.raises(ValidationError) as bad:
        services.submit_supplement(
            case=asked,
            applicant=people["zhangsan"],
            replies={
                0: ItemAnswer(text="见附件"),
                1: ItemAnswer(text="无误"),
                2: ItemAnswer(files=(upload("x.pdf", content=b"not a pdf", content_type="application/pdf"),)),
            },
        )
    assert set(bad.value.message_dict) == {"item-2"}


def test_the_clerk_sees_each_answer_next_to_its_item(asked, people):
    services.submit_supplement(
        case=asked,
        applicant=people["zhangsan"],
        answers={"area": 55},
        replies={0: ItemAnswer(files=(upload("新执照.pdf"),)), 2: ItemAnswer(text="门店临街")},
    )
    notice = Supplement.objects.get(case=asked)
    html = verified_client(people["banli"]).get(f"/console/cases/{asked.number}/").content.decode()
    other = html[html.index(f'id="supplement-{notice.pk}-item-2"') :]
    assert other.index("请说明门店是否临街") < other.index("门店临街") < other.index("</li>")
    licence = html[html.index(f'id="supplement-{notice.pk}-item-0"') :]
    file_id = notice.answers[0]["files"][0]
    assert f"/console/cases/{asked.number}/materials/{file_id}/" in licence[: licence.index("</li>")]
    area = html[html.index(f'id="supplement-{notice.pk}-item-1"') :]
    assert "已修改" in area[: area.index("</li>")]


def test_the_page_lists_everything_and_offers_a_file_and_a_reply_for_each(asked, citizen_client):
    html = citizen_client.get(f"/my/cases/{asked.number}/supplement/").content.decode()
    start = html.index("需要补正的内容（一次性告知）")
    notice = html[start : html.index("</section>", start)]
    for words in ("营业执照：已过期", "经营面积（平方米）：与平面图不一致", "其他问题：请说明门店是否临街"):
        assert words in notice, words
    for n in range(3):
        assert f'name="file-{n}"' in html and f'name="reply-{n}"' in html
    assert 'name="answers-area"' in html, "the field asked about can be corrected on the page"


def test_a_mistake_on_the_page_keeps_the_text_and_names_the_files_to_pick_again(asked, citizen_client):
    url = f"/my/cases/{asked.number}/supplement/"
    response = citizen_client.post(
        url, {"answers-area": "42", "reply-1": "面积与平面图一致，平面图已更正", "file-0": upload("新执照.pdf")}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "面积与平面图一致，平面图已更正" in html, "what was typed is kept"
    assert "请重新选择：新执照.pdf" in html
    assert "“其他问题”还没有补正" in html
    assert fresh(asked).status == CaseStatus.SUPPLEMENT_REQUESTED
    done = citizen_client.post(
        url,
        {
            "answers-area": "42",
            "reply-1": "面积与平面图一致，平面图已更正",
            "file-0": upload("新执照.pdf"),
            "reply-2": "门店临街",
        },
    )
    assert done.status_code == 302
    assert fresh(asked).status == CaseStatus.IN_REVIEW


def test_over_the_api_each_item_gets_a_text_reply(asked, people):
    api = token_client(people["zhangsan"])
    url = f"/api/v1/cases/mine/{asked.number}/supplement"
    refused = api.post(url, {"replies": {"0": "原件已交窗口"}}, content_type="application/json")
    assert refused.status_code == 422
    done = api.post(
        url, {"answers": {"area": 60}, "replies": {"0": "原件已交窗口", "2": "临街"}}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert Supplement.objects.get(case=asked).answers[0]["text"] == "原件已交窗口"
