"""Registration of files: uploads and downloads of attachments.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.files import models
from minsheng.files.controllers import FilesController
from minsheng.files.pages import file_page

ROUTES: list[Any] = [FilesController, file_page]
JOBS: list[Any] = []
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
