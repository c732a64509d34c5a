"""Which countries a statement mentions: names, short forms, demonyms and capitals, as canonical names.

Every country has one identity, its ISO 3166 alpha-2 code from pycountry; the names people write
("Russian Federation", "Russia", "Russian", "Moscow") all lead to that code, and the code to one
canonical short name. The alias table is built once, on first use, into a single regex whose alternation
is a character trie: a flat alternation of ~1,500 phrases costs about a millisecond per paragraph, the trie
(which only starts at capitalised words) about ten microseconds, and this runs over hundreds of thousands
of statements.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
from anyascii import anyascii

# pycountry lists 249 codes; these 51 are dependent territories and uninhabited islands. What remains is the
# 193 UN member states, the two UN observer states (Holy See, Palestine), Taiwan, Hong Kong and Macao, which
# news names as actors. Dropping the rest keeps "Jersey" or "Guernsey" from counting as countries.
_NOT_COUNTRIES = frozenset(
    {
        "AI",
        "AQ",
        "AS",
        "AW",
        "AX",
        "BL",
        "BM",
        "BQ",
        "BV",
        "CC",
        "CK",
        "CW",
        "CX",
        "EH",
        "FK",
        "FO",
        "GF",
        "GG",
        "GI",
        "GL",
        "GP",
        "GS",
        "GU",
        "HM",
        "IM",
        "IO",
        "JE",
        "KY",
        "MF",
        "MP",
        "MQ",
        "MS",
        "NC",
        "NF",
        "NU",
        "PF",
        "PM",
        "PN",
        "PR",
        "RE",
        "SH",
        "SJ",
        "SX",
        "TC",
        "TF",
        "TK",
        "UM",
        "VG",
        "VI",
        "WF",
        "YT",
    }
)

# Canonical short names where pycountry's name is a formal or inverted one ("Korea, Republic of").
_CANONICAL = {
    "BN": "Brunei",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    # The news corpus (2010s onward) mostly writes "Turkey"; "Türkiye" stays an alias.
    "TR": "Turkey",
    "VA": "Holy See",
}

# code | names and short forms | demonyms (plurals are derived) | capitals and other metonyms
# Aliases written in capitals (US, UAE, PRC) only match in capitals, so "us" and "Us" are not the US.
# "--" rows are phrases that contain an alias but are not about that country; they match and are dropped.
_ALIASES = """
CN | PRC, People's Republic of China, Mainland China, Chinese mainland, Sino | Chinese | Beijing, Peking
RU | Russian Federation | Russian | Moscow
IN | Bharat, Republic of India | Indian | New Delhi, Delhi
IR | Islamic Republic of Iran, Persia | Iranian | Tehran, Teheran
KZ | Republic of Kazakhstan | Kazakh, Kazakhstani | Astana, Nur-Sultan
KG | Kyrgyz Republic, Kirghizia, Kyrgyzia | Kyrgyz, Kyrgyzstani, Kirghiz | Bishkek
TJ | Republic of Tajikistan | Tajik, Tajikistani | Dushanbe
UZ | Republic of Uzbekistan | Uzbek, Uzbekistani | Tashkent
PK | Islamic Republic of Pakistan | Pakistani | Islamabad
BY | Byelorussia, Belorussia | Belarusian, Belarussian, Belorussian, Byelorussian | Minsk
MN | | Mongolian | Ulaanbaatar, Ulan Bator, Ulaan Baatar
AF | Islamic Emirate of Afghanistan | Afghan | Kabul
TR | Türkiye, Turkiye, Republic of Turkey | Turkish, Turk | Ankara
LK | Ceylon | Sri Lankan | Colombo, Sri Jayawardenepura Kotte
AM | | Armenian | Yerevan
AZ | | Azerbaijani, Azeri | Baku
KH | | Cambodian | Phnom Penh
NP | | Nepali, Nepalese | Kathmandu
EG | | Egyptian | Cairo
QA | | Qatari | Doha
SA | KSA | Saudi | Riyadh
KW | | Kuwaiti | Kuwait City
MV | | Maldivian | Malé
MM | Burma | Burmese | Naypyidaw, Nay Pyi Taw, Naypyitaw
AE | UAE, U.A.E., Emirates | Emirati | Abu Dhabi
BH | | Bahraini | Manama
LA | Lao PDR | Lao, Laotian | Vientiane
TM | | Turkmen | Ashgabat, Ashkhabad
US | US, U.S., USA, U.S.A., America, United States of America | American | Washington, Washington DC
GB | UK, U.K., Britain, Great Britain, Northern Ireland | British, Briton | London
FR | | French | Paris
DE | | German | Berlin
IT | | Italian | Rome
JP | | Japanese | Tokyo
KR | Republic of Korea, ROK | South Korean | Seoul
KP | DPRK, D.P.R.K. | North Korean | Pyongyang
CA | | Canadian | Ottawa
AU | | Australian | Canberra
BR | | Brazilian | Brasília, Brasilia
AR | | Argentine, Argentinian | Buenos Aires
MX | | Mexican | Mexico City
ID | | Indonesian | Jakarta
ZA | | South African | Pretoria
UA | | Ukrainian | Kyiv, Kiev
GE | | Georgian | Tbilisi
VN | Viet Nam | Vietnamese | Hanoi
TH | | Thai | Bangkok
MY | | Malaysian | Kuala Lumpur
PH | | Filipino, Philippine | Manila
SG | | Singaporean |
BD | | Bangladeshi | Dhaka
BT | | Bhutanese | Thimphu
IQ | | Iraqi | Baghdad
SY | | Syrian | Damascus
IL | | Israeli |
PS | State of Palestine | Palestinian |
JO | | Jordanian | Amman
LB | | Lebanese | Beirut
OM | | Omani | Muscat
YE | | Yemeni | Sanaa
ES | | Spanish | Madrid
NL | Holland | Dutch | Amsterdam
PL | | Polish | Warsaw
GR | | Greek | Athens
CH | | Swiss | Bern
SE | | Swedish | Stockholm
NO | | Norwegian | Oslo
FI | | Finnish | Helsinki
DK | | Danish | Copenhagen
BE | | Belgian |
AT | | Austrian | Vienna
HU | | Hungarian | Budapest
CZ | | Czech | Prague
RS | | Serbian | Belgrade
RO | | Romanian | Bucharest
IE | | Irish | Dublin
PT | | Portuguese | Lisbon
MD | | Moldovan | Chisinau
NG | | Nigerian | Abuja
ET | | Ethiopian | Addis Ababa
KE | | Kenyan | Nairobi
DZ | | Algerian | Algiers
MA | | Moroccan | Rabat
LY | | Libyan | Tripoli
SD | | Sudanese | Khartoum
TN | | Tunisian | Tunis
CU | | Cuban | Havana
VE | | Venezuelan | Caracas
CO | | Colombian | Bogotá, Bogota
PE | | Peruvian | Lima
CI | Ivory Coast |
CD | DRC, DR Congo, Democratic Republic of the Congo, Democratic Republic of Congo, Congo-Kinshasa | | Kinshasa
CG | Congo-Brazzaville | | Brazzaville
MK | Macedonia |
SZ | Swaziland |
CV | Cape Verde |
TL | East Timor |
VA | Vatican, Vatican City |
TW | Chinese Taipei | Taiwanese | Taipei
MO | Macau |
-- | Latin America, Latin American, South America, South American, North America, North American
-- | Central America, Central American, American Samoa, British Columbia
-- | New Mexico, New Jersey, New South Wales, Paris Agreement, Paris Climate Agreement
-- | Washington Post, Washington Times, Moscow Times, Tehran Times, Times of India, China Daily
"""

# Demonyms that already read as plurals ("the Chinese", "the Swiss") get no "s".
_NO_PLURAL = ("ese", "ish", "sh", "ch", "s", "x", "z")


@dataclass(frozen=True, slots=True)
class _Alias:
    code: str | None
    # Acronyms must be written in capitals to count, so the pronoun "us" never means the US.
    capitals_only: bool


@dataclass(frozen=True, slots=True)
class _Index:
    pattern: re.Pattern[str]
    aliases: dict[str, _Alias]
    names: dict[str, str]


def countries_in(text: str) -> list[str]:
    """The canonical names of the countries `text` mentions, in order of first mention, each once."""
    index = _index()
    found: list[str] = []
    seen: set[str] = set()
    for match in index.pattern.finditer(text):
        written = match.group()
        alias = index.aliases.get(phrase_key(written))
        if alias is None or alias.code is None or alias.code in seen:
            continue
        if alias.capitals_only and not written.isupper():
            continue
        seen.add(alias.code)
        found.append(index.names[alias.code])
    return found


def canonical_country(name: str) -> str | None:
    """The canonical name for an exact alias ("russian federation", "Türkiye", "Kazakh"), or None."""
    index = _index()
    alias = index.aliases.get(phrase_key(name))
    if alias is None or alias.code is None:
        return None
    return index.names[alias.code]


def country_aliases() -> dict[str, str]:
    """Every lower-cased alias and the canonical name it stands for (a copy, safe to change)."""
    index = _index()
    return {key: index.names[alias.code] for key, alias in index.aliases.items() if alias.code is not None}


# CLDR locales whose country names people in the SCO's region type: Chinese (both scripts) and the Cyrillic
# languages of the member states. Their names are matched only by search, never tagged in English text.
OTHER_SCRIPT_LOCALES = ("zh", "zh_Hant", "ru", "kk", "ky", "tg", "uz_Cyrl", "mn", "be", "uk")


@functools.cache
def other_script_country_names() -> dict[str, str]:
    """Country names in other scripts from Babel's CLDR territory names ("中国", "Россия"), each to its canonical
    English name. A name two countries share in some language is left out rather than guessed."""
    from babel import Locale

    names = _index().names
    found: dict[str, str | None] = {}
    for locale in OTHER_SCRIPT_LOCALES:
        territories = Locale.parse(locale).territories
        for code, canonical in names.items():
            written = territories.get(code)
            if written and not written.isascii():
                key = phrase_key(written)
                found[key] = canonical if found.get(key, canonical) == canonical else None
    return {name: canonical for name, canonical in found.items() if canonical is not None}


@functools.cache
def capital_cities() -> dict[str, str]:
    """Each capital or other metonym of the alias table, as written ("Beijing"), and its country's name."""
    names = _index().names
    capitals: dict[str, str] = {}
    for line in _ALIASES.strip().splitlines():
        code, *columns = (part.strip() for part in line.split("|"))
        if code == "--" or len(columns) < 3:
            continue
        for place in filter(None, (part.strip() for part in columns[2].split(","))):
            capitals[place] = names[code]
    return capitals


def country_code(name: str) -> str | None:
    """The ISO alpha-2 code behind an alias or canonical name, or None."""
    alias = _index().aliases.get(phrase_key(name))
    return alias.code if alias is not None else None


def country_name(code: str) -> str | None:
    """The canonical name for an ISO alpha-2 code ("KZ" → "Kazakhstan"), or None."""
    return _index().names.get(code.strip().upper())


def phrase_key(text: str) -> str:
    """The form phrases are compared in: lower case, one space, straight apostrophes, plain hyphens."""
    text = " ".join(text.split()).lower()
    return _DASHES.sub("-", text.replace("’", "'").replace("‘", "'"))


def phrase_alternation(phrases: Iterable[str]) -> str:
    """A regex alternation matching any of `phrases` (already `phrase_key`ed), built as a trie.

    Compile it with re.IGNORECASE. A shared prefix is tested once instead of once per phrase, and the
    optional tails are greedy, so the longest phrase at a position wins ("Papua New Guinea" over "Guinea").
    Spaces match any run of whitespace, apostrophes and hyphens any of their typographic variants.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


_DASHES = re.compile(r"[‐‑‒–—]")
_CHAR_PATTERNS = {" ": r"\s+", "'": "['’‘]", "-": "[-‐‑‒–—]"}


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [
        _CHAR_PATTERNS.get(char, re.escape(char)) + _trie_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A phrase ends here, and longer ones go on: the greedy "?" tries the longer ones first.
    return f"(?:{body})?" if "" in node else body


@functools.cache
def _index() -> _Index:
    aliases: dict[str, _Alias] = {}
    names: dict[str, str] = {}
    code: str | None
    for country in pycountry.countries:
        code = country.alpha_2
        if code in _NOT_COUNTRIES:
            continue
        common = getattr(country, "common_name", None)
        names[code] = _CANONICAL.get(code) or common or country.name
        for name in (names[code], country.name, common, getattr(country, "official_name", None)):
            if not name:
                continue
            name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
            for variant in {name, anyascii(name)}:
                aliases.setdefault(phrase_key(variant), _Alias(code, capitals_only=False))

    table: dict[str, _Alias] = {}
    for line in _ALIASES.strip().splitlines():
        code_field, *columns = (part.strip() for part in line.split("|"))
        code = None if code_field == "--" else code_field
        if code is not None and code not in names:
            raise ValueError(f"alias table: unknown country code {code!r}")
        for column, written in enumerate(columns):
            for alias in filter(None, (part.strip() for part in written.split(","))):
                forms = [alias]
                if column == 1 and not alias.endswith(_NO_PLURAL):
                    forms.append(alias + "s")
                for form in forms:
                    key = phrase_key(form)
                    if key in table and table[key].code != code:
                        raise ValueError(f"alias table: {form!r} is given to two countries")
                    table[key] = _Alias(code, capitals_only=form.isupper() and len(form) <= 8)
    # The hand-written table wins over pycountry where they disagree.
    aliases.update(table)

    # Country names are proper nouns ("china" is porcelain, "turkey" a bird), so only a word that starts
    # with a capital can begin a match; that also lets the scan skip most positions, three times faster.
    pattern = re.compile(
        r"(?<!\w)(?-i:(?=[A-ZÀ-ÖØ-Þ]))(?:" + phrase_alternation(sorted(aliases)) + r")(?!\w)",
        re.IGNORECASE,
    )
    return _Index(pattern=pattern, aliases=aliases, names=names)
