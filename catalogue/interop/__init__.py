"""What the catalogue says to machines: citation formats, JSON-LD and meta tags, Atom feeds,
iCalendar files, the sitemap and robots.txt, and the OAI-PMH repository (`oai/`).

Imports the domain (models, i18n, identifiers) only; the public pages render its outputs.
"""
