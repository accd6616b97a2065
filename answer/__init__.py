"""answer: ``ask()`` and what it is made of. The app, the CLI and the eval import only these names."""
from answer.service import Dossier, ask, get_dossier

__all__ = ["Dossier", "ask", "get_dossier"]
