"""How the application talks to the Bot API: the request class (HTTP) and the retry and pacing policy.

It imports PTB and nothing of the bot's own but settings; the composition root hands both to PTB.
"""
