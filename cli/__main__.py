import sys

from dossier.cli.main import main

sys.exit(main())
