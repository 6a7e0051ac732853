"""Every sentence the bot itself says, in English, Traditional and Simplified Chinese.

Kept apart from the knowledge base because these are the program's words, not curated facts; kept in
one place so a translation fix is one edit. Simplified strings are derived from Traditional.
"""

from __future__ import annotations

import calendar
import datetime as dt

from bot.text import Lang, to_simplified

_STRINGS: dict[str, dict[str, str]] = {
    "as_of": {"en": "As of {date}.", "zh-Hant": "資料截至{date}。"},
    "source": {"en": "Source", "zh-Hant": "資料來源"},
    "sources": {"en": "Sources", "zh-Hant": "資料來源"},
    "related": {"en": "Related questions", "zh-Hant": "相關問題"},
    "sources_more": {"en": "…and {count} more sources.", "zh-Hant": "另有{count}個資料來源。"},
    "sources_more_one": {"en": "…and one more source.", "zh-Hant": "另有1個資料來源。"},
    "clarify": {
        "en": "I am not sure which of these you mean. Pick one:",
        "zh-Hant": "我不太肯定你想問哪一項，請選擇：",
    },
    "decline": {
        "en": (
            "Sorry, I don't have an answer to that. I only know about Hong Kong's regional "
            "co-operation with the Mainland."
        ),
        "zh-Hant": "抱歉，我沒有這方面的答案。我只能回答香港與內地區域合作的問題。",
    },
    "official": {"en": "For an official answer, see:", "zh-Hant": "如需官方答覆，請參閱："},
    "decline_subject": {
        "en": (
            "Sorry, I can't answer that: I only know about Hong Kong's regional co-operation with "
            "the Mainland. About the {name}, I can tell you what it is, who leads it, and its "
            "meetings."
        ),
        "zh-Hant": "抱歉，我無法回答這個問題：我只熟悉香港與內地的區域合作。關於{name}，我可以介紹它是甚麼、由誰主持及歷次會議。",
    },
    "decline_no_record": {
        "en": (
            "Our sources have no record of that meeting of the {name}, so I can't answer that. "
            "You can see which meetings they do record below."
        ),
        "zh-Hant": "我們的資料中沒有{name}這次會議的紀錄，所以無法回答。資料所載的會議，可在下面查看。",
    },
    "decline_not_told": {
        "en": (
            "Our sources do not say that about the {name}, so I can't answer it. What they do "
            "say is below."
        ),
        "zh-Hant": "我們的資料沒有提及{name}這方面的資料，所以無法回答。資料所載的內容，可在下面查看。",
    },
    "decline_no_platform": {
        "en": (
            "Our sources know of no such co-operation platform between Hong Kong and the "
            "Mainland, so I can't answer that. You can see the platforms they do record below."
        ),
        "zh-Hant": "我們的資料中沒有這個香港與內地的合作機制，所以無法回答。資料所載的合作平台，可在下面查看。",
    },
    "smalltalk_greeting": {
        "en": "Hello! Ask me about Hong Kong's co-operation with the Mainland, or pick a topic.",
        "zh-Hant": "你好！歡迎查詢香港與內地的合作，或選擇一個主題。",
    },
    "smalltalk_thanks": {
        "en": "You're welcome! Anything else about Hong Kong's co-operation with the Mainland?",
        "zh-Hant": "不用客氣！還有其他關於香港與內地合作的問題嗎？",
    },
    "smalltalk_identity": {
        "en": (
            "I'm coopbot: I answer questions on Hong Kong's regional co-operation with the "
            "Mainland from official sources, in English, Traditional or Simplified Chinese, "
            "and cite them. Try a topic below."
        ),
        "zh-Hant": (
            "我是coopbot，根據官方資料，以英文、繁體或簡體中文解答香港與內地區域合作的問題，"
            "並附上出處。可試試下面的主題。"
        ),
    },
    "smalltalk_help": {
        "en": "Type a question, e.g. “When was the latest Hong Kong/Guangdong plenary?”, or pick a topic.",
        "zh-Hant": "請直接輸入問題，例如「粵港合作聯席會議最近一次是何時？」，或選擇一個主題。",
    },
    "smalltalk_bye": {
        "en": "Goodbye! Come back any time.",
        "zh-Hant": "再見！歡迎隨時再來。",
    },
    "smalltalk_ack": {
        "en": "Good. Anything else you'd like to know?",
        "zh-Hant": "好的。還有其他想知道的嗎？",
    },
    "smalltalk_praise": {
        "en": "Thank you! Ask me anything else about Hong Kong's co-operation with the Mainland.",
        "zh-Hant": "多謝！歡迎繼續查詢香港與內地合作的問題。",
    },
    "smalltalk_complaint": {
        "en": (
            "Sorry I couldn't help. I answer only from my sources on Hong Kong's co-operation "
            "with the Mainland: try a topic below."
        ),
        "zh-Hant": "抱歉未能幫上忙。我只能根據資料解答香港與內地合作的問題，可試試下面的主題。",
    },
    "smalltalk_wait": {
        "en": "Take your time: ask whenever you're ready, or pick a topic.",
        "zh-Hant": "慢慢來，準備好再問，或選擇一個主題。",
    },
    "smalltalk_intro": {
        "en": (
            "Nice to meet you! Ask me about Hong Kong's co-operation with the Mainland, "
            "or pick a topic."
        ),
        "zh-Hant": "幸會！歡迎查詢香港與內地的合作，或選擇一個主題。",
    },
    "smalltalk_remark": {
        "en": "Thanks for sharing! Ask me more about it, or pick a question below.",
        "zh-Hant": "謝謝分享！想了解更多可以再問，或選擇下面的問題。",
    },
    "suggestions": {"en": "You could ask:", "zh-Hant": "你可以問："},
    # In a group, small talk gets one short line: the members are talking to each other.
    "smalltalk_group_greeting": {"en": "Hello! 👋", "zh-Hant": "你好！👋"},
    "smalltalk_group_thanks": {"en": "You're welcome!", "zh-Hant": "不用客氣！"},
    "smalltalk_group_identity": {
        "en": "I'm coopbot: ask me about Hong Kong's co-operation with the Mainland.",
        "zh-Hant": "我是coopbot，歡迎查詢香港與內地的合作。",
    },
    "smalltalk_group_help": {
        "en": "Mention me with your question.",
        "zh-Hant": "請提及我並寫下問題。",
    },
    "smalltalk_group_bye": {"en": "Goodbye!", "zh-Hant": "再見！"},
    "smalltalk_group_ack": {"en": "👍", "zh-Hant": "👍"},
    "smalltalk_group_praise": {"en": "Thank you!", "zh-Hant": "多謝！"},
    "smalltalk_group_complaint": {"en": "Sorry I couldn't help.", "zh-Hant": "抱歉未能幫上忙。"},
    "smalltalk_group_wait": {"en": "👍", "zh-Hant": "👍"},
    "smalltalk_group_intro": {"en": "Hello! 👋", "zh-Hant": "你好！👋"},
    "smalltalk_group_remark": {"en": "👍", "zh-Hant": "👍"},
    "empty": {
        "en": "Please type a question about Hong Kong's co-operation with the Mainland.",
        "zh-Hant": "請輸入有關香港與內地合作的問題。",
    },
    # --- answers made from meeting records (bot.knowledge.meetings) -----------------------------
    # Values: {name} the platform, {kind} the kind of meeting, {n} its ordinal ("24th", "第24次"),
    # {date}, {year}, {place}. Sentences are joined with spaces in English, with nothing in Chinese.
    "meeting_numbered": {"en": "The {nkind} of the {name}", "zh-Hant": "{name}{nkind}"},
    "meeting_titled": {"en": "The {title} ({name})", "zh-Hant": "{name}{title}"},
    "meeting_plain": {"en": "A {kind} of the {name}", "zh-Hant": "{name}一次{kind}"},
    "meeting_held": {
        "en": "{subject} was held{where} on {date}{chairs}.",
        "zh-Hant": "{subject}於{date}{where}舉行{chairs}。",
    },
    "meeting_where": {"en": " in {place}", "zh-Hant": "在{place}"},
    "meeting_where_video": {"en": " by video conference", "zh-Hant": "以視像會議形式"},
    "meeting_chairs": {"en": ", co-chaired by {chairs}", "zh-Hant": "，由{chairs}共同主持"},
    "meeting_agreed_count": {
        "en": "Agreed: {count} {unit}: {what}.",
        "zh-Hant": "會上議定{count}{unit}：{what}。",
    },
    "meeting_agreed_only_count": {
        "en": "Agreed: {count} {unit}.",
        "zh-Hant": "會上議定{count}{unit}。",
    },
    "meeting_agreed": {"en": "Agreed: {what}.", "zh-Hant": "會上議定：{what}。"},
    "meeting_note": {"en": "Note: {note}.", "zh-Hant": "（{note}）"},
    "unit_agreements": {"en": "agreements", "zh-Hant": "份協議"},
    "unit_areas": {"en": "areas", "zh-Hant": "個範疇"},
    "unit_items": {"en": "items", "zh-Hant": "項"},
    "unit_documents": {"en": "documents", "zh-Hant": "份文件"},
    "meeting_latest": {
        "en": "The most recent {kind} of the {name} in our sources, the {n},",
        "zh-Hant": "據我們的資料，{name}最近一次{kind}（{n}{kind}）",
    },
    "meeting_latest_plain": {
        "en": "The most recent {kind} of the {name} in our sources",
        "zh-Hant": "據我們的資料，{name}最近一次{kind}",
    },
    "meeting_later_other": {
        "en": "A later {kind} was held on {date} in {place}.",
        "zh-Hant": "其後於{date}在{place}另有一次{kind}。",
    },
    "meeting_next_unknown": {
        "en": "The date of the next {kind} of the {name} has not been announced in our sources.",
        "zh-Hant": "我們的資料未有公布{name}下一次{kind}的日期。",
    },
    "meeting_latest_was": {
        "en": "The latest in our sources was the {nkind}, held{where} on {date}.",
        "zh-Hant": "我們資料中最近一次是{date}{where}舉行的{nkind}。",
    },
    "cadence_yearly": {"en": "It has met about once a year.", "zh-Hant": "會議大約每年舉行一次。"},
    "cadence_years": {
        "en": "Recently it has met about every {years} years.",
        "zh-Hant": "近年大約每{years}年舉行一次。",
    },
    "meeting_count_numbered": {
        "en": "Our sources record {number} {kinds} of the {name} so far.",
        "zh-Hant": "據我們的資料，{name}至今共舉行了{number}次{kind}。",
    },
    "meeting_count_recorded": {
        "en": "Our sources record {count} meetings of the {name}.",
        "zh-Hant": "我們的資料記錄了{name}的{count}次會議。",
    },
    # --- the Telegram bot ---------------------------------------------------------------------
    # Values filled in by the bot ({name}, {date}, ...) are HTML-escaped by the caller; these
    # templates hold no markup, so every one of them is escaped as a whole before sending.
    "welcome": {
        "en": (
            "Hello! I answer questions about Hong Kong's regional co-operation with the Mainland: "
            "the co-operation conferences with provinces and cities, the Greater Bay Area, CEPA "
            "and the Five-Year Plans. Every answer cites its official source.\n\n"
            "Type a question in English or Chinese, or pick a topic below. /help lists what else "
            "I can do."
        ),
        "zh-Hant": (
            "你好！我解答有關香港與內地區域合作的問題：與各省市的合作會議、粵港澳大灣區、CEPA及國家"
            "五年規劃。每個答案都附有官方資料來源。\n\n"
            "請以中文或英文輸入問題，或在下面選擇主題。/help 列出其他功能。"
        ),
    },
    "help": {
        "en": (
            "Ask me a question in English, 繁體中文 or 简体中文, for example "
            "“What is CEPA?” or “渝港合作會議是甚麼？”.\n\n"
            "/platforms – the co-operation platforms\n"
            "/topics – every topic I know about\n"
            "/lang – choose the language of my answers\n"
            "/sources – the official pages my answers come from\n"
            "/about – what this bot is and how current it is\n\n"
            "In a group, mention me or reply to my message. In any chat, type my name and a "
            "question to share an answer."
        ),
        "zh-Hant": (
            "請以英文、繁體中文或简体中文提問，例如「CEPA是甚麼？」或「What is CEPA?」。\n\n"
            "/platforms – 各個合作平台\n"
            "/topics – 所有主題\n"
            "/lang – 選擇回答的語言\n"
            "/sources – 答案所據的官方網頁\n"
            "/about – 關於本機械人及資料的時效\n\n"
            "在群組中，請提及我或回覆我的訊息。在任何對話中，輸入我的名稱和問題即可分享答案。"
        ),
    },
    "about": {
        "en": (
            "coopbot answers questions on Hong Kong's regional co-operation with the Mainland "
            "from a curated knowledge base of {entries} answers, each citing official sources. "
            "It does not use AI to write answers, and it cannot answer what is not in the "
            "knowledge base."
        ),
        "zh-Hant": (
            "coopbot 根據一個經整理的知識庫（共{entries}個答案，每個均引用官方資料）解答香港與內地"
            "區域合作的問題。答案並非由人工智能撰寫；知識庫以外的問題，本機械人無法回答。"
        ),
    },
    "about_unofficial": {
        "en": (
            "This is not an official government channel. For anything that matters, check the "
            "official page:"
        ),
        "zh-Hant": "本機械人並非政府官方渠道。重要事項請以官方網頁為準：",
    },
    "about_official": {
        "en": "This is an official channel of {operator}.",
        "zh-Hant": "本機械人是{operator}的官方渠道。",
    },
    "about_dates": {
        "en": "The newest dated fact is as of {as_of}; sources were last checked on {checked}.",
        "zh-Hant": "最新的資料截至{as_of}；資料來源最近於{checked}核對。",
    },
    "about_version": {"en": "Version {version}.", "zh-Hant": "版本 {version}。"},
    "platforms": {
        "en": "The co-operation platforms between Hong Kong and the Mainland. Pick one:",
        "zh-Hant": "香港與內地的合作平台，請選擇：",
    },
    "platforms_heading": {"en": "Co-operation platforms", "zh-Hant": "合作平台"},
    "policies": {
        "en": "Plans, agreements and offices that shape Hong Kong's co-operation with the Mainland. Pick one:",
        "zh-Hant": "影響香港與內地合作的規劃、協議及機構，請選擇：",
    },
    "policies_heading": {"en": "Policy topics", "zh-Hant": "政策主題"},
    "topics": {
        "en": "Topics I can answer about. Pick one:",
        "zh-Hant": "我可以解答的主題，請選擇：",
    },
    "topics_heading": {"en": "All topics", "zh-Hant": "所有主題"},
    "topic_questions": {
        "en": "Questions {first}–{last} of {total}. Pick a number:",
        "zh-Hant": "問題 {first}–{last}（共{total}個），請選擇編號：",
    },
    # --- buttons: a phone shows about 30 characters on one ---------------------------------------
    "button_platforms": {"en": "🤝 Platforms", "zh-Hant": "🤝 合作平台"},
    "button_policies": {"en": "📋 Policy topics", "zh-Hant": "📋 政策主題"},
    "button_howto": {"en": "❓ How to ask", "zh-Hant": "❓ 如何提問"},
    "button_language": {"en": "🌐 Language", "zh-Hant": "🌐 語言"},
    "button_sources": {"en": "🔗 Sources", "zh-Hant": "🔗 資料來源"},
    "button_back": {"en": "◀ Back", "zh-Hant": "◀ 返回"},
    "button_next": {"en": "More ▶", "zh-Hant": "更多 ▶"},
    "button_read_more": {"en": "📖 Read more", "zh-Hant": "📖 閱讀全文"},
    "button_more_sources": {"en": "🔗 More sources", "zh-Hant": "🔗 更多資料來源"},
    "button_more_questions": {"en": "📂 More questions", "zh-Hant": "📂 更多問題"},
    "button_share": {"en": "↗ Share", "zh-Hant": "↗ 分享"},
    "button_open": {"en": "💬 Open in the bot", "zh-Hant": "💬 在機械人中打開"},
    # --- /sources ------------------------------------------------------------------------------
    "sources_heading": {"en": "Where my answers come from", "zh-Hant": "答案的資料來源"},
    "sources_intro": {
        "en": (
            "Every answer cites its sources: official HKSAR Government pages first; reposts and "
            "news only where no official page has the fact."
        ),
        "zh-Hant": "每個答案都附有資料來源：以特區政府官方網頁為先；官方網頁沒有的資料，才引用轉載或新聞報道。",
    },
    "sources_start": {"en": "Start here:", "zh-Hant": "官方總覽："},
    "sources_counts": {
        "en": "{total} pages in all: {official} official, {repost} reposted releases, {news} news.",
        "zh-Hant": "共{total}個網頁：官方{official}個、轉載新聞稿{repost}個、新聞報道{news}個。",
    },
    "sources_pick": {
        "en": "Pick a topic to see the pages its answers cite:",
        "zh-Hant": "選擇主題，查看其答案引用的網頁：",
    },
    "sources_in_private": {
        "en": "In a private chat with me, /sources lists each topic's pages.",
        "zh-Hant": "在與我的私人對話中，/sources 會列出各主題的網頁。",
    },
    "sources_topic": {"en": "Sources: {name}", "zh-Hant": "資料來源：{name}"},
    "sources_range": {
        "en": "Pages {first}–{last} of {total}, official first:",
        "zh-Hant": "第{first}至{last}個網頁（共{total}個），官方網頁先列：",
    },
    "lang_prompt": {
        "en": "Which language should I answer in?",
        "zh-Hant": "你希望我用哪種語言回答？",
    },
    # Said in the language just chosen, so each needs its own zh-Hans (not derived).
    "lang_set": {
        "en": "I will answer in English.",
        "zh-Hant": "我會以繁體中文回答。",
        "zh-Hans": "我会以简体中文回答。",
    },
    "lang_usage": {
        "en": "Use /lang en, /lang zh-Hant or /lang zh-Hans (or /lang auto), or pick a button.",
        "zh-Hant": "請用 /lang en、/lang zh-Hant 或 /lang zh-Hans（或 /lang auto），或按下按鈕。",
    },
    "lang_auto": {
        "en": "I will answer in the language of each question.",
        "zh-Hant": "我會以每個問題所用的語言回答。",
    },
    "unknown_command": {
        "en": "Sorry, I don't know that command. /help lists the ones I have.",
        "zh-Hant": "抱歉，我不認識這個指令。/help 列出可用的指令。",
    },
    "non_text": {
        "en": "I can only read text. Please type your question.",
        "zh-Hant": "我只能閱讀文字，請輸入你的問題。",
    },
    "flood": {
        "en": (
            "You are sending messages faster than I can answer, so I will skip some for a "
            "minute. Please wait a moment, then ask again."
        ),
        "zh-Hant": "你傳送訊息的速度太快，我會在一分鐘內略過部分訊息。請稍候再問。",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "zh-Hant": "抱歉，我這邊出了問題，請稍後再試。",
    },
    "stale_button": {
        "en": "This button no longer works. Please ask your question again.",
        "zh-Hant": "這個按鈕已失效，請重新提問。",
    },
    "feedback_thanks": {"en": "Thank you for your feedback!", "zh-Hant": "多謝你的意見！"},
    "feedback_voted": {"en": "You have voted already. Thank you!", "zh-Hant": "你已投票，多謝！"},
    "feedback_wanted": {
        "en": (
            "Sorry that did not help. What were you looking for? Tell me in your next message "
            "and I will pass it on to the people who keep my answers (you may skip this)."
        ),
        "zh-Hant": "抱歉未能幫上忙。你想找甚麼？請在下一則訊息告訴我，我會轉告負責整理答案的同事（可略過）。",
    },
    "feedback_related": {"en": "Perhaps one of these:", "zh-Hant": "或者是以下其中一項："},
    "feedback_noted": {
        "en": "Thank you, I have passed that on.",
        "zh-Hant": "多謝，我已轉告負責整理答案的同事。",
    },
    "flood_press": {
        "en": "You are pressing buttons faster than I can answer. Please wait a moment.",
        "zh-Hant": "你按按鈕的速度太快，請稍候片刻。",
    },
    "inline_ask_private": {"en": "Ask in private chat", "zh-Hant": "在私人對話中提問"},
    "stats_heading": {"en": "Statistics", "zh-Hant": "統計"},
    "stats_top": {"en": "Most answered", "zh-Hant": "最常回答"},
    "stats_declined": {"en": "Recently declined", "zh-Hant": "最近未能回答"},
    "stats_feedback": {
        "en": "Feedback: {up} 👍 / {down} 👎 ({share} positive)",
        "zh-Hant": "意見：{up} 👍 / {down} 👎（{share}正面）",
    },
    "stats_comments": {
        "en": "What users were looking for (after 👎)",
        "zh-Hant": "用戶想找的內容（按👎後）",
    },
    "stats_none": {"en": "none yet", "zh-Hant": "暫無"},
    "stats_unavailable": {
        "en": "Statistics are unavailable: the database cannot be read. See the log.",
        "zh-Hant": "無法讀取資料庫，統計暫不可用。詳情請看日誌。",
    },
    "reload_ok": {
        "en": "Reloaded: {entries} answers in {topics} topics, {warnings} warning(s).",
        "zh-Hant": "已重新載入：{topics}個主題共{entries}個答案，{warnings}個警告。",
    },
    "reload_failed": {
        "en": "The knowledge base has {errors} error(s), so I kept serving the previous one:",
        "zh-Hant": "知識庫有{errors}個錯誤，因此繼續使用原有版本：",
    },
    "reload_more": {"en": "…and {count} more.", "zh-Hant": "……另有{count}項。"},
}


def t(key: str, lang: Lang, **values: str) -> str:
    """The sentence `key` in `lang`, with `values` filled in."""
    strings = _STRINGS[key]
    if lang == "zh-Hans" and "zh-Hans" not in strings:
        template = to_simplified(strings["zh-Hant"])
    else:
        template = strings.get(lang, strings["en"])
    return template.format(**values)


def plural(noun: str) -> str:
    """An English noun phrase in the plural: plenary → plenaries, meeting of X → meetings of X."""
    head, of, rest = noun.partition(" of ")
    if head.endswith("y") and not head.endswith(("ay", "ey", "oy")):
        head = head[:-1] + "ies"
    elif not head.endswith("s"):
        head += "s"
    return head + of + rest


_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """二十四 for 24, as Chinese writes a meeting's number (第二十四次); digits from 100 up."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_DIGITS[tens] + "十")
    return head + (_CHINESE_DIGITS[units] if units else "")


def ordinal(number: int, lang: Lang) -> str:
    """24th, 第二十四次: a meeting's place in its series."""
    if lang != "en":
        return f"第{chinese_numeral(number)}次"
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def format_date(value: dt.date, lang: Lang) -> str:
    """A date as readers of `lang` write it: 12 July 2024, or 2024年7月12日."""
    if lang == "en":
        return f"{value.day} {calendar.month_name[value.month]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"
