"""The web chat's fixed text in English and French, kept in one place.

Gradio's ``gr.I18n`` picks the browser's language in the page; ``t(key)`` marks a label for it. Text
that Python sends at run time (the "Searching…" panel) follows the request's Accept-Language through
``browser_language``. Answers and reasons are language-aware already and are not here.
"""
from __future__ import annotations

from typing import Any

from gradio.i18n import I18n, I18nData

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "tagline": "# dossier\nAnswers from your sources, every claim cited — or a clear *the sources do not say*.",
        "investigation": "Investigation",
        "tab_chat": "Chat",
        "tab_sources": "Sources",
        "tab_records": "Records",
        "tab_settings": "Settings",
        "answers": "Answers",
        "chat_placeholder": "Ask about the indexed articles and procurement records, in English or French.",
        "question_placeholder": "Ask a question and press Enter",
        "examples": "Examples (click to ask)",
        "new_conversation": "New conversation",
        "download_conversation": "Download conversation (Markdown)",
        "sources_heading": "### Sources",
        "indexed_documents": "Indexed documents",
        "add_files": "Add files",
        "add_to_index": "Add to the index",
        "replace_same_name": "Replace the earlier upload of the same name (otherwise a different file is kept as name-2)",
        "upload_results": "Upload results",
        "raw_upload_report": "Raw upload report",
        "per_file_results": "per-file results",
        "remove_document": "Remove a document",
        "remove": "Remove…",
        "confirm_removal": "Confirm removal",
        "cancel": "Cancel",
        "filter": "Filter",
        "filter_placeholder": "recipient, office, description, date…",
        "sort": "Sort",
        "procurement_records": "Procurement records",
        "download_records": "Download these records (CSV)",
        "amounts": "Amounts",
        "settings_note": "Read-only: change settings with `dossier serve` options or `DOSSIER_*` variables.",
        "settings_and_index": "Settings and index",
        "searching": "Searching the sources…",
    },
    "fr": {
        "tagline": "# dossier\nDes réponses tirées de vos sources, chaque affirmation citée — ou un net "
                   "*les sources ne le disent pas*.",
        "investigation": "Enquête",
        "tab_chat": "Conversation",
        "tab_sources": "Documents",
        "tab_records": "Marchés publics",
        "tab_settings": "Réglages",
        "answers": "Réponses",
        "chat_placeholder": "Interrogez les articles indexés et les marchés publics, en français ou en anglais.",
        "question_placeholder": "Posez une question et appuyez sur Entrée",
        "examples": "Exemples (cliquez pour poser la question)",
        "new_conversation": "Nouvelle conversation",
        "download_conversation": "Télécharger la conversation (Markdown)",
        "sources_heading": "### Sources citées",
        "indexed_documents": "Documents indexés",
        "add_files": "Ajouter des fichiers",
        "add_to_index": "Ajouter à l'index",
        "replace_same_name": "Remplacer l'import précédent du même nom (sinon un fichier différent est gardé en nom-2)",
        "upload_results": "Résultat de l'import",
        "raw_upload_report": "Rapport d'import détaillé",
        "per_file_results": "résultat par fichier",
        "remove_document": "Retirer un document",
        "remove": "Retirer…",
        "confirm_removal": "Confirmer le retrait",
        "cancel": "Annuler",
        "filter": "Filtrer",
        "filter_placeholder": "titulaire, service acheteur, objet, date…",
        "sort": "Trier",
        "procurement_records": "Marchés publics fédéraux",
        "download_records": "Télécharger ces marchés (CSV)",
        "amounts": "Montants",
        "settings_note": "Lecture seule : les réglages se changent avec les options de `dossier serve` "
                         "ou les variables `DOSSIER_*`.",
        "settings_and_index": "Réglages et index",
        "searching": "Recherche dans les sources…",
    },
}


def t(key: str) -> I18nData:
    """The label ``key``, translated in the browser; an unknown key fails as the app is built."""
    if key not in LABELS["en"]:
        raise KeyError(f"web/labels.py has no label {key!r}")
    return I18nData(key)


def i18n() -> I18n:
    """The translations that ``launch`` hands to Gradio."""
    return I18n(**LABELS)


def browser_language(request: Any) -> str:
    """"fr" when the request's Accept-Language prefers French to English, "en" otherwise."""
    header = ""
    if request is not None and getattr(request, "headers", None) is not None:
        header = request.headers.get("accept-language", "") or ""
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("fr"):
            return "fr"
        if tag.startswith("en"):
            return "en"
    return "en"


def label(key: str, language: str) -> str:
    """The text of ``key`` in ``language`` (English for a language without labels)."""
    return LABELS.get(language, LABELS["en"])[key]
