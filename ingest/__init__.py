"""ingest: files in, ``Document`` records out (articles as normalised text, procurement CSVs as typed rows).

Everything here is stdlib plus parsing libraries, imported lazily inside the readers, so importing
``ingest`` is cheap and never pulls in the index, the answerer or any model.
"""
from dossier.ingest.files import SUPPORTED_EXTENSIONS, Rejection, collect_files
from dossier.ingest.identity import content_hash, document_id, find_near_duplicates, near_duplicate, shingles
from dossier.ingest.limits import IngestLimits
from dossier.ingest.loader import load_document, load_documents

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "IngestLimits",
    "Rejection",
    "collect_files",
    "content_hash",
    "document_id",
    "find_near_duplicates",
    "load_document",
    "load_documents",
    "near_duplicate",
    "shingles",
]
