"""A small knowledge base written to disk by the tests: a findings letter, two guidance notes
and a glossary."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


FINDINGS = """---
title: Focused visit letter
kind: findings
date: 2018-11-22
local_authority: Sheffield
---

# Focused visit letter

This letter summarises the findings of a focused visit to Sheffield children's services.

## Findings

1. Assessments are not always up to date. Inspectors also identified that there was confusion for some social workers, who thought that children could not be subject to a child protection plan for a second period.
2. Supervision is regular for most social workers, but the recording of these meetings does not always assist a shared understanding of the risks to children.
"""

PLANS = """---
title: Child protection plans
kind: guidance
owner: Principal Social Worker
last_reviewed: 2026-01-10
review_due: 2027-01-10
sources: [Working Together 2023]
---

# Child protection plans

## Second or subsequent plans

Nothing in national guidance prevents a child from being made subject to a child protection plan a second time. A repeat plan is a signal to look hard at the history.

## Review conferences

The first review child protection conference is held within three months of the initial conference, and later reviews are held at intervals of not more than six months.
"""

LETTERS = """---
title: Pre-proceedings
kind: guidance
last_reviewed: 2025-01-01
review_due: 2025-06-01
---

# Pre-proceedings

## What a letter before proceedings must contain

A letter before proceedings must contain:

- the concerns about the child, in plain language;
- what help has already been given;
- what the parents must change and by when.
"""

GLOSSARY = """terms:
  - term: CP
    means: child protection
  - term: LBP
    means: letter before proceedings
    also: [pre-proceedings letter]
  - term: RCPC
    means: review child protection conference
  - term: LADO
    means: local authority designated officer
"""


def write_knowledge(folder: Path) -> Path:
    (folder / "findings").mkdir(parents=True)
    (folder / "guidance").mkdir()
    (folder / "findings" / "letter.md").write_text(FINDINGS, encoding="utf-8")
    (folder / "guidance" / "plans.md").write_text(PLANS, encoding="utf-8")
    (folder / "guidance" / "letters.md").write_text(LETTERS, encoding="utf-8")
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return folder
