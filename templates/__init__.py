"""The templates shipped with bdt_docx (installed as the package ``bdt_docx.templates``).

Each ``X.docx`` has its field description ``X.toml`` beside it.
"""
