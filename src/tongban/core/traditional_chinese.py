"""繁體: content shown on zh-Hant pages converted from Simplified Chinese at render (OpenCC).

The catalogue, case histories and messages are written in Simplified Chinese; a 繁體中文 page
converts them as it is rendered, with OpenCC's s2tw table (standard Traditional characters, the
forms most readers in Hong Kong, Macao and Taiwan expect: 為, 戶, 說, 裡 — not the Hong Kong glyph
variants 户 and 説, which read as mixed script). The interface strings of the zh_Hant catalogue use
the same table, so converting them again changes nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC

_s2tw = OpenCC("s2tw")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Longer texts (a message body, a legal basis) are converted without filling the cache.
_CACHED_UP_TO = 200

#: What HTML keeps as it is: scripts, styles, what a person typed into a text area, comments; and
#: tags, of which only the human-readable attributes below are converted (never `value`, `href` …).
_HTML_TOKENS = re.compile(
    r"(<(script|style|textarea)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
_READABLE_ATTRIBUTE = re.compile(r"""(\s(?:title|alt|placeholder|aria-label|aria-description)=(["']))(.*?)(\2)""")


def to_traditional(text: str) -> str:
    """Simplified → Traditional; text without Chinese characters is returned as it is."""
    if not text or not _CJK.search(text):
        return text
    if len(text) <= _CACHED_UP_TO:
        return _cached(text)
    return str(_s2tw.convert(text))


@lru_cache(maxsize=16384)
def _cached(text: str) -> str:
    return str(_s2tw.convert(text))


def _convert_tag(tag: str) -> str:
    if not _CJK.search(tag):
        return tag
    return _READABLE_ATTRIBUTE.sub(lambda m: m.group(1) + to_traditional(m.group(3)) + m.group(4), tag)


def html_to_traditional(html: str) -> str:
    """Convert the text of rendered HTML and its readable attributes; leave form values, scripts,
    styles and text areas alone (what someone typed is sent back as they typed it)."""
    parts = _HTML_TOKENS.split(html)
    out: list[str] = []
    # split() with two groups yields: text, token, inner group (tag name or None), text, …
    for index in range(0, len(parts), 3):
        out.append(to_traditional(parts[index]))
        if index + 1 < len(parts):
            token = parts[index + 1]
            protected = parts[index + 2] is not None or token.startswith("<!--")
            out.append(token if protected else _convert_tag(token))
    return "".join(out)
