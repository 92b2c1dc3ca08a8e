"""What a question asks for, and whether a sentence supplies it.

"How often" wants a frequency, "how long" or "when is it due" a duration or deadline, "who" a
role, "can I" a permission, "what goes in" a list. A passage on the right topic that never
supplies the kind of thing asked for (the core-group paragraph, asked who takes the minutes)
is related to the question but does not answer it. The patterns describe how English states
each kind of answer; none names a topic of any document."""

from __future__ import annotations

import re
from enum import StrEnum


class Ask(StrEnum):
    FREQUENCY = "frequency"
    TIMESCALE = "timescale"
    ROLE = "role"
    PERMISSION = "permission"
    CONTENTS = "contents"
    FINDING = "finding"
    OTHER = "other"


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.I)


_ASKS: list[tuple[Ask, re.Pattern[str]]] = [
    (
        Ask.FINDING,
        _any(
            r"\b(?:ofsted|inspectors?|inspection)\b.*\b(?:find|found|say|said|think|thought"
            r"|report|saw|see)\b",
            r"\bwhat did (?:ofsted|inspectors?)\b",
            r"\bareas? (?:for|of) improvement\b",
        ),
    ),
    (
        Ask.FREQUENCY,
        _any(r"\bhow (?:often|frequently|regularly)\b", r"\bfrequency\b", r"\bhow many times\b"),
    ),
    (
        Ask.TIMESCALE,
        _any(
            r"\bhow (?:long|soon|quick(?:ly)?|fast|late)\b",
            r"\bhow many (?:working )?(?:days|weeks|months|hours)\b",
            r"\btimescales?\b",
            r"\bdeadline\b",
            r"\bby when\b",
            r"\bwithin how\b",
            r"\bwhen (?:is|are|does|do|should|must|will|has|have)\b.*\b(?:due|held|happen"
            r"|take place|done|sent|completed?|start|end|expire|finish)\b",
        ),
    ),
    (
        Ask.ROLE,
        _any(
            r"^\W*(?:and\s+)?who\b",
            r"\bwho (?:is|are|does|do|should|must|can|will|takes?|chairs?|decides?|signs?"
            r"|attends?|writes?)\b",
            r"\bwhose (?:job|responsibility)\b",
            r"\bwhich (?:team|service|manager|person|agency)\b",
        ),
    ),
    (
        Ask.CONTENTS,
        _any(
            r"\b(?:what|wot|wat) (?:goes|should go|must go|needs to go|has to go|do i put"
            r"|to put|should be|must be|needs to be) (?:in|into|on)\b",
            r"\b(?:what|wot|wat) (?:must|should|does|do|needs to)\b.*\b(?:contain|include"
            r"|cover|say|have in)\b",
            r"\bwhat(?:'s| is) in (?:a|an|the)\b",
        ),
    ),
    (
        Ask.PERMISSION,
        _any(
            r"^\W*(?:can|could|may|is it ok|is it okay|is it allowed|am i allowed|are we allowed"
            r"|is there (?:a )?(?:bar|limit|rule)|do (?:i|we) (?:have|need) to|must (?:i|we)"
            r"|should (?:i|we)|does (?:it|the|a|an)|do we still|is (?:a|an|the|it)\b)",
            r"\b(?:can|could|may) (?:a|an|the|i|we|you|they|he|she|it|kids?|child(?:ren)?"
            r"|parents?)\b",
            r"\ballowed\b",
            r"\bpermitted\b",
        ),
    ),
]

# How each kind of answer is written.
_SUPPLIES: dict[Ask, re.Pattern[str]] = {
    Ask.FREQUENCY: _any(
        r"\bevery\b",
        r"\b(?:weekly|fortnightly|monthly|quarterly|annually|yearly|daily|termly)\b",
        r"\b(?:once|twice|\d+ times) (?:a|an|per|each|every)\b",
        r"\bat least (?:once|twice)\b",
        r"\bintervals?\b|\bfrequen|\bregularly\b",
        r"\beach (?:week|month|year|visit|session)\b",
    ),
    Ask.TIMESCALE: _any(
        r"\bwithin\b",
        r"\b\d+(?:\.\d+)? (?:working |calendar |clear )?(?:days?|weeks?|months?|hours?|years?)\b",
        r"\b(?:one|two|three|four|five|six|seven|eight|ten|twelve|fifteen|twenty)[- ]"
        r"(?:working )?(?:days?|weeks?|months?|hours?)\b",
        r"\bno (?:later|more) than\b|\bby the (?:end|time|date)\b|\bbefore\b",
        r"\bimmediately\b|\bsame day\b|\bpromptly\b|\btimescales?\b|\bdeadline\b",
        r"\buntil\b|\blasts?\b|\bup to\b|\bat least\b",
    ),
    Ask.ROLE: _any(
        r"\b(?:social workers?|(?:team|service|practice) managers?|managers?|chairs?|chaired"
        r"|IROs?|police|officers?|nurses?|GPs?|health visitors?|schools?|coordinators?"
        r"|practitioners?|leads?|advisers?|advisors?|solicitors?|lawyers?|legal services"
        r"|panel|director|principal social worker|PSW|LADO|teams?|services?|agency|agencies)\b",
        r"\bthe [A-Z][A-Za-z]+ (?:Team|Service|Unit|Panel)\b",
        r"\bresponsib|\b(?:carried out|led|arranged|decided|made|chaired) by\b|\bdecides\b",
    ),
    Ask.PERMISSION: _any(
        r"\b(?:can|cannot|can't|could|may|must not|mustn't|should not|shouldn't|allowed"
        r"|permitted|unless|must|should|need|needs|required)\b",
        r"\bno bar\b|\bnothing (?:in|prevents)\b|\bnot prevent|\bprevents?\b",
        r"\bonly (?:if|when|where|be)\b|\b(?:is|are|does|do) not\b",
    ),
    Ask.CONTENTS: _any(
        r":|;",
        r"\b(?:include|includes|including|contain|contains|cover|covers|sets? out|must say"
        r"|should say|must record|should record|the following|such as)\b",
    ),
    Ask.FINDING: _any(r"\b(?:inspectors?|found|saw|identified|is|are|was|were)\b"),
    Ask.OTHER: _any(r"."),
}

# A sentence that reports what someone believed or asks a question is never an answer on its
# own: "some social workers thought that children could not be subject to a second plan".
_REPORTED_BELIEF = re.compile(
    r"\b(?:thought|believed|assumed|were (?:unsure|confused)|confusion|misunderstood|"
    r"mistakenly|wrongly (?:believed|thought))\b",
    re.I,
)


def asks(question: str) -> Ask:
    """The kind of thing a question asks for (OTHER when it does not say)."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return Ask.OTHER


def supplies(kind: Ask, sentence: str) -> bool:
    """Whether a sentence states the kind of thing asked for."""
    return bool(_SUPPLIES[kind].search(sentence))


def reports_belief(sentence: str) -> bool:
    return bool(_REPORTED_BELIEF.search(sentence)) or sentence.rstrip().endswith("?")
