"""上传文件名: a multipart parser that keeps a path in a file name recognisable, so the upload check
can refuse it with a message instead of silently storing `../../etc/passwd.pdf` as "passwd.pdf".

Django's parser cuts every client file name down to its last path component before any view sees
it. `PathKeepingUploadHandler`, first in `FILE_UPLOAD_HANDLERS`, parses the request itself (the
upload-handler hook `handle_raw_input`) with a parser that instead replaces each path separator by
`PATH_MARK`, a private-use character no file system gives a name, which the file name survives
(Django's `UploadedFile` keeps only the part after the last `/`). Whoever checks the name
(`tongban.cases.uploads.clean_name`) refuses a name that holds the mark. The one path kept as its base
name is a Windows drive path without `..` (`C:\\…\\licence.pdf`): Internet Explorer sends the whole
local path of the chosen file from intranet sites.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict

#: stands for a path separator (`/` or `\`) of a client's file name
PATH_MARK = "\ue000"
_WINDOWS_LOCAL_PATH = re.compile(r"^[A-Za-z]:\\")


def is_browser_local_path(name: str) -> bool:
    """A Windows drive path without parent steps: the chosen file's own path, as old browsers send it."""
    return bool(_WINDOWS_LOCAL_PATH.match(name)) and ".." not in re.split(r"[\\/]", name)


class PathKeepingParser(MultiPartParser):
    """Django's multipart parser, except that a file name with a path keeps it (separators marked)."""

    def sanitize_file_name(self, file_name: str) -> str | None:
        raw = html.unescape(file_name)
        if ("/" in raw or "\\" in raw) and not is_browser_local_path(raw):
            marked = raw.replace("/", PATH_MARK).replace("\\", PATH_MARK)
            return "".join(c for c in marked if c.isprintable() or c == PATH_MARK) or None
        return super().sanitize_file_name(file_name)  # type: ignore[no-any-return]


class PathKeepingUploadHandler(FileUploadHandler):
    """First upload handler: parses the whole request with `PathKeepingParser`, the other configured
    handlers receiving the files as usual."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str | bytes,  # bytes, whatever the stubs say
        encoding: str | None = None,
    ) -> tuple[Any, MultiValueDict[str, Any]]:
        handlers = [h for h in self.request.upload_handlers if h is not self]  # type: ignore[union-attr]
        parser = PathKeepingParser(META, input_data, handlers, encoding)
        result: tuple[Any, MultiValueDict[str, Any]] = parser.parse()
        return result

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # never called: this handler parses the request itself

    def file_complete(self, file_size: int) -> None:
        return None
