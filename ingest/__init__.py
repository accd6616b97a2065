"""ingest: files in, ``Document`` records out (articles as normalised text, procurement CSVs as typed rows).

Everything here is stdlib plus parsing libraries, imported lazily inside the readers, so importing
``ingest`` is cheap and never pulls in the index, the answerer or any model.
"""
from dossier.ingest.files import SUPPORTED_EXTENSIONS, Rejection, collect_files
from dossier.ingest.identity import (
    NEAR_DUPLICATE_THRESHOLD,
    content_hash,
    document_id,
    estimated_similarity,
    find_near_duplicates,
    minhash_signature,
    near_duplicate,
    shingles,
    signature_bands,
)
from dossier.ingest.limits import IngestLimits
from dossier.ingest.loader import is_records_file, load_document, load_documents, open_records
from dossier.ingest.procurement import RecordsReader

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "SUPPORTED_EXTENSIONS",
    "IngestLimits",
    "RecordsReader",
    "Rejection",
    "collect_files",
    "content_hash",
    "document_id",
    "estimated_similarity",
    "find_near_duplicates",
    "is_records_file",
    "load_document",
    "load_documents",
    "minhash_signature",
    "near_duplicate",
    "open_records",
    "shingles",
    "signature_bands",
]
