from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tongban.search import services
from tongban.search.demo import DEMO_CATALOGUE


@pytest.fixture
def index_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A private search index folder for the test; the process engine is rebuilt around it."""
    settings.DATA_DIR = tmp_path
    services.synonym_cache.invalidate()
    yield tmp_path / "search-index"
    services._engine = None
    services.synonym_cache.invalidate()


def import_file(path: Path) -> Any:
    from tongban.catalog.services import import_catalogue

    with path.open("rb") as stream:
        report = import_catalogue(stream=stream, actor=None)
    assert not report.errors, report.errors[:3]
    return report


@pytest.fixture
def catalogue(demo: Any, index_dir: Path) -> Path:
    """The demo catalogue imported through the catalogue service, and the index built from it."""
    import_file(DEMO_CATALOGUE)
    services.rebuild_index()
    return index_dir


_READINGS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _character_readings_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every index build saves the pinyin of ~27,000 characters, read from pypinyin (about a second);
    the table never changes within a run, so the tests read it once."""
    from tongban.search import text, vocab

    if not _READINGS:
        _READINGS.update(text.char_readings_table())
    monkeypatch.setattr(vocab, "char_readings_table", lambda: dict(_READINGS))
