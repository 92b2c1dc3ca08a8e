"""Small Word, PDF and HTML documents made by the tests themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def make_docx(path: Path, *, title: str = "Home visits procedure", extra: str = "") -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.modified = dt.datetime(2026, 3, 4, 9, 0)
    document.add_heading(title, level=0)
    document.add_heading("Unannounced visits", level=1)
    document.add_paragraph(
        "Unannounced home visits are made when there are concerns that a family is hiding "
        "neglect, and the reason is recorded on the child's file the same day." + extra
    )
    document.add_heading("Seeing the child alone", level=2)
    document.add_paragraph("The child is seen alone at every statutory visit where age allows:")
    document.add_paragraph("ask about school and friends;", style="List Bullet")
    document.add_paragraph("look at where the child sleeps.", style="List Bullet")
    document.save(path)
    return path


def make_pdf(
    path: Path,
    *,
    pages: list[list[str]] | None = None,
    title: str = "Court bundles",
    password: str | None = None,
) -> Path:
    from fpdf import FPDF

    pages = pages or [
        [
            "Preparing the court bundle",
            "The court bundle is prepared by the allocated social worker with legal services "
            "and is filed two working days before the hearing.",
        ],
        [
            "Statements",
            "Each statement in the bundle is signed and dated, and the chronology is attached "
            "as a separate document.",
        ],
    ]
    pdf = FPDF()
    pdf.set_title(title)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for blocks in pages:
        pdf.add_page()
        for n, text in enumerate(blocks):
            pdf.set_font("Helvetica", "B" if n == 0 else "", 14 if n == 0 else 11)
            pdf.multi_cell(0, 6, text)
            pdf.ln(6)
    pdf.output(str(path))
    return path


def make_blank_pdf(path: Path) -> Path:
    """A PDF with pages but no text layer, as a scanned document looks to a reader."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")
    pdf.output(str(path))
    return path


HTML = """<!doctype html>
<html><head><title>Missing from care protocol</title>
<meta name="dcterms.modified" content="2026-02-01"><meta name="review-due" content="2027-02-01">
</head><body>
<nav><a href="/">Home</a> <a href="/procedures">All procedures</a></nav>
<main>
<h1>Missing from care protocol</h1>
<h2>Reporting a missing child</h2>
<p>When a looked-after child is missing, the carer reports it to the police and to the
social worker without delay.</p>
<h2>After the child returns</h2>
<ul><li>Offer the child a return conversation within three days.</li>
<li>Update the care plan if the risks have changed.</li></ul>
</main>
<footer>Copyright the council</footer>
</body></html>
"""


def make_html(path: Path) -> Path:
    path.write_text(HTML, encoding="utf-8")
    return path
