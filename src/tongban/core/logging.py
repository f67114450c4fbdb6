"""A log filter that masks ID numbers and mobile numbers in every record before it is written."""

from __future__ import annotations

import logging
import re

from tongban.core.masking import mask_id_number, mask_mobile

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def mask_text(text: str) -> str:
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE_RE.sub(lambda m: mask_mobile(m.group(1)), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
