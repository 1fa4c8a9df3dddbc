"""Documents: official papers rendered from templates (PDF and DOCX), stored with their digest.

Kinds are registered by the context they belong to (``<context>/document_kinds.py``); templates come
through the tenant's ``minsheng_document_templates`` hook, the platform's defaults being one plugin.
"""
