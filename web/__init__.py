"""The web chat's parts below its layout (``dossier.app``): what it shows and how it is served.

- ``dossier.web.render``: answers, citation cards and the sources panel as escaped HTML/Markdown; CSS.
- ``dossier.web.records_view``: the Records tab's rows, filter, sort and plots (matplotlib, lazily).
- ``dossier.web.uploads``: files added from the Sources tab, screened, copied and ingested.
- ``dossier.web.serve``: launching safely (auth, private upload directory, signals, engine start).
- ``dossier.web.login_throttle``: under auth, a client's failed sign-ins make it wait, longer each time.

Importing this package loads nothing heavy; its modules import Gradio where they need it.
"""
