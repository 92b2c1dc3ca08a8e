"""Finding people's names in a question: faker's name lists, and the cues around a word.

A word is a first name when faker's first-name lists hold it and it is not also an everyday
English word. An everyday word that is also a name ("will", "grace", "mark", "faith") counts
only with a cue: a relationship word before it ("her brother jack", "baby Faith"), "called" or
a title before it, a surname after it ("Will Fletcher"), or an age or date of birth after it
("amber lee 11/12/2007"). A word right after a name is a surname when the surname lists hold
it or it is written like one (capitalised mid-sentence, O'Brien, Smith-Jones), and a first
name typed in lower case is one before a capitalised surname ("grace Whitfield"). A surname
before "family" counts ("the Kowalski family"). Capitals prove nothing alone: a question typed
all in lower case or all in capitals is read from the lists and the cues.
"""

from __future__ import annotations

import threading

from bot.answering import name_words as w
from bot.answering.name_tokens import (
    TOKEN,
    Word,
    cue_after_name,
    initial,
    maybe_cue,
    read_word,
)
from bot.answering.name_words import Lexicon, lexicon

_SENTENCE_END = frozenset('.!?:;"“”')
# What follows a name in "her brother jack has been excluded", and not a verb in "mum sue
# the council" or "what the child said and did".
_AFTER_NAME = frozenset(
    {"has", "is", "was", "had", "who", "wants", "says", "keeps", "lives", "will", "won't"}
    | {"can", "did", "does", "doesn't", "isn't", "wasn't", "hasn't"}
)
_DETERMINERS = frozenset({"the", "this", "that"})
NAME = "name"
NAME_WITH_BIRTH = "name with date of birth"


class NameFinder:
    """Finds the spans of people's names in a text whose other details are already
    placeholders. faker's lists load on first use, or at `warm_up()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            lexicon()

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of each name, in order; the label says whether a date of birth
        was beside it."""
        self.warm_up()
        return _Reading(text, lexicon()).names()


class _Reading:
    """One text: its tokens, whether it is written in mixed case, and the names found."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.lex = lex
        self.tokens: list[str] = []
        self.words: dict[int, Word] = {}
        for i, match in enumerate(TOKEN.finditer(text)):
            token = match.group(0)
            self.tokens.append(token)
            if token[0].isalpha():
                self.words[i] = read_word(token, match.start())
        # Capitals are evidence only in a text that uses them as sentences do.
        upper = sum(map(str.isupper, text))
        self.mixed = 0 < 2 * upper < sum(map(str.islower, text))
        self.found: dict[int, str] = {}

    def names(self) -> list[tuple[int, int, str]]:
        for i in self.words:
            if self._named_by_list_or_cue(i):
                self.found[i] = NAME
        for i in sorted(self.found):
            self._surnames_after(i)
        for i in list(self.words):
            if i not in self.found:
                self._pair(i)
        for i in range(len(self.tokens)):
            if strength := self._cue_after_name(i):
                self._names_before(i, strength)
        for i in sorted(self.found):
            # "Jayden S", "J. Kowalczyk": an initial beside a name is part of it.
            for j in (i + 1, i - 1, i - 2 if self.tokens[i - 1 : i] == ["."] else -1):
                if j in self.words and initial(self.tokens[j]):
                    self.found.setdefault(j, self.found[i])
        return self._spans()

    # --- what a word is ---------------------------------------------------------------------

    def everyday(self, base: str) -> bool:
        lex = self.lex.everyday
        if base in lex or (base.endswith("s") and base[:-1] in lex):
            return True
        return len(base) > 5 and base.endswith(("ed", "ing", "ly")) and base not in self.lex.first

    def ordinary(self, base: str) -> bool:
        return base in self.lex.ordinary or self.everyday(base)

    def first(self, base: str) -> bool:
        return base in self.lex.first or all(p in self.lex.first for p in base.split("-"))

    def listed(self, base: str) -> bool:
        return base in self.lex.first or base in self.lex.surnames

    def ambiguous(self, base: str) -> bool:
        """A first name that is also an everyday word ("will", "april") or too short to
        tell ("jo")."""
        return len(base) < 3 or all(self.ordinary(p) for p in base.split("-"))

    def surname(self, i: int) -> bool:
        word = self.words[i]
        if word.base in self.lex.surnames or word.shaped:
            return True
        parts = word.base.split("-")
        return len(parts) > 1 and not any(self.everyday(p) for p in parts)

    def capitalised(self, i: int) -> bool:
        """Written with a capital mid-sentence, in a text that uses capitals normally."""
        word = self.words.get(i)
        return bool(self.mixed and word and word.title and not self.sentence_start(i))

    def sentence_start(self, i: int) -> bool:
        return i == 0 or self.tokens[i - 1] in _SENTENCE_END

    def acronym(self, i: int) -> bool:
        return self.mixed and self.words[i].upper

    def never(self, i: int) -> bool:
        base = self.words[i].base
        return base in w.PRACTICE or base in w.RELATIONS or base in w.EPONYMS

    # --- the rules --------------------------------------------------------------------------

    def _named_by_list_or_cue(self, i: int) -> bool:
        word = self.words[i]
        base = word.base
        if self.never(i) or self._eponym(i):
            return False
        before = self._previous_word(i)
        cue = self.words[before] if before is not None else None
        cue_base = cue.base if cue else ""
        if cue_base in w.TITLES or cue_base in w.CALLED:
            if self.mixed and word.title:
                return True  # "Mrs D'Souza", "child called Hope"
            return self.listed(base) and not self.everyday(base)  # "DAD IS CALLED DARREN"
        relation = cue is not None and cue_base in w.RELATIONS and not cue.title
        if not self.first(base):
            # "his sister Maisie", but not "Child Protection"
            return relation and self.capitalised(i) and not self.ordinary(base)
        if not self.ambiguous(base):
            return not self.acronym(i)
        if relation:
            # "her brother jack has been excluded", "baby Faith"; not "mum will" or "mum sue".
            following = self.tokens[i + 1].lower() if i + 1 < len(self.tokens) else ""
            if self.capitalised(i) or (not self.everyday(base) and following in _AFTER_NAME):
                return True
            # "her brother will Brady": a capitalised surname that no everyday word shares.
            after = self.words.get(i + 1)
            if after is None or not self.capitalised(i + 1):
                return False
            return self.surname(i + 1) and not self.ordinary(after.base)
        return False

    def _previous_word(self, i: int) -> int | None:
        """The word before token i, looking past one bracket or comma: "dad (Ryan"."""
        j = i - 1
        if j >= 0 and self.tokens[j] in ("(", ","):
            j -= 1
        return j if j in self.words else None

    def _eponym(self, i: int) -> bool:
        """A name that names a rule, a review or a body: "Clare's Law", "Munro review"."""
        after = self.words.get(i + 1)
        if after is None:
            return False
        if self.words[i].possessive:
            return after.base in w.EPONYMS_AFTER_POSSESSIVE
        if after.title and i + 2 in self.words and not self.listed(after.base):
            after = self.words[i + 2]  # "Victoria Climbié inquiry", not "Jayden Smith review"
        return after.base in w.EPONYMS

    def _looks_like_surname(self, j: int) -> bool:
        word = self.words.get(j)
        if word is None or j in self.found or self.acronym(j) or self.never(j):
            return False
        if self.capitalised(j) and self.surname(j):
            return True  # "Kayden Price", "Craig Foster"
        if self.everyday(word.base):
            return False
        if self.capitalised(j) or (self.mixed and word.title and j > 0):
            return True
        return self.surname(j) and not self.ordinary(word.base)

    def _surnames_after(self, i: int) -> None:
        j = i + 1
        if self.tokens[j : j + 1] == [")"]:
            j += 1  # "jessica-louise (jess) moore"
        if not self._looks_like_surname(j):
            return
        self.found[j] = self.found[i]
        if self._looks_like_surname(j + 1) and self.listed(self.words[j + 1].base):
            self.found[j + 1] = self.found[i]  # "Harry Wynn Jones"

    def _pair(self, i: int) -> None:
        """A first name that is also an everyday word, before a surname: "Will Fletcher",
        "grace hamilton"; not "Will the IRO" or "grace period". And a name in capitals in a
        mixed-case question: "KYLE BRENNAN"."""
        word = self.words[i]
        if not self.first(word.base) or self.never(i) or self._eponym(i):
            return
        after = self.words.get(i + 1)
        if after is None:
            return
        if self.acronym(i):
            if after.upper and self.listed(after.base) and not self.ambiguous(word.base):
                self.found[i] = self.found[i + 1] = NAME
            return
        if not (i + 1 in self.found or self._looks_like_surname(i + 1)):
            return
        if self._lower_first_capital_surname(i):
            self.found[i] = NAME
            self._surnames_after(i)
            return
        if not any(self._known(k) for k in (i + 1, i + 2) if k in self.words):
            return  # "Harry Wynn Jones" is known by "Jones"; "Will Leeds take it" is not
        if (self.mixed and word.title and after.title) or not self.everyday(word.base):
            self.found[i] = NAME
            self._surnames_after(i)

    def _surname_before_family(self, j: int) -> bool:
        """ "the Kowalski family", "the O'Rourke household", "the Smith family"; not "the
        foster family", "the Troubled Families" or "the Polish family"."""
        base = self.words[j].base
        if self.never(j) or self.acronym(j) or self.everyday(base) or base in w.GROUPS:
            return False
        if base.endswith(w.GROUP_ENDINGS) and not self.listed(base):
            return False  # "the Polish family"
        if self.capitalised(j) and self.surname(j):
            return True
        return not self.ordinary(base) and (self.surname(j) or self.capitalised(j))

    def _lower_first_capital_surname(self, i: int) -> bool:
        """ "spoke to grace Whitfield": a first name typed in lower case, then a capitalised
        word no everyday word shares; not "i hope Leeds" (an everyday word first)."""
        word, after = self.words[i], self.words[i + 1]
        if word.title or word.upper or self.everyday(word.base) or not self.capitalised(i + 1):
            return False
        if self.everyday(after.base):
            return False
        return self.surname(i + 1) or not self.ordinary(after.base)

    def _known(self, j: int) -> bool:
        if j in self.found:
            return True
        return self._looks_like_surname(j) and (self.surname(j) or self.first(self.words[j].base))

    def _cue_after_name(self, i: int) -> str:
        word = self.words.get(i)
        relation = word is not None and word.base in w.RELATIONS
        if not relation and not maybe_cue(self.tokens[i]):
            return ""
        before = self.words.get(i - 1)
        return cue_after_name(
            self.tokens,
            i,
            relation=relation,
            after_possessive=before is not None and before.possessive,
        )

    def _names_before(self, cue: int, strength: str) -> None:
        j = cue - 1
        if j >= 0 and self.tokens[j] in (",", "-", "("):
            j -= 1
        added: list[int] = []
        taken = 0
        while j in self.words and taken < 3 and self._name_before_cue(j, strength):
            if j not in self.found:
                added.append(j)
            self.found[j] = NAME_WITH_BIRTH if strength == "birth" else NAME
            taken += 1
            j -= 1
        if strength == "family" and (j < 0 or self.tokens[j].lower() not in _DETERMINERS):
            for k in added:  # "the Kowalski family", not "a Gypsy, Roma and Traveller family"
                del self.found[k]

    def _name_before_cue(self, j: int, strength: str) -> bool:
        if j in self.found:
            return True
        word = self.words[j]
        if strength == "family":
            return self._surname_before_family(j)
        if self.everyday(word.base) or self.never(j):
            return False
        if self.acronym(j):
            return self.listed(word.base)  # "EVIE PARKINSON (year 4)" in a mixed-case question
        if self.first(word.base) or self.surname(j) or self.capitalised(j):
            return True
        if self.mixed and word.title and j + 1 in self.found and self.words[j + 1].title:
            return True  # "Oluwaseun Adeyemi's mum" opening the question
        # "wiktoria nowak (11)": words no list knows, right before a bracketed age or a date.
        return strength != "weak" and not self.ordinary(word.base) and len(word.base) > 2

    def _spans(self) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        for i in sorted(self.found):
            word, label = self.words[i], self.found[i]
            if spans and i - 1 in self.found and not self.words[i - 1].possessive:
                start, _, previous = spans.pop()
                spans.append((start, word.end, NAME_WITH_BIRTH if previous != label else label))
            else:
                spans.append((word.start, word.end, label))
        return spans
