"""Broken and hostile inputs, made on the fly by :mod:`corpus.builders` (see README.md)."""
