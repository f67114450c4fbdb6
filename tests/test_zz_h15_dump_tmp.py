import traceback
import pytest
from django.db import connection
from tests.factories import CaseFactory, ServiceItemFactory, StaffFactory, console_client

pytestmark = pytest.mark.django_db


def test_dump():
    materials = [{"name": f"附件材料{i}", "required": True, "form": "electronic", "source": "applicant"} for i in range(2)]
    case = CaseFactory(item=ServiceItemFactory(materials=materials), in_review=True)
    client = console_client(StaffFactory(head=True, department=case.department))
    url = f"/console/cases/{case.number}/"
    assert client.get(url).status_code == 200
    seen = []
    def wrap(execute, sql, params, many, context):
        frames = [f for f in traceback.extract_stack() if "/src/tongban/" in f.filename]
        seen.append((sql[:100], [f"{f.filename.split('/src/tongban/')[-1]}:{f.lineno} {f.name}" for f in frames[-2:]]))
        return execute(sql, params, many, context)
    with connection.execute_wrapper(wrap):
        assert client.get(url).status_code == 200
    for i, (q, fr) in enumerate(seen):
        print(i, q, fr)
    print("TOTAL", len(seen))
