from __future__ import annotations

from bot.corpus.identity import Speaker, SpeakerDirectory, name_words


def test_titles_and_script_do_not_change_a_name() -> None:
    assert name_words("President Xi Jinping") == name_words("xi jinping") == name_words("习近平")
    assert name_words("Mr. Dvořák") == name_words("Dvorak")
    assert len(name_words("Xi Jinping")) == 2


def test_shorter_and_fuller_names_are_one_person_whichever_comes_first() -> None:
    directory = SpeakerDirectory()
    first = directory.resolve("Xi", "person")
    assert directory.resolve("Xi Jinping", "person") is first
    assert directory.resolve("President Xi", "person") is first
    assert first.name == "Xi Jinping"
    assert "Xi" in first.aliases


def test_two_people_who_share_a_surname_stay_two() -> None:
    directory = SpeakerDirectory()
    ming = directory.resolve("Zhang Ming", "person")
    haizhou = directory.resolve("Zhang Haizhou", "person")
    bare = directory.resolve("Zhang", "person")
    assert len({ming.id, haizhou.id, bare.id}) == 3


def test_organizations_only_match_exactly() -> None:
    directory = SpeakerDirectory()
    ministry = directory.resolve("Chinese Foreign Ministry", "organization")
    assert directory.resolve("chinese foreign ministry", "organization") is ministry
    assert directory.resolve("Foreign Ministry", "organization") is not ministry


def test_known_speakers_keep_their_ids() -> None:
    directory = SpeakerDirectory([Speaker(7, "Vladimir Norov", "person", {"Norov"})])
    assert directory.resolve("Norov", "person").id == 7
    assert directory.resolve("Someone Else", "person").id == 8


def test_a_widened_name_is_found_by_its_new_words_and_many_people_stay_apart() -> None:
    directory = SpeakerDirectory()
    lee = directory.resolve("Lee", "person")
    assert directory.resolve("Ann Lee", "person") is lee
    assert directory.resolve("Ann Marie Lee", "person") is lee
    assert directory.resolve("Marie Lee", "person") is lee
    people = [directory.resolve(f"Person{n} Surname{n % 50}", "person") for n in range(500)]
    assert len({p.id for p in people}) == 500
    # "Surname7" alone fits ten people, so it is nobody in particular.
    assert directory.resolve("Surname7", "person").id not in {p.id for p in people}


def test_a_directory_rebuilt_from_stored_speakers_matches_the_same_way() -> None:
    stored = [Speaker(3, "Xi Jinping", "person", {"Xi"}), Speaker(5, "Zhang Ming", "person")]
    directory = SpeakerDirectory(stored)
    assert directory.resolve("President Xi", "person").id == 3
    assert directory.resolve("Zhang Ming Jr", "person").id == 5
    assert directory.resolve("Wang Yi", "person").id == 6


def test_a_person_named_only_by_titles_does_not_stop_surnames_merging() -> None:
    directory = SpeakerDirectory()
    fuller = directory.resolve("Ines Varga", "person")
    title_only = directory.resolve("Mr. Chairman", "person")
    short = directory.resolve("Okafor", "person")
    assert directory.resolve("Dayo Okafor", "person") is short  # a fuller name takes over the shorter one
    assert directory.resolve("Varga", "person") is fuller  # a shorter name joins the fuller one
    assert {s.name for s in directory} == {"Mr. Chairman", "Dayo Okafor", "Ines Varga"}
    assert title_only.aliases == set()


def test_a_person_named_only_by_titles_never_becomes_someone_else() -> None:
    directory = SpeakerDirectory()
    title_only = directory.resolve("the Chairman", "person")
    assert directory.resolve("Okafor", "person") is not title_only
    assert title_only.name == "the Chairman"
    assert directory.resolve("The Chairman", "person") is title_only  # still the same name, told by its alias
