"""What an ingest reports: one outcome per file (added, updated, unchanged, duplicate, rejected, with
the reason) and the batch's counts, as the CLI, the app and the API show them."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FileOutcome:
    path: str
    status: str  # added | updated | unchanged | duplicate | rejected
    document_id: str | None = None
    detail: str = ""
    passages: int = 0
    records: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (path, other id, similarity)
    seconds: float = 0.0
    near_duplicate_comparisons: int = 0  # stored articles scored exactly against new files (a few per file)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def passages_written(self) -> int:
        return sum(o.passages for o in self.outcomes)

    @property
    def records_written(self) -> int:
        return sum(o.records for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.count("added"), "updated": self.count("updated"), "unchanged": self.count("unchanged"),
            "duplicates": self.count("duplicate"), "rejected": len(self.rejected),
            "passages_written": self.passages_written, "records_written": self.records_written,
            "seconds": round(self.seconds, 3),
            "files": [dataclasses.asdict(o) for o in self.outcomes],
            "near_duplicates": [{"path": p, "similar_to": d, "similarity": round(s, 3)}
                                for p, d, s in self.near_duplicates],
        }
