"""framing: show how news outlets frame the same story, side by side and with evidence."""

__version__ = "0.1.0"
