"""The HTTP answer of a download, shared by the API and the pages."""

from __future__ import annotations

from litestar import Response
from litestar.response import Redirect

from minsheng.files.services import Download
from minsheng.storage.keys import content_disposition


def download_response(result: Download) -> Redirect | Response[bytes]:
    """A redirect to the presigned URL (S3), or the bytes with a safe Content-Disposition (local disk)."""
    if result.url is not None:
        return Redirect(result.url, status_code=303)
    return Response(
        result.content or b"",
        media_type=result.file.content_type,
        headers={
            "content-disposition": content_disposition(result.file.filename),
            "x-content-type-options": "nosniff",
        },
    )
