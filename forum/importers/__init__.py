"""Importers: bring a community's history from elsewhere into the forum.

One module per source format; `stackexchange` reads the Stack Exchange data
dump. The CLI (`flask forum import ...`, forum/cli.py) calls them.
"""
