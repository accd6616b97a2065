"""Why an answer abstained, said in the reader's language. Reasons are written in English where they
are decided; this phrasebook renders each kind in French."""
from __future__ import annotations

import re

_FRENCH = (
    (r"the index holds no passage to answer from", "l’index ne contient aucun passage"),
    (r"no source mentions (.+)", r"aucune source ne mentionne \1"),
    (r"no retrieved passage is about (.+)", r"aucun passage retrouvé ne parle de \1"),
    (r"no passage about (.+) mentions (.+)", r"aucun passage sur \1 ne mentionne \2"),
    (r"no sentence bears on the question", "aucune phrase ne répond à la question"),
    (r"no passage is likely to state the answer", "aucun passage ne semble donner la réponse"),
    (r"the passages about (.+) give no (.+)", r"les passages sur \1 ne donnent pas de \2"),
    (r"the closest passages do not address what the question asks",
     "les passages les plus proches ne traitent pas de ce que demande la question"),
    (r"no passage names who or which company the question asks about",
     "aucun passage ne nomme la personne ou l’entreprise demandée"),
    (r"no passage speaks of the (.+) the question asks about", r"aucun passage ne parle de « \1 »"),
    (r"no passage gives a reason for this", "aucun passage n’en donne la raison"),
    (r"no sentence about (.+) names what the question asks for", r"aucune phrase sur \1 ne nomme ce que demande la question"),
    (r"no procurement record names (.+)", r"aucune attribution des registres ne nomme \1"),
    (r"no procurement record matches the question's filters", "aucune attribution des registres ne correspond"),
    (r"the records give no reasons", "les registres ne donnent pas de raisons"),
    (r"the records count awards, not (.+)", r"les registres comptent des attributions, pas « \1 »"),
    (r"no record field holds the (.+)", r"aucun champ des registres ne donne « \1 »"),
    (r"no award of (.+) is described by (.+)", r"aucune attribution à \1 n’est décrite par « \2 »"),
    (r"no award is described by (.+)", r"aucune attribution n’est décrite par « \1 »"),
    (r"fewer than two matching awards", "moins de deux attributions correspondent"),
    (r"one of the two things compared has no matching award with an amount",
     "l’un des deux termes comparés n’a aucune attribution chiffrée"),
    (r"the records give no day for this award, at most its year or month",
     "les registres ne donnent pas le jour de cette attribution, au mieux son année ou son mois"),
    (r"the closest sentences are about other years than (.+)",
     r"les phrases les plus proches portent sur d’autres années que \1"),
    (r"the closest sentences are about another (.+) than the one asked",
     r"les phrases les plus proches portent sur un autre rang de « \1 » que celui demandé"),
    (r"the passages about (.+) do not answer this", r"les passages sur \1 n’y répondent pas"),
    (r"the reason the passages give is for another administration's decision",
     "la raison donnée par les sources concerne la décision d’une autre administration"),
    (r"the passages give a total, not a figure per period",
     "les passages donnent un total, pas un montant par période"),
    (r"the language model returned an empty reply", "le modèle n’a rien répondu"),
    (r"the language model found no answer in the passages", "le modèle n’a trouvé aucune réponse dans les passages"),
    (r"the question gives the answerer orders instead of asking the sources",
     "la question donne des ordres au lieu d’interroger les sources"),
)
_WORDS = {"an amount": "montant", "amount": "montant", "number": "nombre", "percentage": "pourcentage", "date": "date",
          "person's name": "nom de personne", "company": "entreprise", "duration": "durée", "place": "lieu",
          "reason": "raison", "a role": "fonction", "role": "fonction", "wording": "formulation",
          "description": "description", "this subject": "ce sujet", "this": "ce sujet", " and ": " et ", " or ": " ou "}


def in_language(reason: str, language: str) -> str:
    if language != "fr" or not reason:
        return reason
    for pattern, template in _FRENCH:
        m = re.fullmatch(pattern, reason)
        if m:
            text = m.expand(template) if "\\" in template else template
            for english, french in _WORDS.items():
                text = text.replace(english, french)
            return text
    return reason
