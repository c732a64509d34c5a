from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, configure_logging

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijklmn"


def test_the_token_is_redacted_from_messages_arguments_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.DEBUG, [TOKEN])
    log = logging.getLogger("scobot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError("failed at /bot" + TOKEN + "/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count(REDACTED) == 3


def test_any_token_shaped_string_is_redacted_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.INFO)
    logging.getLogger("scobot.test").warning("someone else's 987654321:ZZZanotherTokenLookingString_123456")
    assert "ZZZanother" not in capsys.readouterr().err


def test_httpx_is_quiet_below_warning() -> None:
    configure_logging(logging.DEBUG)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
