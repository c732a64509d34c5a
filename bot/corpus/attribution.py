"""Placeholder until the rule-based extractor lands: finds nothing."""

from __future__ import annotations

from spacy.tokens import Doc

from bot.corpus.models import Attribution


def extract_attributions(doc: Doc) -> list[Attribution]:
    return []
