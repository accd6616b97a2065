"""ingest: files in, ``Document`` records out (articles as normalised text, procurement CSVs as typed rows).

Everything here is stdlib plus parsing libraries, imported lazily inside the readers, so importing
``ingest`` is cheap and never pulls in the index, the answerer or any model.
"""
from ingest.files import SUPPORTED_EXTENSIONS, Rejection, collect_files
from ingest.identity import content_hash, document_id, find_near_duplicates, near_duplicate
from ingest.limits import IngestLimits
from ingest.loader import load_document, load_documents
from ingest.text import fold, normalise_text, sentences

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "IngestLimits",
    "Rejection",
    "collect_files",
    "content_hash",
    "document_id",
    "find_near_duplicates",
    "fold",
    "load_document",
    "load_documents",
    "near_duplicate",
    "normalise_text",
    "sentences",
]
