"""practice-bot: cited answers to children's social care practice questions."""

__version__ = "0.1.0"
