"""Scorers: each takes text (a Document) and returns plain data; none touches the disk."""
