"""Article metadata: the fields every format can supply, front matter, sidecars, titles, language.

Precedence, lowest first: what the format itself says (HTML meta tags, PDF info, DOCX core
properties), then YAML front matter, then a ``NAME.meta.json`` sidecar written by a person.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput

from dossier.core.dates import normalise_published

# Accepted spellings of each field in front matter and sidecars (lowercased keys).
_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "site_name", "publisher", "publication"),
    "author": ("author", "authors", "byline"),
    "published": ("published", "date", "published_at", "publication_date", "pubdate"),
    "url": ("url", "link", "canonical", "canonical_url"),
    "language": ("language", "lang"),
}
SIDECAR_SUFFIX = ".meta.json"
_MAX_HEADING_CHARS = 120


@dataclass(frozen=True)
class ArticleMeta:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def overridden_by(self, other: ArticleMeta) -> ArticleMeta:
        """Fields that ``other`` sets win; extra keys are merged."""
        changes = {f.name: getattr(other, f.name) for f in fields(self) if f.name != "extra"}
        changes = {name: value for name, value in changes.items() if value is not None}
        return replace(self, **changes, extra={**self.extra, **other.extra})


def meta_from_mapping(mapping: dict[str, Any]) -> ArticleMeta:
    """Read the known fields of a front-matter or sidecar mapping; other keys become ``extra``."""
    by_key = {str(key).strip().lower(): value for key, value in mapping.items()}
    raw: dict[str, Any] = {}
    for name, aliases in _FIELD_ALIASES.items():
        alias = next((alias for alias in aliases if by_key.get(alias) not in (None, "")), None)
        if alias is not None:
            raw[name] = by_key.pop(alias)
    known: dict[str, str | None] = {name: _as_text(value) for name, value in raw.items()}
    if "published" in raw:
        known["published"] = normalise_published(raw["published"])  # YAML gives date objects
    if "language" in known:
        known["language"] = known["language"].lower()
    extra = {key: _as_scalar(value) for key, value in by_key.items() if value not in (None, "")}
    return ArticleMeta(**known, extra=extra)


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item).strip() for item in value)
    return str(value).strip()


def _as_scalar(value: Any) -> str | int | float | bool:
    """Metadata values stay scalar so any store (e.g. Chroma metadata) accepts them."""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return _as_text(value)
    return json.dumps(value, ensure_ascii=False, default=str)


# --- front matter ----------------------------------------------------------------------------

def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """``(front matter mapping, body)``: python-frontmatter finds the block, YAML reads it; text whose
    leading ``---`` block is not a mapping (a rule around ordinary prose) is all body."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    handler = YAMLHandler()
    if not handler.detect(text):
        return {}, text
    try:
        block, body = handler.split(text)
        data = yaml.safe_load(block)
    except ValueError:  # an opening fence with no closing one: ordinary text
        return {}, text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise RejectedInput(path, f"front matter is not valid YAML{where}") from None
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        return {}, text
    return data, body


# --- sidecars --------------------------------------------------------------------------------


def sidecar_candidates(path: Path) -> tuple[Path, Path]:
    """``story.txt.meta.json`` first, then ``story.meta.json``."""
    return path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> tuple[ArticleMeta, str | None]:
    """The sidecar's metadata and file name, or empty metadata when there is none."""
    for candidate in sidecar_candidates(path):
        if candidate.is_file():
            break
    else:
        return ArticleMeta(), None
    try:
        data = json.loads(candidate.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RejectedInput(path, f"sidecar {candidate.name} cannot be read ({exc.__class__.__name__})") from None
    except json.JSONDecodeError as exc:
        raise RejectedInput(path, f"sidecar {candidate.name} is not valid JSON (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise RejectedInput(path, f"sidecar {candidate.name} must hold a JSON object")
    return meta_from_mapping(data), candidate.name


# --- titles and language ---------------------------------------------------------------------


def heading_title(text: str) -> str | None:
    """The first line, when it reads like a headline rather than the start of the prose."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if not first or not rest.strip() or len(first) > _MAX_HEADING_CHARS or first[-1] in ".,;:":
        return None
    return first


def title_from_filename(path: Path) -> str:
    """``ice_awards_as_reported.csv`` -> ``Ice awards as reported``."""
    stem = path.name.split(".", 1)[0] or path.name
    words = re.sub(r"[-_\s]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else path.name
