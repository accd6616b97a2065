"""The records' own vocabulary, in English and French: USAspending's field names and how people ask
about them. These words say which column a question asks for or filters on, never what was bought."""
from __future__ import annotations

import unicodedata

from dossier.core.lexical import bilingual_stem

# What a count may count: the records hold awards (and their modifications), nothing else.
RECORD_NOUNS = {"award", "awards", "contract", "contracts", "record", "records", "time", "times", "payment",
                "payments", "obligation", "obligations", "transaction", "transactions", "modification",
                "modifications", "attribution", "attributions", "contrat", "contrats", "marche", "marches",
                "fois", "paiement", "paiements", "versement", "versements", "commande", "commandes", "order", "orders",
                "action", "actions", "avenant", "avenants", "deobligation", "deobligations", "desengagement",
                "desengagements"}
# The records' own vocabulary (USAspending's field names and how people ask about them), both languages:
# these words say which column is asked or filtered, never what was bought.
FIELD_WORDS: dict[str, set[str]] = {
    "recipient": {"recipient", "recipients", "vendor", "vendors", "contractor", "contractors", "who", "whom",
                  "company", "companies", "firm", "firms", "entreprise", "entreprises", "societe", "societes",
                  "county", "counties", "city", "cities", "town", "government", "governments", "body", "bodies",
                  "local", "district", "authority", "beneficiaire", "beneficiaires", "collectivite", "collectivites",
                  "comte", "comtes", "ville", "villes", "organisme", "organismes", "prestataire", "fournisseur", "qui"},
    "sub_agency": {"agency", "agencies", "component", "components", "agence", "agences", "administration"},
    "office": {"office", "offices", "division", "bureau", "bureaux"},
    "amount": {"amount", "total", "sum", "obligated", "obligate", "obligation", "value", "worth", "cost", "paid",
               "pay", "spent", "spend", "money", "dollars", "figure", "much", "montant", "somme", "valeur", "cout",
               "engage", "engagee", "engages", "paye", "payee", "verse", "versee", "depense", "combien", "average",
               "moyenne", "moyen", "mean", "altogether", "combined", "single", "biggest", "largest", "smallest",
               "highest", "lowest", "non", "zero", "nonzero", "nulle", "nul", "petite", "petit", "grande", "grand",
               "gros", "grosse", "elevee", "eleve", "faible", "importante", "important"},
    "potential_value": {"potential", "potentielle", "potentiel", "ceiling", "plafond"},
    "awarded_on": {"when", "date", "year", "years", "calendar", "awarded", "award", "made", "signed", "quand",
                   "annee", "annees", "civile", "attribue", "attribuee", "attribues", "signe"},
    "last_modified": {"modified", "modification", "updated", "last", "modifie", "modifiee", "derniere"},
    "period_end": {"end", "ends", "ending", "expire", "expires", "termine", "terminer", "fin", "until", "jusqu"},
    "period_start": {"start", "starts", "begin", "begins", "debut", "commence"},
    "period": {"period", "performance", "periode", "execution"},
    # The actions on an award (a transactions export's rows): their date and obligation, and their names.
    "action_date": {"action", "actions", "modification", "modifications", "transaction", "transactions", "avenant",
                    "avenants", "deobligation", "deobligations", "deobligated", "deobligate", "desengagement",
                    "desengagements", "desengage", "desengagee", "latest", "recent", "recente", "dernier", "derniere",
                    "negative", "negatives", "negatif"},
    "description": {"what", "for", "purpose", "bought", "buy", "purchased", "description", "objet", "pour", "quoi",
                    "kind", "type", "sort", "service", "services", "product", "products", "goods", "genre",
                    "produit", "produits", "prestation", "prestations"},
    "records": RECORD_NOUNS | {"data", "donnees", "download", "procurement", "federal", "government", "us",
                               "receive", "received", "receiving", "got", "get", "give", "gave", "went", "make",
                               "make", "held", "hold", "has", "have", "had", "holds", "most", "more", "than",
                               "many", "number", "nombre", "plus", "moins", "all", "across", "each", "per",
                               "recu", "recus", "obtenu", "passe", "conclu", "aupres", "entre", "dans", "selon",
                               "which", "what", "quel", "quelle", "quels", "quelles", "list", "show", "name",
                               "profit", "single", "much", "le", "la", "les", "file", "fichier", "table",
                               "tableau", "csv", "spreadsheet", "dataset", "row", "rows", "ligne", "lignes",
                               "distinct", "different", "differents", "compte", "comptent", "count"},
}
# Function words the stemmer's stopword lists miss: they never say what was bought.
FUNCTION_WORDS = {"during", "around", "within", "between", "among", "via", "through", "toward", "towards", "upon",
                  "its", "their", "area", "pendant", "durant", "autour", "parmi", "via", "lors", "cours", "aupres",
                  "ces", "ses", "leurs", "dont", "use", "usage", "utilisation"}
FIELD_WORD_SET = set().union(*FIELD_WORDS.values())
FIELD_STEMS = {bilingual_stem(w) for w in FIELD_WORD_SET}
# "City of Oakland", "Harris County", "comté de San Diego": a name written so names a recipient.
KIND_EQUIVALENTS = {"city": {"ville"}, "county": {"comte"}, "town": {"ville", "commune"}, "ville": {"city", "town"},
                     "comte": {"county"}}
RECIPIENT_KINDS = {"city", "county", "town", "village", "township", "borough", "parish", "ville", "comte", "commune"}
# Things a reader may ask that no USAspending column records.


def plain(word: str) -> str:
    """A folded word without its accents: "collectivités" meets "collectivites"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
