from pathlib import Path

from tongban.api.management.commands.export_openapi import schema_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"


def test_committed_schema_matches_the_code():
    assert COMMITTED.exists(), "docs/api/openapi.json is missing: run `make schema` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "The API changed but docs/api/openapi.json was not updated: run `make schema`, review the diff, commit it."
    )


def test_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"].startswith("Tongban")
