"""Generate the Word and PDF documents of the Westmere evaluation corpus (part B).

Westmere Borough Council is fictional; every word below was written for this test corpus.

    python3.11 -m venv /tmp/partb-venv
    /tmp/partb-venv/bin/pip install python-docx fpdf2 pypdf
    /tmp/partb-venv/bin/python tests/corpora/make_manual_binaries.py

The output is deterministic: document properties carry fixed dates, the .docx zip entries
carry a fixed timestamp, and the PDFs a fixed creation date. The documents are deliberately a
little untidy (typed numbering, bold paragraphs used as headings, a typed contents list,
running headers and footers) because real procedure manuals are.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent / "manual"
PROCEDURES = HERE / "procedures"
FINDINGS = HERE / "findings"

UTC = dt.timezone.utc


# ---------------------------------------------------------------------------------------------
# Word documents
#
# Each document is a list of blocks: (kind, text) or ("table", rows). Kinds:
#   para      Normal paragraph
#   bold      Normal paragraph, all bold (used as a heading by some authors)
#   title     Title style
#   h1 / h2   Heading 1 / Heading 2
#   num       List Number
#   bullet    List Bullet
#   table     first row is the header row
#   pagebreak
# ---------------------------------------------------------------------------------------------

VISITING = [
    ("bold", "Westmere Borough Council"),
    ("para", "Children and Families Service | Version 2.1 | OFFICIAL"),
    ("para", "Document owner: Head of Service, Safeguarding"),
    ("title", "Visiting children subject to plans"),
    ("h1", "1. Purpose"),
    (
        "para",
        "This procedure sets out how often Westmere social workers must visit the children allocated "
        "to them, what a statutory visit must include and how visits are recorded. It applies to the "
        "Assessment, Family Support, Child Protection and Children in Care teams and to young people "
        "supported by the Next Steps (leaving care) Team.",
    ),
    (
        "para",
        "A visit is not a social call. It is the main way we get to know the child, hear what life "
        "is like for them and check whether the plan is making a difference. A visit that does not "
        "include time with the child is not a statutory visit, even if the parents or carers were "
        "seen.",
    ),
    ("h1", "2. Visiting frequency"),
    (
        "para",
        "The table below sets the minimum visiting frequency for each type of plan. These are "
        "minimums. A child protection conference, a looked after review or a child in need review "
        "may set a higher frequency, and the social worker should visit more often whenever risk "
        "increases or the family is in crisis.",
    ),
    (
        "table",
        [
            ["Plan type", "Minimum visiting frequency", "Seen alone?"],
            [
                "Child in need",
                "At least every 20 working days",
                "Yes, where the child's age and understanding allow",
            ],
            [
                "Child protection",
                "Every 10 working days, and at least one visit in four must be unannounced",
                "Yes, at every visit",
            ],
            [
                "Child looked after (first year of placement)",
                "Within 5 working days of the placement starting, then every 4 weeks",
                "Yes, at every visit",
            ],
            [
                "Child looked after (long-term placement)",
                "Every 3 months once the IRO has confirmed the placement as long-term",
                "Yes, at least at every other visit",
            ],
            [
                "Care leaver (aged 18 to 25)",
                "Contact from the personal adviser every 8 weeks, with at least one face to face meeting each quarter",
                "Not applicable",
            ],
            [
                "Private fostering arrangement",
                "Every 6 weeks in the first year, then every 12 weeks",
                "Yes, at every visit",
            ],
            [
                "Child receiving short breaks only",
                "Every 6 months, to coincide with the short breaks review",
                "Where appropriate",
            ],
        ],
    ),
    (
        "para",
        "Westmere sets a higher frequency than the national minimum for children looked after in "
        "the first year of a placement. This was agreed by the Corporate Parenting Board in 2022 "
        "because most unplanned placement endings in Westmere happen in the first year.",
    ),
    ("h2", "2.1 Seeing the child alone"),
    (
        "para",
        "Children must be seen alone unless there is a clear reason not to, and that reason must be "
        "recorded in the visit note. Seeing a child alone means talking with them out of the hearing "
        "of their parents or carers, ideally somewhere the child feels comfortable.",
    ),
    (
        "bullet",
        "If a child does not want to be seen alone, respect this, record what they said and try again at the next visit.",
    ),
    (
        "bullet",
        "If a child on a child protection plan has not been seen alone at two visits in a row, the social worker must tell their team manager the same day.",
    ),
    (
        "bullet",
        "For babies and children who cannot yet talk, the social worker should see the child awake, watch how the carer responds to them and see where the child sleeps.",
    ),
    (
        "bullet",
        "A child who uses another language or a communication aid should be seen with an interpreter or with the support they normally use, never with a family member interpreting.",
    ),
    ("h2", "2.2 Unannounced visits"),
    (
        "para",
        "For children on a child protection plan at least one visit in every four must be "
        "unannounced. Unannounced visits to children in need or children looked after are made "
        "only with the agreement of the team manager, and the reason is recorded on the case file.",
    ),
    ("h2", "2.3 Where visits take place"),
    (
        "para",
        "At least one visit in every three must take place in the child's home and include seeing "
        "the child's bedroom. Visits at school or nursery may count towards the visiting frequency, "
        "but two visits in a row must not both be at school.",
    ),
    ("h1", "3. What a statutory visit must include"),
    (
        "para",
        "Every statutory visit should include the following, in whatever order suits the child:",
    ),
    ("num", "Seeing the child, and seeing them alone where the table above requires it."),
    ("num", "Seeing the child's bedroom and sleeping arrangements at least at every third visit."),
    ("num", "Talking with the parents or carers about progress against each action in the plan."),
    (
        "num",
        "Recording the child's wishes and feelings, using the child's own words where possible.",
    ),
    (
        "num",
        "Agreeing the date of the next visit with the family, unless the next visit is to be unannounced.",
    ),
    ("h1", "4. Recording visits"),
    (
        "para",
        "Visits to children on a child protection plan must be recorded on Mosaic within 1 working "
        "day of the visit. All other statutory visits must be recorded within 3 working days.",
    ),
    (
        "para",
        'Use the case note type "Statutory visit" and not "Home visit" or "Contact", otherwise '
        "the visit will not be counted in the performance reports and the child will appear overdue. "
        "The note must say who was present, whether the child was seen alone and what the child said.",
    ),
    ("h1", "5. Missed visits and no access"),
    ("para", "When a visit cannot take place or nobody answers the door:"),
    (
        "bullet",
        "Leave a card asking the family to contact you, unless doing so could put someone at risk.",
    ),
    (
        "bullet",
        "For a child on a child protection plan, try again within 24 hours and tell your team manager the same day.",
    ),
    (
        "bullet",
        "For any other child, rebook the visit within 5 working days and record the reason the visit was missed.",
    ),
    (
        "bullet",
        "If a child has not been seen for two consecutive statutory visits, the team manager must hold a management discussion and decide whether a strategy discussion is needed.",
    ),
    (
        "bullet",
        "Outside office hours, concerns about a child who cannot be found are passed to the Emergency Duty Team.",
    ),
    ("h1", "6. Management oversight"),
    (
        "para",
        "Team managers check visiting every week using the Visits Due report on Mosaic and discuss "
        "any overdue visit in supervision. Service managers review visiting performance each month "
        "at the performance clinic. Any visit more than 5 working days overdue is reported to the "
        "Head of Service, Safeguarding.",
    ),
    ("h1", "7. Children placed outside Westmere"),
    (
        "para",
        "Children placed outside the borough are visited at the same frequency as children placed "
        "in Westmere. Where a long-term placement is more than 50 miles away, the service manager "
        "may agree that every other visit is held by video call. Video calls never count as a "
        "statutory visit for a child on a child protection plan.",
    ),
    ("para", "This procedure was last reviewed in June 2024. Next review: June 2026."),
]

PLO = [
    ("bold", "Westmere Children's Services Procedures Manual"),
    ("bold", "Pre-proceedings and the Public Law Outline (PLO)"),
    ("para", "Applies to: all social work teams, Legal Services (children's team)"),
    ("h1", "1 Introduction"),
    (
        "para",
        "The Public Law Outline is the framework the family court follows in care proceedings. "
        "Before the local authority applies to court, it should usually work with parents under the "
        "pre-proceedings part of the PLO. Pre-proceedings gives parents a clear, last chance to make "
        "the changes their children need, with free legal advice, and it lets the local authority "
        "finish assessments before court so that proceedings can be completed within 26 weeks.",
    ),
    (
        "para",
        "In Westmere every decision to start pre-proceedings or to issue care proceedings is made "
        "at a Legal Gateway Meeting. No social worker or team manager can start pre-proceedings "
        "on their own.",
    ),
    ("h1", "2 When to consider pre-proceedings"),
    ("para", "The team manager should request a Legal Gateway Meeting when:"),
    (
        "bullet",
        "a child has been on a child protection plan for 9 months and the risks have not reduced;",
    ),
    ("bullet", "a child becomes the subject of a child protection plan for a second time;"),
    (
        "bullet",
        "a mother is pregnant and an older child has been removed from her care, or the unborn baby is on a pre-birth plan;",
    ),
    (
        "bullet",
        "there is a concern that a child is suffering, or likely to suffer, significant harm and the parents are not working with the plan.",
    ),
    ("bold", "2.1 The Legal Gateway Meeting"),
    (
        "para",
        "The Legal Gateway Meeting is chaired by the Service Manager for Safeguarding and is attended "
        "by the social worker, the team manager and a solicitor from Legal Services. The request "
        "form must be sent to the legal gateway inbox with an up to date single assessment, a "
        "chronology and a genogram. Requests without a chronology will be returned.",
    ),
    ("para", "The meeting can decide one of three things:"),
    (
        "num",
        "The threshold for proceedings is not met and the child continues under a child protection or child in need plan.",
    ),
    ("num", "The threshold is met and the family enters pre-proceedings."),
    (
        "num",
        "The threshold is met and the risk is so serious that care proceedings are issued without pre-proceedings.",
    ),
    (
        "para",
        "The chair records the decision and the reasons on Mosaic within 2 working days of the meeting.",
    ),
    ("h1", "3 The letter before proceedings"),
    (
        "para",
        "The letter before proceedings is drafted by Legal Services using the social worker's "
        "information and is signed by the Service Manager for Safeguarding. It must be written in "
        "plain English and must set out the concerns, what needs to change, the support the local "
        "authority will give and what will happen if things do not change.",
    ),
    (
        "para",
        "The letter must tell parents that they can get free legal advice from a solicitor whatever "
        "their income, and it must include a list of local solicitors who specialise in family law. "
        "Where a parent does not read English, the letter is translated into their first language. "
        "Where a parent has a learning disability, the letter is sent with an easy read summary and "
        "the social worker should refer the parent to an advocate.",
    ),
    (
        "para",
        "The social worker should hand deliver the letter wherever possible, so that they can "
        "explain it and answer questions. A copy is also sent by post or email. Letters are never "
        "handed to a parent in front of their children.",
    ),
    ("bold", "3.1 The pre-proceedings meeting"),
    (
        "para",
        "The pre-proceedings meeting is attended by the parents and their solicitors, the social "
        "worker, the team manager and the local authority solicitor. Other family members may attend "
        "for part of the meeting if the parents agree. At the meeting everyone agrees a written "
        "pre-proceedings plan. The plan says what the parents must do, what support they will get "
        "and which assessments will take place. The plan must be sent to the parents and their "
        "solicitors within 3 working days of the meeting.",
    ),
    ("h1", "4 PLO timescales"),
    (
        "table",
        [
            ["Stage", "Timescale"],
            ["Legal Gateway Meeting held", "Within 10 working days of the request"],
            ["Decision recorded on Mosaic", "Within 2 working days of the Legal Gateway Meeting"],
            [
                "Letter before proceedings sent",
                "Within 5 working days of the Legal Gateway decision",
            ],
            ["Pre-proceedings meeting", "Within 10 working days of the letter being sent"],
            ["Written plan sent to parents and solicitors", "Within 3 working days of the meeting"],
            ["Pre-proceedings review meeting", "Every 6 weeks"],
            [
                "Maximum length of pre-proceedings",
                "16 weeks, unless the Head of Service agrees an extension",
            ],
            [
                "Letter before proceedings for an unborn baby",
                "No later than the 24th week of pregnancy",
            ],
        ],
    ),
    ("h1", "5 Work during pre-proceedings"),
    (
        "para",
        "Pre-proceedings is a time for change and for assessment. The child protection plan and the "
        "core group continue alongside the pre-proceedings plan, and statutory visits continue at "
        "the frequency set by the plan.",
    ),
    (
        "bullet",
        "A family group conference must be offered before pre-proceedings starts, or at the latest at the first pre-proceedings meeting, if one has not been held in the last 6 months.",
    ),
    (
        "bullet",
        "Viability assessments must be started for every family member the parents put forward within 10 working days of their names being given.",
    ),
    (
        "bullet",
        "Where an expert assessment is needed, the parents' solicitors should be invited to agree the letter of instruction.",
    ),
    ("bullet", "Any parenting assessment should be completed before the second review meeting."),
    ("bold", "5.1 Review meetings and extensions"),
    (
        "para",
        "Pre-proceedings is reviewed every 6 weeks at a meeting with the parents and their "
        "solicitors. Pre-proceedings should not last more than 16 weeks. The Head of Service may "
        "agree an extension where an assessment is nearly finished or the parents are making real "
        "progress; the reasons must be recorded. No family should remain in pre-proceedings for more "
        "than 24 weeks in total.",
    ),
    ("h1", "6 Ending pre-proceedings"),
    (
        "para",
        "If enough progress has been made, the team manager takes the case back to the Legal "
        "Gateway Meeting to agree that pre-proceedings can end. The parents and their solicitors "
        "are sent a letter confirming the end of pre-proceedings within 5 working days of that "
        "decision, and the child's plan continues under child protection or child in need.",
    ),
    (
        "para",
        "If progress has not been made, the Legal Gateway Meeting may decide to issue care "
        "proceedings. The social worker completes the social work evidence template and Legal "
        "Services aims to issue the application within 10 working days of the decision.",
    ),
    ("h1", "7 Urgent cases"),
    (
        "para",
        "Pre-proceedings must not delay action to protect a child. Where a child is at immediate "
        "risk, speak to your team manager and Legal Services straight away. Out of hours, the "
        "Emergency Duty Team can contact the on-call local authority solicitor.",
    ),
    ("para", "Issued September 2024. Owner: Service Manager, Safeguarding and Legal Services."),
]

SINGLE_ASSESSMENTS = [
    ("bold", "Westmere Borough Council - Children and Families Service"),
    ("title", "Single assessments"),
    ("para", "Contents"),
    ("para", "1. Introduction ........ 2"),
    ("para", "2. Timescales ........ 3"),
    ("para", "3. Starting the assessment ........ 3"),
    ("para", "4. Seeing the child ........ 4"),
    ("para", "5. Information from other agencies ........ 4"),
    ("para", "6. Analysis and outcome ........ 5"),
    ("para", "7. Management sign-off ........ 5"),
    ("para", "8. Updating an assessment ........ 6"),
    ("pagebreak", ""),
    ("h1", "Introduction"),
    (
        "para",
        "Westmere uses one assessment, the single assessment, for every child referred to "
        "children's social care whose needs may require a service from a social worker. It replaced "
        "the old initial and core assessments. A single assessment is led by a qualified social "
        "worker, it looks at the child's developmental needs, the parents' capacity to meet them and "
        "the wider family and environment, and it should be in proportion to the concerns: a short, "
        "focused assessment is better than a long one that does not say what life is like for the "
        "child.",
    ),
    (
        "para",
        "An assessment is not a form to fill in. It is a piece of work with the family. Good "
        "assessments in Westmere are written in plain language, say clearly what is going well and "
        "what is worrying us, and end with an analysis that another worker could pick up and "
        "understand.",
    ),
    ("h1", "Timescales"),
    (
        "para",
        "The maximum timescale for a single assessment is 45 working days from the day the referral "
        "was accepted by the Integrated Front Door. This is a maximum and not a target. In Westmere "
        "the team manager sets a target date for each assessment when it is allocated, and most "
        "assessments should be completed within 35 working days.",
    ),
    (
        "para",
        "The social worker must see the child within 5 working days of the assessment being "
        "allocated. Where the Integrated Front Door rates the referral as red, the child must be "
        "seen within 24 hours, and where the referral leads to a strategy discussion the timescales "
        "in the section 47 procedure apply instead.",
    ),
    (
        "para",
        "If an assessment cannot be finished within 45 working days, the team manager must record "
        "the reason on Mosaic and tell the service manager before the deadline passes. An assessment "
        "is never closed early just to meet the timescale.",
    ),
    ("h1", "Starting the assessment"),
    (
        "para",
        "Within 2 working days of allocation, the team manager and the social worker agree an "
        "assessment plan. The plan records who will be seen, which agencies will be contacted, any "
        "interpreter or advocacy needs and the target date.",
    ),
    (
        "para",
        "Parents should be told about the assessment and asked for their consent to contact other "
        "agencies, unless asking would place the child at risk of significant harm. If consent is "
        "refused, the team manager decides whether to go ahead without it and records why. Older "
        "children should be asked for their own views about information being shared.",
    ),
    ("para", "Before the first visit the social worker should:"),
    (
        "bullet",
        "read the referral and any previous records held by Westmere, including closed files;",
    ),
    (
        "bullet",
        "check whether the child or a sibling has ever had a child protection plan, in Westmere or elsewhere;",
    ),
    (
        "bullet",
        "make sure they know who lives in the household and who else is important to the child.",
    ),
    ("h1", "Seeing the child"),
    (
        "para",
        "Every child in the household must be seen during the assessment, not only the child who "
        "was referred. The referred child must be seen alone at least once, unless they are too "
        "young or there is a recorded reason not to. Direct work tools such as the three houses or "
        "a wishes and feelings book should be used so that the child's voice is heard in their own "
        "words.",
    ),
    (
        "para",
        "The assessment must include the child's father and any man who is significant in the "
        "child's life, whether or not he lives with the child. If the father cannot be found or will "
        "not engage, the assessment should say what was tried. Assessments that leave out fathers "
        "are returned by the team manager.",
    ),
    (
        "para",
        "Where the child is aged 8 or over, the section describing the child's experiences should be "
        "written as if speaking to the child, because children in Westmere have told us they want to "
        "be able to read what we write about them.",
    ),
    ("h1", "Information from other agencies"),
    (
        "para",
        "The social worker should ask the school or nursery, the GP, the health visitor or school "
        "nurse and the police for information at the start of the assessment. Requests are sent by "
        "secure email using the agency information request template, and agencies are asked to "
        "reply within 5 working days.",
    ),
    (
        "para",
        "If an agency has not replied after 5 working days, the social worker should telephone them. "
        "If there is still no reply after 10 working days, the team manager should contact the "
        "agency's safeguarding lead. Where an adult in the household receives adult mental health or "
        "substance misuse services, those services must also be contacted.",
    ),
    ("h1", "Analysis and outcome"),
    (
        "para",
        "The analysis should explain what the information means for the child, what is likely to "
        "happen if nothing changes, and why the recommended outcome is the right one. It should not "
        "repeat the information already recorded elsewhere in the assessment.",
    ),
    ("para", "The outcome of a single assessment is one of the following:"),
    ("num", "No further action from children's social care, with advice or signposting."),
    (
        "num",
        "Step down to Family Help, with a named lead practitioner agreed before the case closes.",
    ),
    (
        "num",
        "A child in need plan, with the first child in need meeting held within 15 working days of the assessment being authorised.",
    ),
    (
        "num",
        "A strategy discussion, where the assessment finds reasonable cause to suspect significant harm.",
    ),
    ("num", "A recommendation to the service manager that the child should become looked after."),
    (
        "para",
        "The social worker must share the assessment with the parents and, where appropriate, with "
        "the child. Parents are sent an outcome letter within 5 working days of the assessment being "
        "authorised. Parents who disagree with the assessment may add their views, which are kept "
        "with the assessment on the file.",
    ),
    ("h1", "Management sign-off"),
    (
        "para",
        "When the social worker submits the assessment, the team manager must read it and either "
        "authorise it or return it within 3 working days. The team manager records a short "
        "management summary explaining the decision. An assessment counts as completed on the date "
        "it is authorised, not the date it is submitted.",
    ),
    ("h1", "Updating an assessment"),
    (
        "para",
        "A child who remains on a child in need plan must have their assessment updated at least "
        "every 12 months. A new or updated assessment is also needed when the child's circumstances "
        "change significantly, for example when a new partner joins the household, a parent is "
        "released from prison or the child moves home. A child who steps down from a child protection "
        "plan to a child in need plan does not need a new assessment if the last one is less than "
        "6 months old.",
    ),
    (
        "para",
        "Version 3.0. Approved by the Head of Service, Assessment and Family Support, 4 October 2023.",
    ),
]


def _fixed_zip(data: bytes, when: tuple[int, ...]) -> bytes:
    """Rewrite a .docx zip so every entry carries the same fixed timestamp (deterministic)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_docx(
    path: Path, blocks, *, title: str, author: str, created: dt.datetime, modified: dt.datetime
) -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for kind, content in blocks:
        if kind == "para":
            doc.add_paragraph(content)
        elif kind == "bold":
            doc.add_paragraph().add_run(content).bold = True
        elif kind == "title":
            doc.add_paragraph(content, style="Title")
        elif kind == "h1":
            doc.add_paragraph(content, style="Heading 1")
        elif kind == "h2":
            doc.add_paragraph(content, style="Heading 2")
        elif kind == "num":
            doc.add_paragraph(content, style="List Number")
        elif kind == "bullet":
            doc.add_paragraph(content, style="List Bullet")
        elif kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "table":
            rows = content
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(text)
                    run.bold = r == 0
        else:
            raise ValueError(kind)
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.revision = 1
    props.created = created
    props.modified = modified
    props.last_printed = modified
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue(), (2024, 1, 1, 0, 0, 0)))


# ---------------------------------------------------------------------------------------------
# PDF guides
#
# Blocks: ("title", text), ("meta", text), ("h", text), ("p", text), ("b", text) a "•" bullet,
# ("pagebreak", "").
# ---------------------------------------------------------------------------------------------

MANUAL_HEADER = "Westmere Borough Council - Children's Services Procedures Manual - OFFICIAL"

CLA_REVIEWS = [
    ("title", "Children looked after: reviews and the IRO"),
    ("meta", "Amended March 2025"),
    ("meta", "Review date: 1 May 2027"),
    ("meta", "Owner: Service Manager, Quality Assurance and Independent Reviewing Service"),
    ("h", "1. Introduction"),
    (
        "p",
        "Every child looked after by Westmere Borough Council has a care plan, and that care plan is "
        "reviewed regularly at a looked after review chaired by an Independent Reviewing Officer "
        "(IRO). The review is the child's meeting. Its purpose is to check that the plan still "
        "meets the child's needs, that the child's views have been heard and that the local "
        "authority is doing what it said it would do.",
    ),
    (
        "p",
        "Westmere's IROs work in the Quality Assurance and Independent Reviewing Service. They are "
        "managed separately from the social work teams and have no say in the day to day "
        "management of a child's case. This independence is what allows them to challenge.",
    ),
    ("h", "2. The role of the IRO"),
    ("p", "The IRO's main responsibilities are to:"),
    (
        "b",
        "chair the child's looked after reviews and make sure the child's wishes and feelings are given proper weight;",
    ),
    ("b", "speak with the child, on their own if the child wishes, before every review;"),
    (
        "b",
        "check that the care plan, including the plan for permanence, is being carried out without delay;",
    ),
    ("b", "monitor the local authority's work between reviews, not only at the review meeting;"),
    (
        "b",
        "raise concerns through the dispute resolution process and, as a last resort, refer the case to Cafcass.",
    ),
    ("h", "3. Review timescales"),
    (
        "p",
        "The timescales below are the latest date by which each review must be held. A review can "
        "always be held earlier.",
    ),
    ("h", "3.1 First and second reviews"),
    (
        "p",
        "The first review must be held within 20 working days of the date the child became looked "
        "after. The second review must be held no more than 3 months after the first review. By "
        "the second review the child must have a permanence plan, and the IRO should check that "
        "the plan has a realistic timescale.",
    ),
    ("h", "3.2 Later reviews"),
    ("p", "After the second review, reviews are held at intervals of no more than 6 months."),
    (
        "p",
        "In Westmere, children who were under 2 years old when they became looked after are reviewed "
        "at least every 4 months until a permanent placement is confirmed, because delay has the "
        "greatest effect on the youngest children.",
    ),
    ("h", "3.3 Bringing a review forward"),
    ("p", "A review must be brought forward when:"),
    (
        "b",
        "the child has an unplanned change of placement, in which case a review is held within 20 working days of the move;",
    ),
    ("b", "the child, a parent or the child's carer asks for one and the IRO agrees it is needed;"),
    (
        "b",
        "the care plan is about to change significantly, for example a plan for the child to return home;",
    ),
    (
        "b",
        "the child is remanded to youth detention accommodation or goes missing for more than 7 days.",
    ),
    ("p", "The social worker must tell the IRO about any placement change within 1 working day."),
    ("h", "4. Before the review"),
    (
        "p",
        "When a child becomes looked after, the social worker must email the IRO team inbox within 1 "
        "working day. The IRO service manager allocates an IRO within 5 working days, and the same "
        "IRO should stay with the child for as long as they are looked after wherever possible.",
    ),
    (
        "p",
        "The social worker must send consultation forms, or a link to the Mind of My Own app, to the "
        "child, parents and carers at least 15 working days before the review. The social worker's "
        "report for the review must be shared with the IRO at least 5 working days before the "
        "meeting, and with the parents and the child (where appropriate) at least 3 working days "
        "before it.",
    ),
    (
        "p",
        "The IRO must speak with the child before every review. This can be a visit, a video call or, "
        "for some older young people, a phone call. It is recorded on the child's file as an IRO "
        "contact.",
    ),
    ("h", "5. The review meeting"),
    (
        "p",
        "The review should be planned around the child. The child decides, with help from the IRO, "
        "who attends, where it is held and whether they attend all or part of it. Reviews are not "
        "held in school during lessons unless the child asks for this.",
    ),
    (
        "p",
        "Young people aged 12 and over are offered the chance to chair or co-chair their own review, "
        "with preparation from the IRO and their advocate. Every child looked after is told how to "
        "get an independent advocate, and the IRO checks this at every review.",
    ),
    ("h", "6. After the review"),
    (
        "p",
        "The IRO sends the review decisions to the social worker, team manager, parents and carers "
        "within 5 working days of the review. The full review record is completed within 20 "
        "working days and a letter to the child, written to them in plain language, is sent "
        "with it.",
    ),
    (
        "p",
        "If the team manager disagrees with a decision, they must tell the IRO in writing within 5 "
        "working days of receiving the decisions. Otherwise the decisions stand and the social "
        "worker must carry them out by the dates set.",
    ),
    ("h", "7. Resolving disputes"),
    (
        "p",
        "Where the IRO has concerns about a child's plan or about drift, they follow the Westmere "
        "dispute resolution process. At each stage the manager has a set time to respond:",
    ),
    (
        "b",
        "Stage 1 - informal discussion with the social worker and team manager; response within 5 working days.",
    ),
    (
        "b",
        "Stage 2 - the IRO raises the concern with the service manager; response within 5 working days.",
    ),
    (
        "b",
        "Stage 3 - the IRO service manager raises it with the Head of Service; response within 10 working days.",
    ),
    (
        "b",
        "Stage 4 - the concern is escalated to the Director of Children's Services; response within 10 working days.",
    ),
    (
        "p",
        "The IRO may skip stages where a child is at risk of harm or where delay would be harmful. "
        "If the matter is still not resolved, the IRO can refer the case to Cafcass. The IRO "
        "must record every escalation on the child's file, including informal ones.",
    ),
    ("pagebreak", ""),
    ("h", "Appendix A - Related procedures and contacts"),
    ("b", "Care planning and placement for children looked after"),
    ("b", "Visiting children subject to plans"),
    ("b", "Transitions and pathway planning for care leavers"),
    ("b", "IRO team inbox: iro.team@westmere.gov.example"),
    ("h", "Appendix B - Document history"),
    (
        "p",
        "Version 4.2, March 2025: section 3.2 added (reviews for children under 2); dispute resolution "
        "timescales changed to match the revised escalation protocol.",
    ),
    ("p", "Version 4.1, January 2023: Mind of My Own app added to section 4."),
]

PATHWAY = [
    ("title", "Transitions and pathway planning for care leavers"),
    ("meta", "Amended November 2023"),
    ("meta", "Review date: 30 November 2024"),
    ("meta", "Owner: Team Manager, Next Steps Team (Leaving Care)"),
    ("h", "1. Introduction"),
    (
        "p",
        "This procedure explains how Westmere prepares children looked after for adult life and how "
        "it supports care leavers. It covers the needs assessment, the pathway plan, the role of the "
        "personal adviser (PA), the move to adulthood at 18 and support up to the age of 25. "
        "In Westmere, support for care leavers is provided by the Next Steps Team.",
    ),
    (
        "p",
        "The local authority is a corporate parent to its care leavers. Staff should ask themselves "
        "what a good parent would do and should not close the door on a young person because they "
        "missed an appointment or turned support down in the past.",
    ),
    ("h", "2. Who is entitled to support"),
    (
        "b",
        "Eligible children: aged 16 or 17, still looked after, and looked after for at least 13 weeks since the age of 14.",
    ),
    (
        "b",
        "Relevant children: aged 16 or 17, were eligible, but have now left care (including young people in custody or hospital).",
    ),
    ("b", "Former relevant children: aged 18 to 25 who were eligible or relevant children."),
    (
        "p",
        "Young people who were looked after for a shorter time may still be entitled to advice and "
        "assistance. If in doubt, ask the Next Steps Team manager.",
    ),
    ("h", "3. The needs assessment and the pathway plan"),
    ("h", "3.1 Starting the pathway plan"),
    (
        "p",
        "The social worker begins the needs assessment when the young person is 15 years and 6 "
        "months old. The first pathway plan must be completed and authorised by the team manager "
        "within 3 months of the young person's 16th birthday. The pathway plan replaces the care "
        "plan for the parts of the young person's life it covers, and it must be written with the "
        "young person, not for them.",
    ),
    (
        "p",
        "The pathway plan covers health, education and training, employment, accommodation, money "
        "and budgeting, practical skills, family and social relationships, and identity. For each "
        "area it sets out what the young person wants, what support they will get and who will "
        "provide it.",
    ),
    ("h", "3.2 Reviewing the pathway plan"),
    (
        "p",
        "The pathway plan must be reviewed at least every 6 months. While the young person is still "
        "looked after, the pathway plan is reviewed at the looked after review chaired by the IRO. "
        "After the young person turns 18, the PA leads the review.",
    ),
    (
        "p",
        "Westmere reviews pathway plans every 3 months for young people who are in custody, who are "
        "parents themselves, or who are in their first 6 months of living in supported "
        "accommodation. A pathway plan must also be reviewed within 10 working days of any "
        "significant change, such as losing accommodation or leaving education.",
    ),
    ("h", "4. The personal adviser"),
    (
        "p",
        "Every young person is allocated a PA from the Next Steps Team by their 17th birthday. From "
        "then until the young person turns 18, the social worker and the PA work together, and the "
        "PA attends the looked after reviews. At 18 the social worker's role ends and the PA "
        "becomes the main worker.",
    ),
    ("p", "The PA's duties include:"),
    (
        "b",
        "keeping in touch with the young person at least every 8 weeks, with a face to face meeting at least once a quarter;",
    ),
    (
        "b",
        "giving practical advice and support, and helping the young person to use other services;",
    ),
    ("b", "coordinating the pathway plan and making sure the actions in it happen;"),
    ("b", "taking part in reviews of the pathway plan;"),
    ("b", "keeping informed about the young person's progress, health and wellbeing;"),
    ("b", "keeping a full record of contact with the young person on Mosaic."),
    (
        "p",
        "If a PA has lost contact with a young person for more than 8 weeks, the PA must tell the team "
        "manager and make at least one attempt a month to get back in touch, including through "
        "friends, family or other professionals the young person trusts.",
    ),
    ("h", "5. Turning 18"),
    (
        "p",
        "A transition planning meeting is held when the young person is 17 years and 3 months old. "
        "The meeting plans where the young person will live after 18, what will happen to their "
        "money and benefits, and how health care will move to adult services.",
    ),
    (
        "p",
        "Young people in foster care can stay with their foster carers after 18 under a Staying Put "
        "arrangement, up to the age of 21. The social worker should raise Staying Put with the "
        "young person and the carers no later than the first pathway plan review after the "
        "young person's 16th birthday.",
    ),
    (
        "p",
        "Where a young person is likely to need care and support as an adult, the social worker must "
        "refer them to the Westmere Preparing for Adulthood Team by the time the young person is "
        "16, so that a Care Act assessment can be completed before they turn 18.",
    ),
    ("h", "6. Support up to the age of 25"),
    (
        "p",
        "Former relevant care leavers can receive PA support up to the age of 25, whether or not they "
        "are in education or training. A young person aged 21 to 25 who asks for support must have "
        "a PA allocated within 10 working days and a new needs assessment completed within 20 "
        "working days.",
    ),
    (
        "p",
        "Care leavers who go to university receive the higher education bursary and help with "
        "accommodation in the holidays. Westmere care leavers living in the borough are exempt from "
        "council tax until their 25th birthday.",
    ),
    ("h", "7. Closing support"),
    (
        "p",
        "At 21, if the young person is not in education or training and does not want further "
        "support, the PA may close the case with the team manager's agreement. The young person "
        "must be sent a letter explaining that they can come back for support at any time until "
        "they are 25, with the team's phone number and email address.",
    ),
    ("pagebreak", ""),
    ("h", "Appendix A - Contacts"),
    ("b", "Next Steps Team duty line: 01632 960 418 (Monday to Friday, 9am to 5pm)"),
    ("b", "Preparing for Adulthood Team: pfa@westmere.gov.example"),
    ("b", "Out of hours: Emergency Duty Team"),
    ("h", "Appendix B - Document history"),
    ("p", "Version 3, November 2023: support to 25 updated; council tax exemption added."),
    ("p", "Version 2, April 2021: Staying Put section rewritten."),
]

LETTER_ADDRESS = [
    "Ofsted",
    "Piccadilly Gate",
    "Store Street",
    "Manchester",
    "M1 2WD",
    "T 0300 123 1231",
    "www.gov.uk/ofsted",
]

LETTER = [
    ("p", "14 March 2024"),
    ("addr", "Mrs Joanna Treleaven"),
    ("addr", "Director of Children's Services"),
    ("addr", "Westmere Borough Council"),
    ("addr", "Civic Centre, Market Road"),
    ("addr", "Westmere WR9 1AB"),
    ("gap", ""),
    ("p", "Dear Mrs Treleaven"),
    ("h", "Focused visit to Westmere children's services"),
    (
        "p",
        "This letter summarises the findings of the focused visit to Westmere children's services "
        "on 13 and 14 February 2024. His Majesty's Inspectors for this visit were Daniel Ashworth "
        "and Priya Ramsden.",
    ),
    (
        "p",
        "Inspectors looked at the local authority's arrangements for children in need and children "
        "subject to a child protection plan, including how the integrated front door responds to "
        "concerns about children.",
    ),
    (
        "p",
        "This visit was carried out in line with the inspection of local authority children's "
        "services framework. Inspectors looked at children's case records, spoke with social "
        "workers, team managers and senior leaders, and considered the local authority's "
        "performance information and its own audits of children's records.",
    ),
    ("h", "Headline findings"),
    (
        "p",
        "Since the last inspection in 2022, leaders in Westmere have made steady progress. Most "
        "children in need of help and protection receive a timely response from the front door, "
        "and their needs are assessed promptly. Leaders know their service well and their self "
        "assessment is accurate. However, the quality of practice is not yet consistent across all "
        "teams. Some children's plans are too general to help families understand what needs to "
        "change, and high caseloads in one team are limiting the time social workers can spend "
        "with children.",
    ),
    ("h", "What needs to improve in this area of social work practice?"),
    ("b", "The attendance of police and health professionals at strategy discussions."),
    (
        "b",
        "The quality of child in need plans, so that actions are specific and have clear timescales.",
    ),
    ("b", "The reflective quality of supervision for social workers."),
    ("b", "Caseloads in the North Locality Child Protection Team."),
    ("b", "The recording of children's views and of the direct work completed with them."),
    (
        "b",
        "Management oversight of children in need whose plans have been open for more than 12 months.",
    ),
    ("h", "Main findings"),
    (
        "n",
        "Contacts and referrals received by the integrated front door are screened quickly, usually "
        "within 24 hours. Thresholds are well understood by partner agencies and consent is sought "
        "from parents appropriately. When risk is high, children's cases are passed promptly to "
        "the assessment teams.",
    ),
    (
        "n",
        "Strategy discussions are held promptly when children may be at risk of significant harm. "
        "However, police do not always attend them. In a small number of children's cases, the "
        "strategy discussion was a telephone call between the social worker and the police only, "
        "and health professionals were rarely invited. This means that important information is "
        "not always shared before decisions are made.",
    ),
    (
        "n",
        "Section 47 enquiries are thorough and children are seen quickly. Social workers speak with "
        "children alone and record what children tell them.",
    ),
    (
        "n",
        "Assessments are timely, with almost all completed within 45 working days. Most assessments "
        "are detailed and consider the child's history well. Fathers and other significant men are "
        "not always included in assessments, and this means that some assessments do not fully "
        "reflect the risks and strengths in children's families.",
    ),
    (
        "n",
        "Child in need plans are too often generic. Inspectors saw plans with actions such as "
        "'parents to engage with services' that did not say what would change for the child or by "
        "when. Some children remain on child in need plans for long periods without a clear view "
        "of whether their circumstances are improving.",
    ),
    (
        "n",
        "Child protection conferences are held within timescales and are well attended by partner "
        "agencies. Core groups are well attended, including by schools and health visitors, and "
        "they meet regularly. Core group records show that partners are clear about their actions.",
    ),
    (
        "n",
        "Children are visited regularly in line with their plans and most are seen alone. The "
        "quality of recording of visits varies. In some teams, direct work is creative and helps "
        "children express their views, but in others there is little evidence of direct work and "
        "children's wishes and feelings are recorded only briefly.",
    ),
    (
        "n",
        "Pre-birth work is a strength. Unborn babies are identified early, and parents are helped to "
        "understand the concerns and what they need to do.",
    ),
    (
        "n",
        "Social workers receive regular supervision, usually monthly, and they told inspectors that "
        "managers are accessible and supportive. However, supervision records are mostly task "
        "focused and do not show reflective discussion about children's experiences or about the "
        "impact of the plan.",
    ),
    (
        "n",
        "Most social workers have caseloads that allow them to do purposeful work with children. "
        "However, social workers in the North Locality Child Protection Team hold between 26 and "
        "30 children each, and the team relies heavily on agency staff. Leaders are aware of this "
        "and have begun recruiting to additional posts, but this has not yet reduced caseloads.",
    ),
    (
        "n",
        "Leaders have a well-developed quality assurance framework. Audits are completed regularly "
        "and include conversations with families. Leaders use what they learn to plan training, "
        "and social workers told inspectors that they value the training on domestic abuse and "
        "on working with fathers.",
    ),
    (
        "n",
        "Social workers are positive about working in Westmere. They said that they feel supported "
        "by their managers and that senior leaders are visible.",
    ),
    (
        "p",
        "Ofsted will take the findings from this focused visit into account when planning your next "
        "inspection or visit.",
    ),
    ("p", "Yours sincerely"),
    ("p", "Daniel Ashworth"),
    ("p", "His Majesty's Inspector"),
]


class ManualPDF(FPDF):
    """A procedures-manual page: running header on every page, 'Page N of M' footer."""

    def __init__(self, header_text: str, footer_note: str | None):
        super().__init__(format="A4")
        self.header_text = header_text
        self.footer_note = footer_note
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=22)

    def header(self):
        self.set_font("helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 5, self.header_text, align="C")
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self):
        self.set_y(-15)
        self.set_font("helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        if self.footer_note:
            self.cell(0, 5, self.footer_note, align="L")
            self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class LetterPDF(ManualPDF):
    """Ofsted letter: address block on page 1 only, 'Ofsted' header on every page."""

    def header(self):
        self.set_font("helvetica", "B", 14)
        self.set_y(10)
        self.cell(0, 7, "Ofsted", align="L")
        if self.page_no() == 1:
            self.set_font("helvetica", "", 8)
            y = 10
            for line in LETTER_ADDRESS[1:]:
                self.set_xy(150, y)
                self.cell(40, 4, line, align="L")
                y += 4
            self.set_y(44)
        else:
            self.set_font("helvetica", "", 8)
            self.set_xy(110, 11)
            self.cell(80, 5, "Focused visit to Westmere children's services", align="R")
            self.set_y(22)


def render_pdf(pdf: ManualPDF, blocks, body_size: float = 11.5) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    number = 0
    for kind, text in blocks:
        if kind == "title":
            pdf.set_font("helvetica", "B", 16)
            pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "meta":
            pdf.set_font("helvetica", "I", 9)
            pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "h":
            pdf.ln(3)
            pdf.set_font("helvetica", "B", 11)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("helvetica", "", body_size)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif kind == "addr":
            pdf.set_font("helvetica", "", body_size)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "b":
            pdf.set_font("helvetica", "", body_size)
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(5, 6, "\u2022")
            pdf.multi_cell(width - 9, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "n":
            number += 1
            pdf.set_font("helvetica", "", body_size)
            pdf.cell(9, 6, f"{number}.")
            pdf.multi_cell(width - 9, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "pagebreak":
            pdf.add_page()
        elif kind == "gap":
            pdf.ln(6)
        else:
            raise ValueError(kind)


def write_pdf(
    path: Path, pdf: ManualPDF, blocks, *, title: str, created: dt.datetime, body_size: float = 11.5
) -> None:
    pdf.set_title(title)
    pdf.set_author("Westmere Borough Council" if not isinstance(pdf, LetterPDF) else "Ofsted")
    pdf.set_creator("Westmere document production")
    pdf.set_producer("Westmere document production")
    pdf.set_creation_date(created)
    pdf.add_page()
    render_pdf(pdf, blocks, body_size)
    pdf.output(str(path))


def main() -> None:
    PROCEDURES.mkdir(parents=True, exist_ok=True)
    FINDINGS.mkdir(parents=True, exist_ok=True)

    write_docx(
        PROCEDURES / "visiting-children-subject-to-plans.docx",
        VISITING,
        title="Visiting children subject to plans",
        author="Safeguarding Service",
        created=dt.datetime(2021, 3, 9, 10, 0, tzinfo=UTC),
        modified=dt.datetime(2024, 6, 27, 15, 42, tzinfo=UTC),
    )
    write_docx(
        PROCEDURES / "pre-proceedings-and-the-public-law-outline.docx",
        PLO,
        title="",
        author="Legal Services",
        created=dt.datetime(2019, 11, 4, 9, 15, tzinfo=UTC),
        modified=dt.datetime(2024, 9, 18, 11, 5, tzinfo=UTC),
    )
    write_docx(
        PROCEDURES / "single-assessments.docx",
        SINGLE_ASSESSMENTS,
        title="Single assessments",
        author="Assessment and Family Support",
        created=dt.datetime(2023, 8, 14, 13, 30, tzinfo=UTC),
        modified=dt.datetime(2023, 10, 4, 16, 20, tzinfo=UTC),
    )

    write_pdf(
        PROCEDURES / "children-looked-after-reviews-and-the-iro.pdf",
        ManualPDF(MANUAL_HEADER, "Printed copies are uncontrolled"),
        CLA_REVIEWS,
        title="Children looked after: reviews and the IRO",
        created=dt.datetime(2025, 3, 17, 9, 0, tzinfo=UTC),
    )
    write_pdf(
        PROCEDURES / "transitions-and-pathway-planning-for-care-leavers.pdf",
        ManualPDF(MANUAL_HEADER, "Printed copies are uncontrolled"),
        PATHWAY,
        title="Transitions and pathway planning for care leavers",
        created=dt.datetime(2023, 11, 20, 14, 0, tzinfo=UTC),
    )
    write_pdf(
        FINDINGS / "ofsted-focused-visit-2024-03-14.pdf",
        LetterPDF("Ofsted", None),
        LETTER,
        title="Focused visit to Westmere children's services",
        created=dt.datetime(2024, 3, 14, 8, 30, tzinfo=UTC),
    )


if __name__ == "__main__":
    main()
