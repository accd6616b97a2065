"""Documents made from a seed, half English and half French, for the harness to ingest.

Never committed: the text is built at run time. Each document states facts only it states (a made-up
agency, person, amount and year), so a question about one finds that one, and its passages differ
enough that each passage's vector is nearest to itself.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

SYLLABLES = ("ka", "lo", "mi", "ter", "van", "dor", "si", "qua", "bel", "ru", "zen", "po", "gra", "fi", "nol", "ex")
EN_SENTENCES = (
    "The {agency} signed a contract worth ${amount} million with {company} in {year}.",
    "{person}, who leads {company}, said the work on {topic} would start in {month}.",
    "According to the {agency}, {count} sites in {city} were inspected before the {topic} review.",
    "Critics in {city} argued that the {topic} programme cost more than {percent} percent above its budget.",
    "A spokesperson for {company} declined to comment on the {topic} audit published in {year}.",
    "The report lists {count} suppliers, among them {company}, and names {person} as its author.",
)
FR_SENTENCES = (
    "L'agence {agency} a signé avec {company} un contrat de {amount} millions de dollars en {year}.",
    "{person}, qui dirige {company}, a déclaré que les travaux sur {topic} commenceraient en {month}.",
    "Selon l'agence {agency}, {count} sites de {city} ont été inspectés avant l'examen de {topic}.",
    "À {city}, des critiques estiment que le programme {topic} a dépassé son budget de {percent} pour cent.",
    "Un porte-parole de {company} n'a pas souhaité commenter l'audit sur {topic} publié en {year}.",
    "Le rapport recense {count} fournisseurs, dont {company}, et désigne {person} comme auteur.",
)
MONTHS = {"en": ("January", "March", "June", "September", "November"),
          "fr": ("janvier", "mars", "juin", "septembre", "novembre")}
TOPICS = {"en": ("border sensors", "licence plate readers", "drone patrols", "face matching", "phone forensics"),
          "fr": ("capteurs frontaliers", "lecteurs de plaques", "patrouilles de drones", "reconnaissance faciale",
                 "analyse de téléphones")}


@dataclass(frozen=True)
class Generated:
    path: Path
    language: str
    company: str
    person: str
    amount: int
    year: int

    def question(self) -> str:
        if self.language == "fr":
            return f"Quel contrat {self.company} a-t-elle signé en {self.year} ?"
        return f"What contract did {self.company} sign in {self.year}?"


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def write_documents(folder: Path, count: int, seed: int, paragraphs: int = 3) -> list[Generated]:
    """``count`` .txt documents in ``folder`` (alternating English and French), each of ``paragraphs``
    paragraphs of six sentences; returns what each one states."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        language = "fr" if i % 2 else "en"
        facts = {"agency": _name(rng, 3).upper(), "company": f"{_name(rng, 3)} {_name(rng, 2)}",
                 "person": f"{_name(rng, 2)} {_name(rng, 3)}", "amount": rng.randint(2, 900),
                 "year": rng.randint(1995, 2025), "city": _name(rng, 3), "count": rng.randint(3, 400),
                 "percent": rng.randint(5, 80)}
        sentences = FR_SENTENCES if language == "fr" else EN_SENTENCES
        body = []
        for _ in range(paragraphs):
            lines = [s.format(**facts, topic=rng.choice(TOPICS[language]), month=rng.choice(MONTHS[language]))
                     for s in rng.sample(sentences, len(sentences))]
            body.append(" ".join(lines) + f" ({_name(rng, 4)}-{rng.randint(1000, 9999)})")
        title = f"{facts['company']}: {facts['agency']} {facts['year']}"
        path = folder / f"doc-{seed}-{i:04d}.txt"
        path.write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        made.append(Generated(path, language, facts["company"], facts["person"], facts["amount"], facts["year"]))
    return made
