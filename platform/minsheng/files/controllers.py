"""API routes of files: upload (checked on content) and download (after a membership check)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.files import services as files
from minsheng.files.models import StoredFile
from minsheng.files.responses import download_response
from minsheng.http.dependencies import services
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission


class FileView(msgspec.Struct):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass
class UploadForm:
    """The multipart form of an upload: the file is the part named ``data``.

    A form without it is refused with 422 (given a bare ``UploadFile``, Litestar fails with a 500).
    """

    data: UploadFile


def file_view(row: StoredFile) -> FileView:
    return FileView(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size, sha256=row.sha256)


class FilesController(Controller):
    path = "/api/v1/t/{slug:str}/files"
    tags = ["files"]

    # Every member uploads (photos of progress, supervision, evidence); what a file is attached to
    # is checked by the route that attaches it.
    @requires(Permission.TENANT_READ)
    @post("/", status_code=201)
    async def upload(
        self,
        access: TenantScope,
        state: State,
        db_session: AsyncSession,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> FileView:
        """Upload an attachment (photo, scan, PDF, Word or Excel); its type is read from its content."""
        user = access.user
        svc = services(state)
        upload = data.data
        content = await upload.read()
        row = await files.save_upload(
            db_session,
            svc.store,
            content,
            filename=upload.filename or "file",
            claimed_type=upload.content_type,
            uploaded_by=user.username,
            max_bytes=svc.settings.max_upload_bytes,
        )
        return file_view(row)

    @requires(Permission.TENANT_READ)
    @get(
        "/{file_id:uuid}",
        response_model=None,
        responses={
            200: ResponseSpec(
                data_container=bytes,
                media_type="*/*",
                description="The file itself, with the content type read from it (local storage)",
                generate_examples=False,
            ),
            303: ResponseSpec(data_container=None, description="A short-lived presigned URL of the file (S3 storage)"),
        },
    )
    async def download(
        self, access: TenantScope, file_id: uuid.UUID, state: State, db_session: AsyncSession
    ) -> Redirect | Response[bytes]:
        """Download a file: a short-lived presigned URL on S3, the bytes themselves on local disk."""
        return download_response(await files.download(db_session, services(state).store, file_id))
