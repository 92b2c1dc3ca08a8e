"""Tables as passages: each body row keeps its header cells, so a row quoted alone still says
what its numbers are ("Child in need — Minimum visiting frequency: every 20 working days")."""

from __future__ import annotations

MAX_CELL_CHARS = 1000


def row_texts(rows: list[list[str]]) -> list[str]:
    """The first row is the header when the table has more than one row; every later row
    becomes "label — header: value; header: value". A table of one column is its cells."""
    rows = [[c[:MAX_CELL_CHARS] for c in row] for row in rows if any(row)]
    if not rows:
        return []
    if len(rows) == 1 or max(len(r) for r in rows) == 1:
        return [" — ".join(c for c in row if c) for row in rows]
    header, body = rows[0], rows[1:]
    texts = []
    for row in body:
        label = row[0]
        facts = [
            f"{header[i]}: {cell}" if i < len(header) and header[i] else cell
            for i, cell in enumerate(row[1:], start=1)
            if cell
        ]
        texts.append(f"{label} — {'; '.join(facts)}" if label else "; ".join(facts))
    return [t for t in texts if t]
