"""The command line: `practice-bot` and `python -m bot` (the group is in main.py)."""
