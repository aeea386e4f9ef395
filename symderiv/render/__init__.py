"""Rendering: printers, the sheet's view, the Jinja2 documents, terminal summaries."""
