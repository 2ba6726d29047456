"""Scorers: each takes text (a Document) and returns plain data; none touches the disk.
article.py runs them all over one article, after cleaning and tagging."""
