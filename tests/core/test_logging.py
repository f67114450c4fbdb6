"""Log lines through the real logging configuration: no whole ID or phone number on any handler."""

import io
import logging
from contextlib import contextmanager

import pytest
from django.test import Client
from gunicorn.config import Config

from tongban.core.gunicorn_logging import MaskedGunicornLogger
from tongban.core.logging import unmasked_handlers

ID = "44010619900101123X"
PHONE = "13800000001"


@contextmanager
def _written_by_every_handler():
    """Point every configured handler's stream at one buffer (the handlers and filters stay as configured)."""
    buffer = io.StringIO()
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    handlers = {
        h
        for lg in loggers
        for h in lg.handlers
        if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
    }
    assert handlers, "the configuration has stream handlers"
    old = {h: h.setStream(buffer) for h in handlers}
    try:
        yield buffer
    finally:
        for handler, stream in old.items():
            handler.setStream(stream)


def test_every_handler_of_the_configuration_masks():
    # pytest's own capture handlers sit on the root logger while tests run; they are not ours
    assert [(name, h) for name, h in unmasked_handlers() if not type(h).__module__.startswith("_pytest")] == []
    django_handlers = logging.getLogger("django").handlers
    assert django_handlers and not any(type(h).__name__ == "AdminEmailHandler" for h in django_handlers)


@pytest.mark.django_db
def test_django_request_warning_with_an_id_number_in_the_url_is_masked():
    with _written_by_every_handler() as written:
        response = Client().get(f"/no-such-page/{ID}/{PHONE}/", {"id": ID})
        assert response.status_code == 404
        logging.getLogger("django.request").warning("Bad request: %s?id=%s", "/api/v1/x", ID)
    text = written.getvalue()
    assert "Not Found" in text and "Bad request" in text
    assert ID not in text and PHONE not in text
    assert "440***********123X" in text and "138****0001" in text


def test_tracebacks_are_masked_too():
    with _written_by_every_handler() as written:
        try:
            raise ValueError(f"no person with ID {ID}")
        except ValueError:
            logging.getLogger("tongban.test").exception("lookup failed")
    assert "lookup failed" in written.getvalue() and ID not in written.getvalue()


def test_gunicorn_access_and_error_logs_are_masked():
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    glog = MaskedGunicornLogger(cfg)
    buffer = io.StringIO()
    for log in (glog.access_log, glog.error_log):
        assert log.handlers
        for handler in log.handlers:
            handler.setStream(buffer)
    glog.access_log.info(
        '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": f"GET /cases/lookup?id={ID}&p={PHONE} HTTP/1.1", "s": "200"}
    )
    glog.error("worker failed for %s", PHONE)
    text = buffer.getvalue()
    assert "GET /cases/lookup" in text and "worker failed" in text
    assert ID not in text and PHONE not in text
