"""The command menu Telegram shows beside the text field, per language, and for the operators.

Kept apart from the bot's sentences (`bot.messages`): these are Telegram's own kind of menu, set
once at start with setMyCommands.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.config import Settings

logger = logging.getLogger(__name__)

#: The command menu Telegram shows beside the text field, per language (`/` is added by Telegram).
COMMANDS: dict[str, dict[str, str]] = {
    "start": {"en": "Welcome and main topics", "zh-Hant": "歡迎及主要主題"},
    "help": {"en": "How to ask, and what I can do", "zh-Hant": "如何提問及功能"},
    "platforms": {"en": "The co-operation platforms", "zh-Hant": "各個合作平台"},
    "topics": {"en": "Every topic I know about", "zh-Hant": "所有主題"},
    "lang": {"en": "Language of my answers", "zh-Hant": "回答的語言"},
    "sources": {"en": "The official pages I cite", "zh-Hant": "引用的官方網頁"},
    "about": {"en": "About this bot and its data", "zh-Hant": "關於本機械人及資料"},
}
#: Shown only to the operators (ADMIN_USER_IDS) in their private chat with the bot.
ADMIN_COMMANDS: dict[str, dict[str, str]] = {
    "stats": {"en": "Questions, declines and feedback", "zh-Hant": "提問、未能回答及意見統計"},
    "reload": {"en": "Re-read the knowledge base", "zh-Hant": "重新載入知識庫"},
}


def _commands(table: dict[str, dict[str, str]], lang: str) -> list[BotCommand]:
    return [BotCommand(name, text[lang]) for name, text in table.items()]


async def register_commands(bot: Bot, settings: Settings) -> None:
    """The menu beside the text field: English by default, Chinese for Chinese-language apps,
    and the admin commands added in each operator's own private chat."""
    try:
        await bot.set_my_commands(_commands(COMMANDS, "en"))
        await bot.set_my_commands(_commands(COMMANDS, "zh-Hant"), language_code="zh")
    except TelegramError as exc:  # the bot works without a menu; don't refuse to start
        logger.warning("could not register the command menu: %s", exc)
    everyone = {**COMMANDS, **ADMIN_COMMANDS}
    for admin_id in sorted(settings.admin_ids):
        scope = BotCommandScopeChat(admin_id)
        try:
            await bot.set_my_commands(_commands(everyone, "en"), scope=scope)
            await bot.set_my_commands(
                _commands(everyone, "zh-Hant"), scope=scope, language_code="zh"
            )
        except TelegramError as exc:  # e.g. the operator has not started a chat with the bot
            logger.warning("could not register the admin menu for one operator: %s", exc)
