"""The lexicon the attribution rules read: speech cues, role nouns, pronouns and speaker kinds.

Everything here is vocabulary, not knowledge of particular articles: the words a reporter uses to say
that someone said something, and the nouns that stand in for a speaker.
"""

from __future__ import annotations


def _lexicon(words: str) -> frozenset[str]:
    """A word list written as running text, one entry per whitespace-separated word."""
    return frozenset(words.split())


# Verbs (lemmas) that introduce reported speech. A verb here only makes a statement when it also has
# content (a clause, or an object for the verbs in CONTENT_OBJECT_CUES); "X met Y" never gets this far.
SPEECH_VERBS: frozenset[str] = _lexicon(
    """
    say tell note stress add explain emphasize emphasise underline underscore highlight state declare
    announce report claim argue insist believe contend suggest propose
    warn urge remind recall reiterate confirm affirm acknowledge admit concede mention observe remark
    comment write tweet post predict assess reply respond answer continue conclude specify
    clarify point deny reveal disclose vow promise threaten complain charge
    accuse allege boast joke quip caution stipulate voice express call ask demand
    propose advocate condemn criticize criticise denounce
    lament concur testify inform assure brief describe characterize proclaim
    summarize summarise opine reaffirm float press
    """
)

# Cues that carry their content as a direct object ("condemned terrorism", "noted the importance of …").
CONTENT_OBJECT_CUES: frozenset[str] = _lexicon(
    """
    note stress emphasize emphasise underline underscore highlight mention condemn suggest propose
    reiterate confirm acknowledge advocate denounce criticize criticise reaffirm
    point raise put advance voice express urge call describe characterize float
    """
)

# "said" and friends whose object is only the addressee or a bare pronoun, never content by itself.
ADDRESSEE_CUES: frozenset[str] = frozenset({"tell", "inform", "assure", "remind", "brief", "ask", "warn"})

# Phrasal cues: verb lemma + particle/preposition that together make a speech cue.
PHRASAL_CUES: dict[str, frozenset[str]] = {
    "point": frozenset({"out", "to"}),
    "brush": frozenset({"aside"}),
    "rule": frozenset({"out"}),
    "call": frozenset({"for", "on", "upon"}),
    "put": frozenset({"forward"}),
    "spell": frozenset({"out"}),
}

# Nouns that carry content after "expressed …" ("expressed hope that …", "expressed support for …").
EXPRESSED_NOUNS: frozenset[str] = frozenset(
    {
        "hope",
        "confidence",
        "support",
        "concern",
        "belief",
        "conviction",
        "view",
        "opinion",
        "readiness",
        "willingness",
        "interest",
        "position",
        "regret",
        "opposition",
        "commitment",
    }
)

# Nouns naming proposals and statements whose content follows ("raised four proposals: …").
PROPOSAL_NOUNS: frozenset[str] = frozenset(
    {"proposal", "suggestion", "initiative", "idea", "point", "principle", "priority", "recommendation"}
)

# Verbs that look like cues but report an event or feeling, never an utterance with content.
NON_CUES: frozenset[str] = frozenset({"meet", "visit", "thank", "congratulate", "greet", "attend"})

PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she", "him", "her", "i", "we"})
PLURAL_PRONOUNS: frozenset[str] = frozenset({"they", "them"})
THING_PRONOUNS: frozenset[str] = frozenset({"it"})
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who", "which", "that", "whom"})

# Titles and roles that name a person's office; in a noun phrase they are the role, not the name.
ROLE_NOUNS: frozenset[str] = _lexicon(
    """
    president minister secretary general spokesman spokeswoman spokesperson chairman chairwoman
    chairperson chair ambassador envoy representative premier chancellor leader chief head director
    governor mayor senator congressman congresswoman rep sen gov official officer diplomat deputy
    commander counselor counsellor councilor councillor adviser advisor lawmaker legislator mp candidate nominee
    king queen prince emir sheikh sultan mr mrs ms dr prof professor general colonel lt gen ret
    admiral marshal speaker judge justice attorney lawyer economist analyst expert researcher
    founder ceo executive manager coordinator commissioner delegate member vice first lady
    pm fm dm undersecretary press aide strategist pollster scientist historian anchor host
    correspondent reporter editor columnist author spokesmen officials
    narrator announcer moderator questioner interviewer commentator
    """
)

# Titles and nouns that tell a person's gender, so "she" never resolves to a "Mr." (no first names used).
MALE_WORDS: frozenset[str] = _lexicon(
    """
    mr mr. sir spokesman chairman congressman businessman king prince emir sheikh sultan husband father
    son brother uncle grandfather boyfriend nephew
    """
)
FEMALE_WORDS: frozenset[str] = _lexicon(
    """
    mrs mrs. ms ms. miss madam spokeswoman chairwoman congresswoman businesswoman queen princess wife mother
    daughter sister aunt grandmother girlfriend niece lady
    """
)

# Role heads that name a leader without naming the office ("the organization's chief").
GENERIC_LEADER_NOUNS: frozenset[str] = frozenset({"chief", "head", "leader", "boss", "official", "diplomat"})

# Nouns that make a noun phrase an organization ("the ministry", "the SCO Secretariat").
ORG_NOUNS: frozenset[str] = _lexicon(
    """
    ministry secretariat government administration office service council committee commission
    agency department organization organisation bloc alliance union party campaign company bank
    fund court parliament senate congress house cabinet embassy kremlin presidency authority
    authorities side army military police board institute center centre foundation association
    group team network newspaper paper coalition federation assembly delegation mission
    """
)

# Documents that speak in the gold's sense ("the declaration says …").
DOCUMENT_NOUNS: frozenset[str] = _lexicon(
    """
    declaration statement communique communiqué report document letter resolution memo memorandum
    charter agreement treaty plan poll survey study brief filing complaint ruling order lawsuit
    analysis release ad advertisement book clip video spot slide
    """
)

# Documents a speaker writes ("the Taliban's statement", "the minister's letter"): the possessor speaks.
AUTHORED_DOCUMENTS: frozenset[str] = _lexicon(
    """
    statement communique communiqué letter message memo memorandum release
    """
)

# Verbs that report speech only when a document is their subject (""…," read the statement").
DOCUMENT_CUES: frozenset[str] = frozenset({"read"})

# Nouns for the people who lead a body: "the Taliban leadership stated" is the Taliban speaking.
LEADERSHIP_NOUNS: frozenset[str] = frozenset({"leadership"})

# Journalists whose reporting is the outlet's own narration ("according to our correspondent").
REPORTER_NOUNS: frozenset[str] = frozenset(
    {"reporter", "correspondent", "journalist", "newspaper", "agency", "outlet", "media", "report", "reports"}
)

# Sources whose identity the article withholds; they speak, but nobody can be named.
ANONYMOUS_NOUNS: frozenset[str] = frozenset({"source", "sources", "insider", "insiders"})

# Plural nouns for people who comment without being named ("analysts say", "observers noted"): anonymous.
COMMENTATOR_NOUNS: frozenset[str] = _lexicon(
    """
    analyst expert observer commentator critic pundit specialist scholar watcher insider
    """
)

# Plural titles of office ("the leaders", "two foreign ministers"): several named people at once, so no one
# speaker; the statement is not counted.
RANK_NOUNS: frozenset[str] = _lexicon(
    """
    leader minister president premier head diplomat ambassador envoy foreign_minister
    """
)

# Plural common nouns that stand for a group speaking ("experts say …").
GROUP_NOUNS: frozenset[str] = _lexicon(
    """
    expert analyst observer critic official supporter opponent economist resident voter
    lawmaker scientist researcher activist leader member people democrat republican
    diplomat investor advocate journalist protester demonstrator
    """
)

# Places that speak for a power without being a country's capital in the country table: "Brussels said" is the
# EU; the capitals themselves come from bot.corpus.countries.capital_cities.
SPEAKING_PLACES: dict[str, str] = {
    "Brussels": "European Union",
    "Tel Aviv": "Israel",
    "Jerusalem": "Israel",
}

# Words that attach time and place to an attribution and are not part of what was said.
ATTRIBUTION_MODIFIER_DEPS: frozenset[str] = frozenset({"npadvmod", "advmod", "prep", "agent", "dative"})

# Cues that report a whole clause, and so can close a sentence of content: "…, he said."
CLAUSE_CUES: frozenset[str] = _lexicon(
    """
    say tell note stress add explain emphasize emphasise underline underscore highlight state declare
    announce report claim argue insist believe contend suggest warn remind recall
    reiterate confirm affirm acknowledge admit concede mention observe remark comment write tweet
    predict reply respond answer continue conclude specify clarify point reveal
    disclose vow promise complain charge allege boast joke caution assure summarize opine
    """
)

# A participle that only continues its governor's statement ("…, adding that …"); "saying" alone
# reports on its own ("He tweeted a photo, saying …").
CONTINUING_PARTICIPLES: frozenset[str] = frozenset(
    {
        "add",
        "claim",
        "argue",
        "emphasize",
        "emphasise",
        "stress",
        "warn",
        "suggest",
        "promise",
        "propose",
        "note",
        "insist",
        "explain",
        "urge",
        "point",
        "underline",
        "highlight",
    }
)

# Participles that report speech on their own after an event ("He tweeted a photo, saying …"); others
# ("…, promising jobs", "…, warning of a crisis") describe the event.
REPORTING_PARTICIPLES: frozenset[str] = frozenset({"say", "note", "state", "cite", "describe", "write", "declare"})

# Words that make an organization a news outlet: "X News reported" is the outlet's narration.
MEDIA_WORDS: frozenset[str] = _lexicon(
    """
    news times post daily journal tribune herald gazette telegraph guardian agency tv television radio
    channel broadcaster newspaper magazine wire network online today
    """
)

# News and wire agencies: "TASS reports", "Kazinform reports that …" is the agency's own narration.
WIRE_AGENCIES: frozenset[str] = _lexicon(
    """
    tass ria novosti interfax sputnik xinhua kazinform azertac azertag irna isna mehr tasnim trend apa ani pti
    ians app uza belta akipress kabar reuters afp ap bernama yonhap kyodo anadolu wam spa kuna qna report.az
    """
)
