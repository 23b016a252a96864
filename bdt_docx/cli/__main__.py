"""``python -m bdt_docx.cli``: the ``bdt-docx`` command."""

import sys

from bdt_docx.cli import main

sys.exit(main())
