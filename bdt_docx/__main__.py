"""``python -m bdt_docx``: the ``bdt-docx`` command, for where its launcher is not on PATH."""

import sys

from bdt_docx.cli import main

sys.exit(main())
