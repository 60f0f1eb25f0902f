"""Pressroom: a Telegram bot that distributes press releases.

Importing the package does nothing. A process that runs the bot calls
`bot.lazy_types.import_aiogram()` before anything imports aiogram (`bot/__main__.py` does, and so
do the `tests` and `bench` packages) so aiogram builds its Bot API models on first use.
"""
