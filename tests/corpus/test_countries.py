"""Country mentions: names, short forms, demonyms and capitals, mapped to one canonical name each."""

from __future__ import annotations

import pycountry
import pytest

from bot.corpus.countries import (
    canonical_country,
    capital_cities,
    countries_in,
    country_aliases,
    country_code,
    country_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Russian Federation and the People's Republic of China signed it.", ["Russia", "China"]),
        (
            "Kazakh and Uzbek diplomats met their Kyrgyz and Tajik colleagues.",
            ["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan"],
        ),
        ("Pakistani troops and Indian officers trained together.", ["Pakistan", "India"]),
        (
            "Talks in Astana, then Tashkent, Bishkek and Dushanbe.",
            ["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan"],
        ),
        ("Islamabad, New Delhi, Tehran and Minsk sent envoys.", ["Pakistan", "India", "Iran", "Belarus"]),
        ("Ulaanbaatar and Kabul were invited; Ulan Bator confirmed.", ["Mongolia", "Afghanistan"]),
        ("Washington and London objected.", ["United States", "United Kingdom"]),
        ("The US, the UK and South Korea abstained.", ["United States", "United Kingdom", "South Korea"]),
        (
            "Iranian and Belarusian leaders spoke of Mongolian and Afghan issues.",
            ["Iran", "Belarus", "Mongolia", "Afghanistan"],
        ),
        ("Nur-Sultan hosted the meeting.", ["Kazakhstan"]),
        ("Türkiye, or Turkey, or Turkiye, and the Turkish side.", ["Turkey"]),
        ("Lao People’s Democratic Republic and the Lao delegation.", ["Laos"]),
        ("Iran, Islamic Republic of, is pycountry's name for it.", ["Iran"]),
    ],
)
def test_names_demonyms_and_capitals_map_to_the_country(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


def test_order_of_first_mention_without_duplicates() -> None:
    text = (
        "Moscow said Chinese and Russian firms will trade in yuan; Beijing agreed, "
        "and the Kremlin's partners in India, China and Russia welcomed it."
    )
    assert countries_in(text) == ["Russia", "China", "India"]


def test_plural_demonyms() -> None:
    assert countries_in("Afghans, Pakistanis and Kazakhs") == ["Afghanistan", "Pakistan", "Kazakhstan"]


def test_longest_name_wins_over_a_shorter_one_inside_it() -> None:
    assert countries_in("Papua New Guinea and Guinea-Bissau, not Guinea.") == [
        "Papua New Guinea",
        "Guinea-Bissau",
        "Guinea",
    ]
    assert countries_in("South Sudan split from Sudan.") == ["South Sudan", "Sudan"]
    assert countries_in("Niger is not Nigeria.") == ["Niger", "Nigeria"]


def test_lower_case_words_and_pronouns_are_not_countries() -> None:
    assert countries_in("Let us share turkey on fine china; jordan almonds too.") == []
    assert countries_in("Us and them.") == []


def test_acronyms_match_only_in_capitals() -> None:
    assert countries_in("U.S. and USA and UAE and the DPRK") == ["United States", "United Arab Emirates", "North Korea"]
    assert countries_in("the uae") == []


def test_words_containing_a_name_are_not_matches() -> None:
    assert countries_in("Indiana, Romanian, Omanis, Chinatown") == ["Romania", "Oman"]


def test_regions_named_after_a_country_are_not_that_country() -> None:
    assert countries_in("Latin American and South American markets, New Mexico and New Jersey.") == []


def test_newspaper_names_are_not_countries() -> None:
    assert countries_in("the Tehran Times and the Washington Post reported from Moscow") == ["Russia"]


def test_accepted_partial_matches() -> None:
    # "South China Sea" and "Indian Ocean" are accepted as mentions of China and India.
    assert countries_in("the South China Sea and the Indian Ocean") == ["China", "India"]


def test_sino_compounds_and_possessives() -> None:
    assert countries_in("Sino-Indian talks and Russia's view") == ["China", "India", "Russia"]


def test_typographic_apostrophes_and_whitespace() -> None:
    assert countries_in("Côte d’Ivoire and the Republic  of\nKorea") == ["Côte d'Ivoire", "South Korea"]


def test_text_without_countries() -> None:
    assert countries_in("") == []
    assert countries_in("The Shanghai Cooperation Organization held a meeting.") == []


def test_every_un_member_state_is_known_by_its_name() -> None:
    known = set(country_aliases().values())
    assert len(known) == 198  # 193 members, 2 observer states, Taiwan, Hong Kong, Macao
    for country in pycountry.countries:
        if country_name(country.alpha_2) is not None:
            assert countries_in(f"We met {country.name} today.") == [country_name(country.alpha_2)]


def test_territories_are_not_countries() -> None:
    assert country_name("JE") is None
    assert countries_in("Jersey and Guernsey") == []


def test_canonical_country_is_exact_and_case_insensitive() -> None:
    assert canonical_country("russian federation") == "Russia"
    assert canonical_country("  TÜRKIYE ") == "Turkey"
    assert canonical_country("Kazakh") == "Kazakhstan"
    assert canonical_country("ulaanbaatar") == "Mongolia"
    assert canonical_country("Atlantis") is None
    assert canonical_country("Latin America") is None
    assert canonical_country("Russ") is None


def test_country_aliases_are_lower_case_and_a_copy() -> None:
    aliases = country_aliases()
    assert aliases["moscow"] == "Russia"
    assert aliases["us"] == "United States"
    assert aliases["new delhi"] == "India"
    assert all(alias == alias.lower() for alias in aliases)
    assert "latin america" not in aliases
    aliases["moscow"] = "Elsewhere"
    assert country_aliases()["moscow"] == "Russia"


def test_codes_and_names() -> None:
    assert country_code("Kyrgyz Republic") == "KG"
    assert country_name("kz") == "Kazakhstan"
    assert country_name("ZZ") is None


def test_capital_cities_come_from_the_alias_table() -> None:
    capitals = capital_cities()
    assert capitals["Beijing"] == "China"
    assert capitals["Nur-Sultan"] == "Kazakhstan"
    assert capitals["Washington"] == "United States"
    assert "Paris Agreement" not in capitals
