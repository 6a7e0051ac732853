"""What a question asks: its subject, the aspect of it asked about, which meeting, or only small talk.

The matcher scores phrasings; it does not know *what about* a subject is asked. A reading says it:
the topics the question names (by alias, in either script, with typos), the aspect its cue words
point to (meta.yaml's `aspects`: who chairs, when it began, the latest meeting...), an ordinal or
a year that picks one meeting ("4th", "第四次", "2023年"), and whether the message is nothing but
small talk ("hi", "唔該晒"). What is left once these are taken away is what the question is
*about* besides its subject: words the knowledge base has no use for make it a near miss.

Everything here is data from the knowledge base; nothing knows Telegram or YAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.homophones import sounding_alike
from bot.knowledge import KnowledgeBase
from bot.matcher import CJK_PARTICLES, QUESTION_WORDS, STOPWORDS, Matcher, Name, stem
from bot.text import chinese_number, is_cjk

#: When several aspects are cued, the one that decides: which meeting is asked about comes before
#: what about it ("who chaired the latest meeting" is about the latest meeting), and any specific
#: aspect before the general "what is".
ASPECT_ORDER = (
    "renamed",
    "earlier",
    "later",
    "next",
    "count",
    "latest",
    "first",
    "agreed",
    "where",
    "office",
    "investment",
    "leaders",
    "frequency",
    "setup",
    "areas",
    "role",
    "history",
    "list",
    "what",
)
#: The near-miss cues (meta.yaml's off_topic) that ask who holds an office in a place: of a
#: numbered meeting, or with words of chairing, they ask its chairs ("第五次京港合作會議的北京市長
#: 是誰？", "和李家超一起主持浙港會議的浙江省委書記是誰？").
_OFFICE_HOLDERS = "office holders"
#: The kind of off-topic words that ask the bot's own view ("你觉得呢", "in your opinion").
_OPINION = "opinion"
#: Words after a near-miss word that make it describe a place named by it ("熊貓嗰個省",
#: "火鍋之都", canonical text): what the place is known for, not what is asked of it.
_DESCRIBING = re.compile(r"\s*(?:嘅|的)?(?:𠮶个|那个|之都|之乡)")
#: The fillers (meta.yaml) that say who asks and why ("for my school project", "我是學生").
_CONTEXT = "context"
#: Where a clause of a message ends: punctuation, a dash between spaces ("I drive to Macao a lot –
#: what did …"), or, in Chinese typed without punctuation, a space between two characters.
_CLAUSE_END = re.compile(
    r"[,，、:：;；.。!！?？]+\s*|\s+[-–—]+\s+|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])"
)
#: Aspects that pick a meeting of a platform (its records answer them).
MEETING_ASPECTS = frozenset({"next", "count", "latest", "first"})
#: The present ("now", "現任"): no aspect of its own, but what an answer of a past date may not
#: tell ("who is the Commissioner now?" of an answer naming the first).
CURRENT = "current"

_ENGLISH_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
# "4th" or "fourth", unless it names a Five-Year Plan ("14th fyp") rather than a meeting.
_ORDINAL = re.compile(
    r"\b(?:(\d{1,3})(?:st|nd|rd|th)|(" + "|".join(_ENGLISH_ORDINALS) + r"))(?![a-z0-9])"
    r"(?!\s*(?:fyp|5 year|plan|five))"
)
# "plenary number 4", "meeting #4" (canonical: "meeting 4"), "no. 4 plenary": a meeting's number
# written as a number, not an ordinal; never a count of anything after it ("conf 11 fields").
_NUMBERED = re.compile(
    r"\b(?:meeting|plenary|session|conference|conf|round|forum)\s+(?:number\s+|no\s+)?(\d{1,2})\b"
    r"(?!\s*(?:[a-z]+s|year|yr|month|day|week|agreement|area|item|time|document|project|hour)\b)"
    r"|\b(?:number|no)\s+(\d{1,2})\s+(?:meeting|plenary|session|conference)\b"
)
# 第四次, 第4屆, 第二十四次: a meeting's number in Chinese (canonical text is Simplified).
# Not "第一次出席" or "第一次提到": the first time someone did something, not a meeting's number.
_CHINESE_ORDINAL = re.compile(
    r"第\s*([0-9一二两三四五六七八九十廿卅百]{1,4})\s*(?:次|届|回|场)"
    r"(?!出席|参加|参与|访问|访港|来|去|到|提到|提及|提出|见面|会见|会面)"
)
# The first time someone did something ("John Lee first attended", "李家超第一次出席", which the
# canonical text writes 第1次): no first meeting of the platform.
_SOMEONES_FIRST = re.compile(
    r"\bfirst (?:time )?(?:attend|attended|attends|attending|visit|visited|went|came|took part|"
    r"joined|chaired|led)\b|\b(?:his|her) first\b"
    r"|(?:第1次|首次|头一次)(?:出席|参加|参与|访问|访港|来|去|到|主持|率团)"
)
# Something done for the first time ("which centres did the plan back for the first time?",
# "十四五首次支持"): what is new, not a first meeting.
#: Mainland places Hong Kong has no co-operation platform with in our sources, as a question
#: pairs them with Hong Kong ("HK/Tianjin Co-operation Conference", "苏港合作会议", "港津合作會議"):
#: provinces and regional capitals, by English name, Chinese name and one-character
#: abbreviation (canonical script). A place named by an alias of a topic is never one of them.
_OTHER_PLACES_EN = (
    "tianjin|hebei|shanxi|inner mongolia|liaoning|jilin|heilongjiang|jiangsu|anhui|jiangxi|"
    "shandong|henan|hunan|guangxi|hainan|guizhou|yunnan|tibet|shaanxi|gansu|qinghai|ningxia|"
    "xinjiang|taiwan|nanjing|qingdao|xiamen|dalian|xian|xi an|zhengzhou|changsha|kunming|harbin|"
    "shenyang|jinan|hefei|nanning|nanchang|guiyang|lanzhou|taiyuan|shijiazhuang|haikou"
)
_OTHER_PLACES_ZH = (
    "天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|江苏|安徽|江西|山东|河南|湖南|广西|海南|贵州|云南|西藏|"
    "陕西|甘肃|青海|宁夏|新疆|台湾|南京|青岛|厦门|大连|西安|郑州|长沙|昆明|哈尔滨|沈阳|济南|合肥|南宁|"
    "南昌|贵阳|兰州|太原|石家庄|海口"
)
_OTHER_ABBREVIATIONS = "津冀晋蒙辽吉黑苏皖赣鲁豫湘桂琼黔滇藏陕甘陇宁台"
_PLATFORM_WORDS_EN = (
    r"(?:co ?operation |coop |co op )?(?:joint )?(?:conference|conf|meeting|mechanism)"
)
_PLATFORM_WORDS_ZH = r"(?:合作(?:联席|高层)?会议|合作机制|联席会议)"
_NO_SUCH_PLATFORM = re.compile(
    rf"\bhk (?P<a>{_OTHER_PLACES_EN}) {_PLATFORM_WORDS_EN}"
    rf"|\b(?P<b>{_OTHER_PLACES_EN}) hk {_PLATFORM_WORDS_EN}"
    rf"|(?:香港|港)(?:与|和|同|跟)?(?P<c>{_OTHER_PLACES_ZH}|[{_OTHER_ABBREVIATIONS}])(?:的|嘅|之间)?"
    rf"{_PLATFORM_WORDS_ZH}"
    rf"|(?P<d>{_OTHER_PLACES_ZH}|[{_OTHER_ABBREVIATIONS}])(?:与|和|同|跟)?(?:香港|港)(?:的|嘅|之间)?"
    rf"{_PLATFORM_WORDS_ZH}"
    # "a co-operation conference with Jiangsu", "do HK and Tianjin have a joint mechanism",
    # "香港跟江苏有没有合作会议"
    rf"|\b{_PLATFORM_WORDS_EN} with (?:the )?(?P<e>{_OTHER_PLACES_EN})\b"
    rf"|\bhk and (?P<f>{_OTHER_PLACES_EN}) (?:have|has|got|set up|run)\b.{{0,20}}?\b{_PLATFORM_WORDS_EN}"
    rf"|(?:香港|港)(?:与|和|同|跟)(?P<g>{_OTHER_PLACES_ZH})(?:之间)?(?:有没有|有冇|有无|有|建立了|建立|设立了|设立)"
    rf".{{0,4}}?{_PLATFORM_WORDS_ZH}"
    rf"|(?:香港|港)(?:有没有|有冇|有无|有)(?:与|和|同|跟)(?P<h>{_OTHER_PLACES_ZH})"
    rf"(?:之间)?.{{0,4}}?{_PLATFORM_WORDS_ZH}"
    # "有冇同海南嘅合作會議", "跟天津的合作会议…": Hong Kong left unsaid, as everything here is
    # Hong Kong's
    rf"|^(?:那|咁|那么)?(?:有没有|有冇|有无)?(?:与|和|同|跟)(?P<i>{_OTHER_PLACES_ZH})"
    rf"(?:的|嘅|之间)?.{{0,4}}?{_PLATFORM_WORDS_ZH}"
)
#: A few words before a colon saying who asks or why: "Expat teacher question:".
_PREAMBLE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z'-]* ){0,5}[A-Za-z][A-Za-z'-]*\s*[:：]\s*$")
#: A clause saying who asks: "Secondary school student here,", "Singaporean researcher here.".
_HERE = re.compile(r"^\s*(?:[a-z][a-z'-]* ){0,4}[a-z][a-z'-]* here\b\W*$")
#: Words of a wish or a need (canonical text): an introduction with one asks for something
#: ("im a student looking for a job in shenzhen", "我係學生 想搵兼職").
_A_WISH = re.compile(
    r"\b(?:want|wants|wanted|need|needs|would like|looking for|hoping|hope to|plan to|planning"
    r"|thinking of|trying to|how)\b|(?<!想)想(?![的不到象像想])|(?<![纲重主需摘提只师都又话正日])要(?!去)|需要|希望|打算|准备|(?<!再)揾|找"
)
#: A clause that says what the asker believes, or likens the thing to another ("i thought it
#: rotated", "就像川港那种"): it says what is asked, not why.
_A_CLAIM = re.compile(
    r"(?<!than )i (?:thought|think|believe|guess)|我(?:以为|觉得|估)|就像|好像|好似|(?<!想)像"
)
#: Context that reports what the asker saw or heard ("我記得…", "I heard…"): a claim about the
#: matter, not an introduction of the asker.
_HEARSAY = re.compile(
    r"(?:i (?:saw|heard|read|understand|remember|recently)|recently|in the news"
    r"|我?(?:(?<![于都直])记得|(?<!次)听讲|(?<!次)听说|听人讲|看新闻|睇新闻)|最近)"
)
# A memory told, not hearsay to confirm: "I remember HK donating a lot back then", "我記得汶川地震
# 嗰陣香港捐咗好多錢" (a remark, unless it seeks confirmation or asks, checked beside it). One with a
# year ("I remember something agreed in 2009") may be a clue to what is asked, and stays hearsay.
_A_MEMORY = re.compile(
    r"\bi (?:still )?remember\b(?! (?:it|that|the \w+) (?:was|is|were)\b)|我?记得"
)
#: The asker speaking of themself (canonical text): a message naming a subject beside them tells
#: their story ("my dad used to work in the shanghai office", "我老家就是四川的").
_THE_ASKER = re.compile(r"\b(?:i|im|ive|my|me|mine|we|our|us)\b|我|咱")
#: Words of surprise or judgement: a message naming a subject with one reacts to it ("原來京港合作會議
#: 2004年已經有", "chongqing has its own one too, neat").
_REACTING = re.compile(
    r"\b(?:wow|whoa|omg|huh|neat|wild|crazy|funny|funnily|literally|mouthful|fancy|fancier|lovely"
    r"|impressive|cute|beautiful|brutal|unreal|time flies|tbh|a lot|sounds|brand new|pretty"
    r"|gorgeous|amazing|keeps growing|love|loved|no debate|no contest|just saying)\b"
    r"|原来|估唔到|想不到|没想到|竟然|居然|怪不得|难怪|果然|挺|蛮|很|真系|真的|真(?=[长大多够])|这么|那么"
    r"|好(?=[新多长耐快大靓])|一个接一个|咁(?=[耐多长快大新])|都几|不少|唔少|听落|㖞|了[啊呀]\s*$|比我想[象像]"
    r"|第1次听(?:说|讲|到|闻)|头一次听|仲以为|还以为|(?:多|几|十)年[了喇啦]|太[\u4e00-\u9fff]{1,3}了|满(?=[有好])"
)
#: Words that ask without a question word: a request ("pls", "麻烦"), a choice or a yes-or-no put
#: in the middle ("係咪好過香港", "好定壞"), the bot's own view sought ("你覺得", "in your opinion").
_ASKS_BESIDES = re.compile(
    r"\b(?:pls|plz|please|opinion|your take|be honest|any|tips|rank|paste|or nah|or not)\b|(?<!\bthe )\bbest\b"
    r"|麻烦|请|劳烦|唔该\s*$|唔该你?(?=[帮话讲俾发])|(?:列|list|写|发|拿|揾|找|整|打印) ?出(?:嚟|来)"
    r"|发我|发给我|再问|问多|系咪|是不是|(?<!真)系唔系|会不会|定系|(?<![我那都也])还是(?!第)|好定"
    r"|你觉得|你认为|你点睇|你怎么看|你个人"
)
#: Words that insult the bot (canonical text): a complaint with one is abuse, not feedback.
_AN_INSULT = re.compile(
    r"\b(?:stupid|dumb|idiot|idiotic|moron|retarded)\b|笨|蠢|白痴|弱智|智障|傻|废"
)
#: Marvelling at how something is ("funny how…", "amazing how…"): a remark, not a question.
_MARVELLING = re.compile(
    r"\b(?:funny|amazing|interesting|crazy|wild|strange|weird) how\b(?! (?:many|much|often|long|far))"
)
#: A clause that opens as a yes-or-no question, or a choice between two years, as typed without a
#: question mark ("…, was cepa signed in 2003 or 2004").
_A_CLAUSE_ASKING = re.compile(
    r"(?:^|[,，.。;；:：!！]\s*)(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have)"
    r"\s+(?!you\b|u\b|(?:in|at|on|there|here)\b)\w|\b(?:19|20)\d\d or (?:19|20)\d\d\b",
    re.IGNORECASE,
)
#: Kinds of small talk that react to what was said: beside a subject or a year, a remark.
_REACTIONS = frozenset({"ack", "praise", "thanks", "wait", "bye", "intro"})
#: Small talk that opens a message rather than saying what it is for.
_OPENERS = frozenset({"greeting", "ack"})
#: What a statement ends with when it seeks to be confirmed ("the guangdong one started in 1998
#: right", "係2021年成立吧"): a question, though it has no question word.
_SEEKS_CONFIRMATION = re.compile(
    r"\b(?:right|correct|yeah|yes|eh|innit|true|no|isn t it|is it|ya|yah)\s*$"
    r"|(?:(?<!好)吧|(?<![的少多好错快])嘛|对吗|对不对|对唔对|系咪|是吧|是吗|啱唔啱|未|了没|咗未|没|冇|(?:系咪|是不是|系唔系)真(?:的|嘅|㗎)?)"
    r"[呀啊吖]?\s*$"
)
_NEWLY = re.compile(
    r"\bfor the first time\b|\bfirst announced\b|首次(?:支持|提出|写入|纳入|加入|提到|提及)|第一次(?:支持|提出|写入|纳入)"
)
# Words setting aside the name right after them: "besides Guangdong", "除了广东".
_EXCEPT = re.compile(
    r"(?:(?:除了|除咗|除开|除開)(?:[^\s，,、?？。！!]{1,6}?(?:、|同埋|同|和|及|与|與|跟)?){0,3}"
    r"|\b(?:besides|apart from|other than|except|not counting|excluding)\s+"
    r"(?:[\w'.-]+\s+(?:and\s+|&\s+)?){0,3})\s*$"
)
# The title of an office's head, which no cue word asks of alone: "駐粵辦主任係邊個？".
_AN_OFFICES_HEAD = re.compile(r"主任|处长|\bdirector\b")
#: A meeting verb just before "again": "met again" is another meeting, not "remind me".
_MET = re.compile(r"\b(?:meet|meets|met|meeting|held|hold|holds|convene|convened)\s+$")
#: What lets a city name its province's platform (canonical text): a province spoken of ("my
#: grandparents came from Fuzhou … that province"), or a co-operation platform ("the Wuhan
#: co-operation conference"); never an office ("the Wuhan office"), and a platform's city only where
#: it is not where something was held ("the forum in Guangzhou").
_A_PROVINCE = re.compile(r"\bprovinces?\b|\bprovincial\b|省(?![钱时力得])")
_A_PLATFORM = re.compile(r"\bcooperation\b|\bconference\b|\bmechanism\b|合作会议|合作机制")
_AN_OFFICE = re.compile(
    r"\boffices?\b|\betos?\b|办事处|经贸办|联络处|驻\S{0,4}办"
    # "how many provinces does the chengdu one cover", "成都嗰個管邊啲省": what the office covers
    r"|\bprovinces\b[^?.]{0,40}\bcover|\bcover(?:s|ed)?\b[^?.]{0,20}\bprovinces\b|(?:管|负责)(?:边|哪|几)"
)
_A_VENUE_BEFORE = re.compile(r"(?:\b(?:in|at)|喺|在|于|到)\s*$")
#: "How many" with the meetings counted a few words on ("how many HK/Beijing plenaries"): a count
#: of meetings, as "how many plenaries" is.
_HOW_MANY_MEETINGS = re.compile(
    r"\bhow many (?:[\w-]+ ){0,3}(?:meetings|plenaries|plenary sessions|sessions|rounds)\b"
)
# Which of a count they are: "係邊9個", "是哪9个" (canonical text).
_WHICH_OF_A_COUNT = re.compile(
    r"(?:边|哪)(?:\d{1,2}|[二两三四五六七八九十]{1,3})(?:个|项|份|间|条)"
)
# A question reported as someone else's ("my boss asked me which…", "老細問我邊個…"): it asks.
_REPORTED_QUESTION = re.compile(
    r"\basked(?: me| us)? (?:which|what|when|who|how|where|whether|if|why)\b|\basks (?:for|about)\b"
    r"|问(?:我|我哋|我们)?(?:下|吓|一下)?(?:边|哪|咩|乜|几|什么|甚么|点|系咪|是不是|有冇|有没有)"
)
# What a thing named next is likened to (canonical text): "like the guangdong one", "類似粵港".
_LIKE = re.compile(
    r"(?:\blike(?: the| that| with| in)?(?: one (?:with|in|for))?|\bsimilar to(?: the)?"
    r"|\bas with(?: the)?|好似|类似|就像|(?<![想好])像)\s*(?:hk |hong kong )?$"
)
_COMPARED = re.compile(r"\b(?:compared|in comparison) (?:with|to)\b")
# Sentences, each with what ends it; one ended by a full stop before one asked with "?", or left
# open as a question typed without one ("my late wife was from macau. when did … last meet").
_SENTENCE = re.compile(r"[^.。!！?？]+[.。!！?？]*")
_SENTENCE_THEN_QUESTION = re.compile(r"[.。]\s*\S.*(?:[?？]|[^.。!！\s])\s*$")
# Words after a question's last question mark, themselves no question: "...? need it for class".
_QUESTION_THEN_REMARK = re.compile(r"[?？]\s*([^?？\s][^?？]*)$")
# A time right after "next": "next spring", "next year" say when, not which meeting.
_A_TIME = re.compile(
    r" (?:spring|summer|autumn|fall|winter|year|month|week|weekend|time|night|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|再(?:来|问|倾|揾|见|聊|谈)"  # "下次再來": when the asker comes back
)
#: Words that count what follows them ("how many areas were agreed", "同意咗幾多個範疇"): the areas
#: are what is asked, not what was agreed.
_COUNTING = re.compile(
    r"(?:how many|多少个?|几多个?|几个|几项)\s*(?:key\s+|co-?operation\s+|重点)?$"
)
# A word for a meeting right after another word: "annual" in "the annual summit" describes it.
_NAMING_A_MEETING = re.compile(
    r" (?:(?:joint|co-operation|cooperation|high level|high-level|working) )?"
    r"(?:summit|summits|meeting|meetings|conference|plenary|forum|gathering|talks|get together)\b"
)
_MEETING_NOUN = re.compile(
    r"\b(?:meeting|meetings|mtg|plenary|plenaries|session|conference|conf|hlm)\b"
)
_MONTH = re.compile(
    r"\b(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept"
    r"|september|oct|october|nov|november|dec|december)\b|[0-9一二三四五六七八九十]{1,3}\s*月"
)
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
# A year told from the present (canonical text), and how far from the knowledge base's own year.
_RELATIVE_YEAR = re.compile(
    r"\b(?P<next>next year)\b|\b(?P<this>this year)\b|\b(?P<last>last year)\b"
    r"|(?P<next_zh>明年|下年|出年)|(?P<this_zh>今年)|(?P<last_zh>去年|旧年)"
)
_YEARS_AWAY = {"next": 1, "this": 0, "last": -1}
# What ends just before the second year of a span: "2015–2025", "2015至2025年", "2015 to 2025".
_SPAN_END = re.compile(r"(?:19|20)[0-9]{2}\s*(?:年\s*)?(?:[-–—~至到]|to)\s*$")
# A span of years: a period a document covers, or the years since one ("since 2016"): not a
# meeting's year.
_SPAN = re.compile(
    r"(?:19|20)[0-9]{2}\s*(?:年\s*)?(?:[-–—~至到]|to|\s)\s*(?:19|20)[0-9]{2}"
    r"|\bsince (?:19|20)[0-9]{2}\b|(?:19|20)[0-9]{2}\s*年以来"
    r"|(?:自|由|从)\s*(?:19|20)[0-9]{2}\s*年\s*(?:起|以来|开始)"
)
# A number with its unit of date ("2019年", "11日"): the unit is part of the date, not a word.
_DATE_UNIT = re.compile(r"[0-9]{1,4}\s*[年日号]")
_PIECE = re.compile(r"[0-9a-z+]+|[\u3400-\u9fff\uf900-\ufaff]+")
_PARTICLE_SPLIT = re.compile("[" + "".join(sorted(CJK_PARTICLES)) + "]")
# Chinese question words, the copulas around them and pronouns (canonical, Simplified): how a
# question is put, not what it is about. Longest first, so 什么时候 goes whole. The canonical text
# writes 嗰 as 𠮶.
_CJK_ASKING = re.compile(
    "|".join(
        sorted(
            (
                "什么时候 甚么时候 时候 几时 甚么 什么 啥 咩 乜嘢 乜 边个 谁 哪位 哪个 哪些 哪里 哪儿 哪 边度 "
                "边啲 边 点样 点解 怎样 怎么样 怎么 如何 为什么 为何 几多 多少 多长 多久 几 是不是 系唔系 系咪 "
                "是否 有冇 有没有 可唔可以 可不可以 能否 会不会 得唔得 好唔好 是 系 喺 在 有 𠮶 个 呢个 这个 那个 "
                "佢哋 佢 它们 它"
            ).split(),
            key=len,
            reverse=True,
        )
    )
)
#: A statement's own verbs (canonical text): "the gba is all over the mtr ads", "大湾区天天听".
_TELLS = re.compile(
    r"\b(?:is all over|keeps? (?:coming up|saying|popping up)|came up|comes up|all over the)\b"
    r"|天天|日日|成日|经常|整天|一直(?:在)?(?:说|讲|报道|报)"
)
# "还在…呢", "还是…呢" closing a statement: what still was, not "and what about…?"
_STILL_THEN = re.compile(r"还[在是][^?？]*呢\s*$")
_FOLLOW_UP = re.compile(
    r"^(?:and|what about|how about|then|also|same for|same question for|ok and|so)\b"
    r"|^(?:那(?!个\s)|那么|咁(?![多耐快长大])|至于|另外|还有)"
    r"|(?:呢|又如何|又点|又点样|又怎样)\s*$"
)

# Words pointing back at the place just spoken of: "which office covers that city?", "嗰度" (which
# the canonical text writes 𠮶).
_REFERS_BACK = re.compile(
    r"\b(?:that|this|the same) (?:city|province|municipality|place|region|one|office)\b"
    r"|\b(?:his|her|my|our|their) (?:home |own )?province\b"
    r"|(?<!is )(?<!are )(?<!was )(?<!were )\bthere\b"
    r"|该市|该省|当地|𠮶(?:度|边|个(?:城市|省|地方|办事处|办))|那个(?:城市|省|地方|办事处|办)|那里|那边|那儿"
    r"|(?<![\u4e00-\u9fff])(?:这边|这里|呢度|呢边)"  # "…，这边归哪个办事处管", not "香港这边"
    r"|该办事处|这个办事处|呢个办事处"
)
# Pronouns standing for the thing just spoken of: "what does it do?", "佢管邊幾個省？", and "in it"
# opening a question ("里面给香港新增了哪些定位？").
_PRONOUN = re.compile(
    r"\b(?:it|its|they|them|their|he|she|his|her)\b|佢|它|他们|他|她|^(?:里面|入面)"
)
# One of the things just spoken of: "which one covers Zhejiang?", "and Shanghai's?" after the
# offices.
_WHICH_ONE = re.compile(
    r"\bwhich one\b|\bthe \w+ one\b|^(?:and |what about |how about )?\w+ s$|^which is the\b"
    r"|哪一个|边一个|𠮶个(?=呢|$)|那个(?=呢|$)|𠮶个系边个|那个是哪个"
    r"|(?<=[\u4e00-\u9fff])(?:那个|𠮶个)(?=是|系|几|而家|现在|管|喺|在)"  # "北京那个是…"
    r"|^[\u4e00-\u9fff]{2,3}的呢$"  # "广东的呢" after the offices: Guangdong's
)
# Words pointing back at the occasion just spoken of: "嗰次林鄭同邊個一齊主持？", "at that meeting".
_THAT_OCCASION = re.compile(
    r"\b(?:that|this) (?:time|meeting|one|session|occasion|plenary)\b|\bat the time\b"
    r"|\bback then\b|\bwas that\b"
    r"|𠮶(?:次|阵)|那次|该次|当次|当时"
)

# Words that point back at what was just spoken of: explained by the conversation, not content.
_POINTING_BACK = re.compile(f"{_REFERS_BACK.pattern}|{_THAT_OCCASION.pattern}|{_PRONOUN.pattern}")

#: Characters that lean on small talk without a space and add nothing to it: who ("我"), too ("太"), so
#: ("咁", "那"), really ("真", "真係"), this time ("今次"), also ("都", "又", "也").
_SOFTENING = frozenset("我咁就真今次都又也那太")
# Characters a bit of small talk may keep around it: particles, "you" ("唔該晒你"), "is"
# ("係真人定AI嚟？") and the softening ones.
_TALK_CHARS = CJK_PARTICLES | frozenset("你您妳系是嚟欸诶吧哈喔唷啰") | _SOFTENING
# A yes-or-no frame asks nothing of its own around small talk: "可唔可以用英文問？".
_YES_OR_NO = re.compile("可唔可以|可不可以|能不能|是不是|系唔系|系咪|会不会|得唔得|好唔好|可以|能")
# Words that ask or request something (canonical text): a remark around small talk has none.
# "Hi there, hope you're having a good day" remarks; "hi, tell me a joke" asks.
_ASKS_OR_REQUESTS = re.compile(
    # not "what a mouthful", "that's why", "fujian is where my grandparents are from", "i remember
    # when cepa was signed", "that wasnt what i asked"
    r"(?<!\bexactly )(?<!\bjust )\bwhat\b(?! an? \b)(?! (?:i|we) (?:asked|meant|said|wanted)\b)|\b(?:whats|which|who|whos|whom|whose)\b"
    r"|(?<!\bis )\bwhere\b|\bwheres\b|(?<!\bthat s )(?<!\bthats )\bwhy\b|\b(?:how|hows)\b"
    r"|(?<!\bremember )\bwhen\b(?! (?:i|we|im|i'm) )"
    r"|\b(?:tell|give|show|send|teach|find|book|recommend|suggest|sing|write|translate) (?:me|us)\b"
    r"|\b(?:recommend|suggest)\b|\b(?:take|have|make) a (?:wild )?guess\b"
    r"|\b(?:any ?one|anybody|some ?one|somebody) knows?\b"
    r"|吗|咩|乜|(?<![两这那呢嗰身旁海江河湖左右外里上下嘴点沾])边|哪|谁|什么|甚么|(?<![没沒])啥|点(?=[样解去申做用会办算搞整揾买报登])|怎|(?:(?<![早这那近好过前十廿我下没冇])(?<!(?<![成首])都)几|(?<=早)几(?!年))(?=[时多个耐次年号点月日间条项份大远长钱位天加])"
    r"|多少|多久|(?<![差好许很])多(?=[大高远长重宽深])|有冇|有没有|是否|咋(?=[\u4e00-\u9fff])|如何|能否|推荐(?!我[来用])|推介|介绍(?!我[来用])|(?<![日常嘢爱她他佢听都])讲(?![得过咗了真法完嘢])|告诉|话我知|给我|俾我|(?<![孙女仔儿爸妈])帮我(?!\S{0,4}?[咗了过])|(?<![孙女仔儿爸妈])教我(?!\S{0,4}?[咗了过])|请问|想问|想知|唱|(?<![让叫在正系是])写(?![论作功报稿过到不完])"
    r"|翻译|预测|估(?![唔不]到)|(?<![唔不没冇真])([\u4e00-\u9fff])[唔不没冇]\1"
    r"|\b(?:do|does|did|can|could|will|would|is|are|have|has) (?:you|u|it|there|they|we|i)\b"
    # the asker's own wish or need: something to meet, not a remark ("谢谢 我需要办港澳通行证")
    r"|\bi (?:really |just |also )?(?:want|need|d like|would like|hope to|plan to)\b|\blooking for\b"
    r"|我(?:想(?![的象像])|要(?!去)|需要|希望|打算|准备)|想要|想揾|想找"
)
# A remark that opens with a verb bids the bot do something ("hi, recommend a restaurant"), or
# asks, when the verb is one a question opens with ("hello, is John Lee married").
_A_REQUEST = re.compile(
    r"(?:(?:please|pls|plz|kindly|now|just|so|then|ok|okay) )*(?:tell|give|show|recommend|suggest"
    r"|sing|write|book|find|send|explain|list|share|teach|translate|predict|guess|compare"
    r"|summarise|summarize|check|help)\b"
    r"|(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|may)\b"
    r"(?! (?:in|at|on|there|here)\b)"  # "was in chengdu last year": the asker's story, "I" left out
)
#: Misspelt small talk is looked for only in messages of this many words at most, and only
#: words of this many letters at least are respelt ("thnak you"; "tks" is too short to tell).
_RESPELT_WORDS = 4
_RESPELT_LENGTH = 4
#: Content terms a remark around small talk may carry at most ("first time using this").
_REMARK_TERMS = 12
# A message of Chinese interjections and particles only ("唉", "哎呀", "呃…", "正呀") reacts, as
# an emoji would: it asks nothing of the subject before it; so does one that only hesitates
# ("那个…", "额…"), though "那个" beside anything else points at what it names.
_INTERJECTIONS = "唉哎呃嗯噢哇咦呵哈嘻嘿哼喔诶欸正赞牛劲咁"
_PARTICLES = "".join(sorted(CJK_PARTICLES))
_HESITATING = "那个|这个|额|即系|然后|所以说"
_ONLY_INTERJECTIONS = re.compile(
    f"(?=.*(?:[{_INTERJECTIONS}]|{_HESITATING}))(?:{_HESITATING}|[{_INTERJECTIONS}{_PARTICLES}\\s])+"
)
# "早" alone, or after an emoji ("🌞早"), greets, and so does "亲" ("dear", as shops greet);
# inside a message they are "early" ("最早") and "in person" ("亲自").
_ONLY_A_GREETING = re.compile(f"(?:早|亲)+[{_PARTICLES}\\s]*")
#: Characters that trail small talk without starting anything of their own.
_TRAILING = CJK_PARTICLES | frozenset("晒哂嚟欸诶吧喔唷啰耶")
# A bot command typed as a message ("/start", "/help@coopbot_bot"): Telegram hands commands to their
# own handlers, so one that reaches the understanding step (the shell, an inline query) asks for help.
_A_COMMAND = re.compile(r"\s*/[a-z_]+(?:@\w+)?\s*", re.IGNORECASE)
# What a message of nothing but emoji or symbols says, by its first telling emoji.
_EMOJI_TALK = {"👋": "greeting", "🙋": "greeting", "🙏": "thanks", "❤": "thanks", "💯": "praise"}


def _set_apart(text: str, index: int) -> bool:
    """Whether the character at `index`, next to small talk, keeps apart from it: a space, a
    particle ("晒" in "收到晒" too), a softening word ("唔該晒你咁有耐性"), a Latin letter (Latin cues
    are whole words) or the text's end."""
    return (
        not 0 <= index < len(text)
        or not is_cjk(text[index])
        or text[index] in _TRAILING
        or text[index] in _SOFTENING
    )


def _only_a_remark(
    question: str, text: str, talk: list[tuple[int, int]], wrapping: list[tuple[int, int]]
) -> bool:
    """Whether small talk (`talk`, every place its cues occur) that opens or closes a message has
    only a remark beside it ("hello, first time using this", "谢谢 很详细 我上课用得上", "very clear,
    cheers"): nothing asked or requested (the caller has found no subject, aspect, number or year,
    and counts the remark's words)."""
    if "?" in question or "？" in question:
        return False
    covered = {i for a, b in talk + wrapping for i in range(a, b)}
    first_free = next(i for i in range(len(text) + 1) if i not in covered)
    last_free = next(i for i in range(len(text) - 1, -2, -1) if i not in covered)
    while last_free >= 0 and text[last_free] in _TRAILING:  # "挺用心的": a particle after it
        last_free -= 1
    # Small talk opens or closes the message, and Chinese does not run on from it without a
    # space: "你好笨啊" is "you're so dumb", not "hello" and more. Closing words of three
    # characters or more say their piece on their own: "做呢個bot嘅人好有心機".
    opening = max((b - a for a, b in talk if a == 0 and b == first_free), default=0)
    opens = first_free > 0 and (_set_apart(text, first_free) or opening >= 3)
    closing = next((b - a for a, b in talk if a == last_free + 1), 0)
    closes = last_free < len(text) - 1 and (_set_apart(text, last_free) or closing >= 3)
    if not (opens or closes):
        return False
    # asked outside the small talk: "tell me a joke lol", "佢哋幫唔幫到手"
    asked = _outside(_ASKS_OR_REQUESTS, text, talk)
    return not asked and not _A_REQUEST.match(_without(text, talk))


def _only_remarks_on(
    question: str, text: str, cues: dict[str, list[tuple[int, int, str]]], core: str
) -> bool:
    """Whether a message that names a subject, a year or an aspect only remarks on it ("wow the
    guangdong one goes back to 1998, older than me lol", "我阿爸以前喺深圳返工㗎", "十三个领域，
    挺多的"): it asks, requests, wishes, claims and reports nothing, seeks no confirmation, and
    reacts (a word of small talk or of surprise) or tells of the asker. Such a message wants a
    word back, not the answer it already holds, nor "I don't know"."""
    if "?" in question or "？" in question or _A_CLAUSE_ASKING.search(question):
        return False  # "ugh i always mix this up, was cepa signed in 2003 or 2004"
    # what small talk says asks nothing ("thats exactly what i needed"), nor marvelling ("funny how…")
    said = [(a, b) for a, b, _ in cues["smalltalk"]] + [
        m.span() for m in _MARVELLING.finditer(text)
    ]
    if (
        _outside(_ASKS_OR_REQUESTS, text, said)
        or _outside(_ASKS_BESIDES, text, said)
        or _outside(_A_WISH, text, said)
        or _REPORTED_QUESTION.search(text)
        or _A_REQUEST.match(core)
        or (  # "so even chongqing has one now, neat"; "那时候我还在上小学呢" tells, asks nothing
            _FOLLOW_UP.search(text.removeprefix("so ")) and not _STILL_THEN.search(text)
        )
        or _SEEKS_CONFIRMATION.search(text)
        or (_hearsay(text) and not _hearsay_only_told(text, cues))
        or _A_CLAIM.search(text)
        or _AN_INSULT.search(text)
    ):
        return False
    kinds = {kind for _, _, kind in cues["smalltalk"]}
    return bool(kinds & _REACTIONS or _personal(text) or _TELLS.search(text))


def _telling_kind(talk: list[tuple[int, int, str]]) -> str:
    """The kind of small talk a message is, by its first cue that says what it is for: a greeting
    or a nod opens a message, what follows tells ("你好笨啊" complains, "ok thanks" thanks)."""
    return next((kind for _, _, kind in talk if kind not in _OPENERS), talk[0][2])


def _hearsay(text: str) -> bool:
    """Whether a remark passes on what was heard or read, to be confirmed; a memory told with no
    year is the asker's own ("I remember HK donating a lot back then")."""
    return bool(_HEARSAY.search(text)) and not (_A_MEMORY.search(text) and not _YEAR.search(text))


def _hearsay_only_told(text: str, cues: dict[str, list[tuple[int, int, str]]]) -> bool:
    """Whether hearsay is only told beside the asker's own story ("重慶我未去過，聽講好多山"): no
    aspect, year or word of another matter in it to confirm."""
    return (
        _personal(text) and not cues["aspects"] and not cues["off_topic"] and not _YEAR.search(text)
    )


def _personal(text: str) -> bool:
    """Whether a text tells of the asker or reacts ("my dad worked there", "wow"): a sentence of
    the asker's own, not a question of another matter."""
    return bool(_THE_ASKER.search(text) or _REACTING.search(text))


def _outside(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether a pattern matches the text anywhere but wholly inside one of the spans."""
    return any(
        not any(a <= m.start() and m.end() <= b for a, b in spans) for m in pattern.finditer(text)
    )


def _emoji_talk(question: str) -> str:
    """A message of only emoji and symbols is small talk: a wave hello, folded hands thanks,
    anything else a nod."""
    return next((kind for ch in question if (kind := _EMOJI_TALK.get(ch))), "ack")


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    kept = list(text)
    for start, end in spans:
        for index in range(start, end):
            kept[index] = " "
    return " ".join("".join(kept).split())


# Where Chinese and Latin meet without a space: "你是ai", "m该".
_SCRIPTS_MEET = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
#: Where a cue may start: a whole Latin word, or any other character but a space.
_CUE_START = re.compile(r"(?P<word>[A-Za-z0-9]+)|[^\sA-Za-z0-9]")


class Cues:
    """Cue phrases of several tables (aspects, small talk, fillers, near misses) found in canonical
    text in one pass: for each table, at each place the longest of its cues that starts there, left
    to right, never overlapping; Latin ones only as whole words. Looked up by their first word
    (Latin) or first two characters, so a question costs a few dictionary look-ups per word or
    character however many cues there are."""

    def __init__(self, tables: dict[str, dict[str, str]]) -> None:
        self._by_head: dict[str, list[tuple[str, str, str]]] = {}  # cue, table, name
        cues = [
            (cue, table, name) for table, names in tables.items() for cue, name in names.items()
        ]
        for cue, table, name in sorted(cues, key=lambda c: len(c[0]), reverse=True):
            self._by_head.setdefault(_head(cue, 0), []).append((cue, table, name))
        self._tables = tuple(tables)

    def _at(self, text: str, start: int) -> Iterator[tuple[str, str, int]]:
        """The cues that occur at `start`, longest first, as (table, name, stop); Latin ones only
        as whole words."""
        head = _head(text, start)
        cues = self._by_head.get(head, [])
        if len(head) == 2 and not _is_word(text[start]):  # cues of one character
            cues = cues + self._by_head.get(text[start], [])
        for cue, table, name in cues:
            stop = start + len(cue)
            if text.startswith(cue, start) and not (
                _is_word(cue[-1]) and stop < len(text) and _is_word(text[stop])
            ):
                yield table, name, stop

    def find(self, text: str) -> dict[str, list[tuple[int, int, str]]]:
        found: dict[str, list[tuple[int, int, str]]] = {table: [] for table in self._tables}
        free = dict.fromkeys(self._tables, 0)  # where each table's next cue may start
        for match in _CUE_START.finditer(text):
            start = match.start()
            for table, name, stop in self._at(text, start):
                if free[table] <= start:
                    found[table].append((start, stop, name))
                    free[table] = stop
        return found

    def every(self, text: str, table: str) -> list[tuple[int, int]]:
        """Every place a cue of `table` occurs, overlapping ones too: "are you robot or real
        person" is covered by "are you robot" and "robot or real person" together."""
        return [
            (match.start(), stop)
            for match in _CUE_START.finditer(text)
            for cue_table, _, stop in self._at(text, match.start())
            if cue_table == table
        ]

    def opening(self, text: str, table: str) -> str | None:
        """The name of the longest cue of `table` that `text` opens with, if any."""
        if not text:
            return None
        return next((name for cue_table, name, _ in self._at(text, 0) if cue_table == table), None)


# "The first ... after X": X's words (up to the end of the clause); "X后(的)首次": X's run.
_FIRST_AFTER_LATIN = re.compile(r"\bfirst\b.*?\bafter\s+(?:the\s+)?([a-z][a-z ]*)")
_FIRST_AFTER_CJK = re.compile(
    r"([\u4e00-\u9fff]{2,})(?:之)?后(?:的)?(?:首次|第一次|第1次|头一次|首个|第一个)"
)


# "The first ... in four years", "四年来首次": the first after a gap, which a record says in the
# same words ("the first in person in four years").
_FIRST_IN_YEARS_LATIN = re.compile(r"\bfirst\b.*?\bin (\d+|[a-z]+) years\b")
_FIRST_IN_YEARS_CJK = re.compile(
    r"([两二三四五六七八九十\d]+)年(?:来|以来|之后|后)?(?:的)?(?:首次|第一次|第1次)"
)
_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)
_CJK_DIGITS = "零一两三四五六七八九十"


def _first_after(text: str) -> tuple[str, ...]:
    """The words of the event a meeting is asked as the first after, if any."""
    latin = _FIRST_AFTER_LATIN.search(text)
    if latin:
        return tuple(w for w in latin.group(1).split() if w not in STOPWORDS)
    cjk = _FIRST_AFTER_CJK.search(text)
    if cjk:
        return (cjk.group(1)[-4:],)
    gap = _FIRST_IN_YEARS_LATIN.search(text)
    if gap:
        years = gap.group(1)
        if years.isdigit() and int(years) < len(_NUMBER_WORDS):
            years = _NUMBER_WORDS[int(years)]
        return (f"in {years} years",) if years in _NUMBER_WORDS else ()
    gap = _FIRST_IN_YEARS_CJK.search(text)
    if gap:
        years = gap.group(1)
        if years.isdigit() and int(years) < len(_CJK_DIGITS):
            years = _CJK_DIGITS[int(years)]
        return (f"{years}年",)
    return ()


#: What a question naming a place an office covers may ask of that office ("which office covers
#: Yunnan?", "雲南歸邊個辦事處管？"); any other aspect asks of something else held there.
_ASKED_OF_A_PLACE = frozenset({"office", "areas", "where"})


def _without_compared(names: list[Name], text: str) -> list[Name]:
    """The names a question compares with, when it names what it asks of first: "what's special
    about the Hubei mechanism compared with the other platforms?" asks of Hubei."""
    compared = _COMPARED.search(text)
    if compared is None or not any(n.end <= compared.start() for n in names):
        return names
    return [n for n in names if n.start < compared.start()]


def _without_places(
    subjects: tuple[str, ...], names: list[Name], cued: set[str], elsewhere: bool = False
) -> tuple[str, ...]:
    """The subjects without those named only by a place they cover, where the question names
    another subject ("the 2024 Pan-PRD conference in Yunnan") or asks what no office answers
    ("when will HK set up a conference with Hunan?"). Kept where it speaks of another kind of
    thing (`elsewhere`): "the population of Guizhou" asks of the place, which only the offices'
    answers name."""
    by_place = {s for s in subjects if _named_only(s, names, lambda n: n.place)}
    if not by_place:
        return subjects
    others = [s for s in subjects if s not in by_place]
    if others or (cued and not cued & _ASKED_OF_A_PLACE and not elsewhere):
        return tuple(others)
    return subjects


#: Words around a place saying something was signed or held there: "在深圳签的", "held in
#: Guangzhou".
_AT_A_PLACE = re.compile(r"(?:\b(?:signed|held|hosted|took place|met) (?:in|at) )$|(?:在|喺|于)$")
_DONE_THERE = re.compile(r"(?:的|嘅)?(?:签|开|举行|举办|召开)")


def _without_events(subjects: tuple[str, ...], names: list[Name], text: str) -> tuple[str, ...]:
    """The subjects without those named only in the event a meeting is asked as the first after,
    where another is named or a meeting is asked of: "the first plenary after the GBA outline
    came out" asks of the plenary's platform (the one named, or the conversation's), not of the
    Bay Area."""
    event = _FIRST_AFTER_LATIN.search(text)
    if event is None:
        return subjects
    inside = {s for s in subjects if all(n.start >= event.start(1) for n in names if n.topic == s)}
    if len(inside) == len(subjects) and not _MEETING_NOUN.search(text, 0, event.start(1)):
        return subjects  # "the first time since the GBA outline came out that…": of the Bay Area
    return tuple(s for s in subjects if s not in inside)


def _without_venues(subjects: tuple[str, ...], names: list[Name], text: str) -> tuple[str, ...]:
    """The subjects without those named only as where something happened, after the first
    subject: "粤港合作框架协议是不是在深圳签的" asks of the Guangdong agreement, signed in Shenzhen;
    nor the offices for a place they cover named as a venue: "2024年嗰次喺雲南開咗未？" asks of
    the meeting spoken of, not of the office for Yunnan."""

    def venue(name: Name) -> bool:
        return bool(
            _AT_A_PLACE.search(text, 0, name.start)
            and (text[name.start].isascii() or _DONE_THERE.match(text, name.end))
        )

    venues = {
        s
        for i, s in enumerate(subjects)
        if _named_only(s, names, lambda n, i=i: venue(n) and (i > 0 or n.place))
    }
    return tuple(s for s in subjects if s not in venues)


def _named_only(subject: str, names: list[Name], test: Callable[[Name], object]) -> bool:
    """Whether every place the question names a subject passes the test (and it names it)."""
    ours = [n for n in names if n.topic == subject]
    return bool(ours) and all(test(n) for n in ours)


def _without_likened(subjects: tuple[str, ...], names: list[Name], text: str) -> tuple[str, ...]:
    """The subjects without those named only as what another is likened to: "is there a
    HK/Macao meeting like the Guangdong one?" asks of Macao."""
    if len(subjects) < 2:
        return subjects
    likened = {
        s for s in subjects if _named_only(s, names, lambda n: _LIKE.search(text, 0, n.start))
    }
    return tuple(s for s in subjects if s not in likened) or subjects


def split_clauses(text: str) -> list[str]:
    """A message's clauses, each with what ends it: joined again, they are the message."""
    clauses, start = [], 0
    for end in _CLAUSE_END.finditer(text):
        if end.start() > start:
            clauses.append(text[start : end.end()])
            start = end.end()
    return [*clauses, text[start:]] if start < len(text) else clauses


def _head(text: str, start: int) -> str:
    """What cues are filed under: the Latin word starting there, else the next two characters."""
    if _is_word(text[start]):
        stop = start
        while stop < len(text) and _is_word(text[stop]):
            stop += 1
        return text[start:stop]
    return text[start : start + 2]


def _is_word(ch: str) -> bool:
    """A character of a Latin word: cues made of them match only as whole words."""
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Reading:
    """What a question asks, as far as its words tell."""

    text: str  # the canonical text
    subjects: tuple[str, ...] = ()  # topics named, in the order they are named
    aspect: str | None = None  # the deciding aspect (ASPECT_ORDER)
    aspects: tuple[str, ...] = ()  # every aspect cued, deciding one first
    number: int | None = None  # a meeting's ordinal: "4th", "第四次", "the fourth meeting"
    word_number: int | None = None  # an ordinal word with no meeting beside it: "the third?"
    year: int | None = None
    smalltalk: str | None = None  # the kind, when the message is small talk and nothing else
    follow_up: bool = False  # "and Beijing?", "那上海呢？": leans on the conversation before
    who_only: bool = False  # who leads is asked by a bare "who" alone, not "who chairs"
    leading: bool = False  # a word of leading ("chairs", "head", "主任") asks who leads
    refers_back: bool = False  # "that city", "there", "嗰度": the place just spoken of
    pronoun: bool = False  # "it", "佢", "它": the thing just spoken of
    which_one: bool = False  # "which one": one of the things just spoken of
    # Subjects named only by words that also ask an aspect ("合作領域" names the areas of
    # co-operation and asks for areas): in a conversation, the aspect of the subject before.
    aspect_named: tuple[str, ...] = ()
    that_occasion: bool = False  # "嗰次", "at that meeting": the occasion just spoken of
    # The event a meeting is the first after ("the first plenary after travel resumed",
    # "全面通关后首次"): its words, which that meeting's record says.
    after: tuple[str, ...] = ()
    rest: tuple[str, ...] = field(default_factory=tuple)  # content terms not explained above
    core: str = ""  # the text without small talk and wrapping ("quick question", "我想問下")
    off_topic: tuple[str, ...] = ()  # words of other subjects: "weather", "好食" (meta.yaml)
    no_such_platform: bool = False  # "the HK/Tianjin conference": a platform our sources lack
    now: bool = False  # "now", "而家": the present is asked of (CURRENT)

    @property
    def subject(self) -> str | None:
        return self.subjects[0] if self.subjects else None


class Understanding:
    """Cue words indexed once per knowledge base, like the matcher's index beside it."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self.kb = kb
        self.matcher = matcher
        checked = kb.last_checked()
        # "this year" is the year the sources were last checked: what the answers are as of
        self.this_year = checked.year if checked else None
        meta = kb.meta
        self._cues = Cues(
            {
                "aspects": self._misheard_too(self._cue_names(meta.aspects)),
                "smalltalk": self._cue_names(meta.smalltalk),
                "fillers": self._cue_names(meta.fillers),
                "off_topic": self._cue_names(meta.off_topic),
            }
        )
        self._cities = [
            (re.compile(rf"\b{re.escape(city)}\b" if city.isascii() else re.escape(city)), t.id)
            for t in kb.topics.values()
            for city in filter(None, (matcher.canonical(c) for c in t.cities))
        ]
        # The Latin words small talk is made of, long enough to be told apart when misspelt.
        self._talk_words = sorted(
            {
                word
                for cue in self._cue_names(meta.smalltalk)
                for word in cue.split()
                if word.isascii() and word.isalpha() and len(word) >= _RESPELT_LENGTH
            }
        )

    def _cue_names(self, table: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, str]:
        """Every cue of a table in canonical text, with the name it stands for; one mixing
        Chinese and Latin also with a space where they meet, as people type it ("你是 ai")."""
        names: dict[str, str] = {}
        for name, by_lang in table.items():
            for phrases in by_lang.values():
                for phrase in phrases:
                    canonical = self.matcher.canonical(phrase)
                    if canonical:
                        names.setdefault(canonical, name)
                        names.setdefault(_SCRIPTS_MEET.sub(" ", canonical), name)
        return names

    def _misheard_too(self, names: dict[str, str]) -> dict[str, str]:
        """Chinese cues also with one character swapped for one that sounds the same, as typed by
        sound ("主池" for 主持, "成力" for 成立); not where the swap makes a word the knowledge
        base itself uses ("几十" is no "几时")."""
        variants: dict[str, str] = {}
        for cue, name in names.items():
            if cue.isascii() or len(cue) < 2:
                continue
            for index, character in enumerate(cue):
                for other in sounding_alike(character, cantonese=False):
                    variant = cue[:index] + other + cue[index + 1 :]
                    if variant not in names and not self.matcher.knows(variant):
                        variants.setdefault(variant, name)
        return names | variants

    def read(self, question: str) -> Reading:
        if _A_COMMAND.fullmatch(question):
            return Reading(text=question.strip().lower(), smalltalk="help")
        reading = self._read(question)
        if reading.smalltalk or reading.aspects or len(reading.text.split()) > _RESPELT_WORDS:
            return reading
        if not all(self.kb.topics[s].kind == "about" for s in reading.subjects):
            return reading
        respelt = self._respelt(reading.text)
        if respelt == reading.text:
            return reading
        again = self._read(respelt)
        return again if again.smalltalk else reading

    @staticmethod
    def only_states(clause: str, reading: Reading) -> bool:
        """Whether a clause after a question, read as `reading`, only states something
        ("thinking about expanding into the GBA"): no question mark, no question word, request or
        wish, no aspect, number or year, and no "and …" that asks the same of another thing."""
        if "?" in clause or "？" in clause:
            return False
        text = reading.text
        return not (
            reading.follow_up
            or reading.aspects
            or reading.number is not None
            or reading.year is not None
            or _ASKS_OR_REQUESTS.search(text)
            or _A_REQUEST.match(text)
            or _HEARSAY.match(text)
            or _A_CLAIM.match(text)
        )

    def _respelt(self, text: str) -> str:
        """A short message's Latin words the knowledge base does not know, each as the word of
        small talk one edit away ("thnak you", "helo", "helloo"), the likest where two are."""
        words = text.split()
        for index, word in enumerate(words):
            if (
                len(word) < _RESPELT_LENGTH
                or not word.isascii()
                or word in self._talk_words
                or word in STOPWORDS
                or self._used_as_typed(word)
            ):
                continue
            near = [w for w in self._talk_words if OSA.distance(word, w, score_cutoff=1) <= 1]
            best = process.extractOne(word, near, scorer=fuzz.ratio)
            if best:
                words[index] = best[0]
        return " ".join(words)

    def _used_as_typed(self, word: str) -> bool:
        """Whether the answers use a word as typed, or a form of it ("goods" is no misspelt
        "good"); a word they would only read as a misspelling ("hellow") may be small talk's."""
        if not self.matcher.knows(word):
            return False
        read_as = self.matcher.corrected(word)
        return any(word == read_as + ending for ending in ("", "s", "es", "d", "ed", "ing"))

    def _read(self, question: str) -> Reading:
        text = self.matcher.heard(self.matcher.canonical(question))
        cues = self._cues.find(text)
        whole, whole_cues = text, cues
        if (
            any(name == _CONTEXT for _, _, name in cues["fillers"])
            or " here" in text
            or ":" in question
        ):
            trimmed = self._without_introductions(question)
            if trimmed != question:
                text = self.matcher.heard(self.matcher.canonical(trimmed))
                cues = self._cues.find(text)
        remark = _QUESTION_THEN_REMARK.search(question)
        if remark and self._only_remarks(remark.group(1)):
            question = question[: remark.start(1)]  # "...? teaching geography next week"
            text = self.matcher.heard(self.matcher.canonical(question))
            cues = self._cues.find(text)
        if (cues["off_topic"] or _personal(text)) and _SENTENCE_THEN_QUESTION.search(question):
            trimmed = self._without_context_sentences(question)
            if trimmed != question:
                text = self.matcher.heard(self.matcher.canonical(trimmed))
                cues = self._cues.find(text)
        # A name inside small talk is no subject: "你識講廣東話嗎" asks what the bot speaks; nor
        # the bot called by its name after a greeting: "hi coopbot! when did … start?"
        names = [
            n
            for n in self.matcher.names(text)
            if not any(a <= n.start and n.end <= b for a, b, _ in cues["smalltalk"])
        ]
        if any(self.kb.topics[n.topic].kind != "about" for n in names):
            names = [n for n in names if not self._greeted(text, n, cues["smalltalk"])]
        # A name after "besides", or in the list it begins, is not what is asked of: "除了广东还有
        # 哪些？" and "which cities apart from HK and Macao?" ask of the others.
        names = [n for n in names if not _EXCEPT.search(text, 0, n.start)]
        names = _without_compared(names, text)
        if all(self.kb.topics[n.topic].kind == "about" for n in names):
            names += self._by_its_city(text)
        # Where names overlap, the longest first: "粵港澳大灣區" is the Greater Bay Area before it is
        # the "粵港" and "港澳" inside it.
        longest_first = sorted(names, key=lambda n: (n.start, n.start - n.end))
        subjects = tuple(dict.fromkeys(n.topic for n in longest_first))
        talk = cues["smalltalk"]
        # "who are you" is small talk, not a question about who leads something; "next door" and
        # "最近看新聞" wrap a question, not asking of the next or latest meeting. A cue that is
        # the whole of such words still asks ("start", "幾多項").
        # "What about Shenzhen?" asks what was asked before, not what Shenzhen is: what follows
        # the opening words is read on its own ("what about the one before the latest?").
        opener = _FOLLOW_UP.match(text)
        after = opener.end() if opener else 0
        aspect_cues = [
            (a + after, b + after, name)
            for a, b, name in (self._cues.find(text[after:]) if after else cues)["aspects"]
            if not any(
                c <= a + after and b + after <= d and d - c > b - a
                for c, d, _ in talk + cues["fillers"]
            )
        ]
        cued = {name for _, _, name in aspect_cues}
        now = CURRENT in cued  # asks of the present, what it asks about is asked besides
        cued.discard(CURRENT)
        who_only = cued == {"who"}
        if "next" in cued and all(
            _A_TIME.match(text, stop) for _, stop, name in aspect_cues if name == "next"
        ):  # "a trip next spring": when the asker goes, not the next meeting
            cued.discard("next")
        if cued - {"next"} and all(
            text[start:stop] == "again" and not _MET.search(text, 0, start)
            for start, stop, name in aspect_cues
            if name == "next"
        ):  # "what's the 9+2 again?", "which provinces are in it again?": remind me
            cued.discard("next")
        if len(cued) > 1 and all(
            _NAMING_A_MEETING.match(text, stop)
            for _, stop, name in aspect_cues
            if name == "frequency"
        ):  # "the big annual summit …, when did it start?": describes the meeting, asks when
            cued.discard("frequency")
        if _HOW_MANY_MEETINGS.search(text):
            cued.add("count")
        if _WHICH_OF_A_COUNT.search(text):
            cued.add("list")  # "係邊9個？": which they are, one by one
        chairs = "leaders" in cued  # "the party secretary who co-chairs it" asks of the platform
        if "who" in cued and "list" in cued and not chairs:
            cued.discard("who")  # "who are the 9+2 members?" asks for the list, not who leads
        if "who" in cued:
            cued = (cued - {"who"}) | {"leaders"}
        aspects = tuple(a for a in ASPECT_ORDER if a in cued) + tuple(
            sorted(cued - set(ASPECT_ORDER))
        )
        if any(
            name == "areas" and _COUNTING.search(text, 0, start) for start, _, name in aspect_cues
        ):
            aspects = ("areas", *(a for a in aspects if a != "areas"))
        subjects = _without_places(subjects, names, cued, bool(cues["off_topic"]))
        subjects = _without_venues(subjects, names, text)
        subjects = _without_likened(subjects, names, text)
        subjects = self._without_the_word_platform(subjects, names, text)
        # "第一次用呢個bot" is a first use, "886" goodbye: no meeting's number.
        number = self.meeting_number(_without(text, [(a, b) for a, b, _ in talk]))
        subjects = _without_events(subjects, names, text)
        after = _first_after(text)
        newly = bool(_SOMEONES_FIRST.search(text) or _NEWLY.search(text) or after)
        if newly:  # "when did John Lee first attend", "for the first time", "the first one after…"
            cued.discard("first")
            aspects = tuple(a for a in aspects if a != "first")
            number = None if number == 1 else number
        word = _ORDINAL.search(text)
        word_number = _ENGLISH_ORDINALS[word.group(2)] if word and word.group(2) else None
        if newly and word_number == 1:
            word_number = None
        spans = [m.span() for m in _SPAN.finditer(text)]  # "the 2015-2025 declaration"
        year = next(
            (
                int(m.group(1))
                for m in _YEAR.finditer(text)
                if not any(a <= m.start() < b for a, b in spans)
            ),
            None,
        )
        if year is None:
            year = self._relative_year(text)
        if number == 1 and "first" not in aspects:
            aspects = ("first", *aspects)
        # A wrapping word inside a name stays: "bot" wraps "bot, what is CEPA?" but is part of
        # "this bot".
        wrapping = [
            (a, b)
            for a, b, _ in talk + cues["fillers"]
            if not any(n.start <= a and b <= n.end for n in names)
        ]
        covered = [(n.start, n.end) for n in names] + [(a, b) for a, b, _ in aspect_cues]
        covered += [m.span() for m in _POINTING_BACK.finditer(text)]  # "那次", "that city"
        if opener:  # "same question for Shanghai" asks nothing of "same"
            covered.append(opener.span())
        rest = self._rest(text, covered + wrapping)
        about_the_bot = all(self.kb.topics[s].kind == "about" for s in subjects)
        # Cues overlapping cover together: "are you robot or real person".
        every_talk = self._cues.every(text, "smalltalk") if talk else []
        talk_rest = self._rest(text, covered + wrapping + every_talk)
        only_talk = bool(talk) and not talk_rest and about_the_bot and not aspects
        if only_talk:  # a character typed twice over ("唔該晒晒") says no more than once
            covered_by_talk = {
                i
                for a, b in wrapping
                + every_talk
                + [m.span() for m in _YES_OR_NO.finditer(text)]
                + [(n.start, n.end) for n in names]  # the bot's own names: "这个机器人怎么用"
                for i in range(a, b)
            }
            only_talk = not any(
                is_cjk(ch) and ch not in _TALK_CHARS and text[i - 1 : i] != ch
                for i, ch in enumerate(text)
                if i not in covered_by_talk
            )
        # A complaint that insults, with more to say, is left to be declined: "you're a stupid
        # bot" is abuse, not feedback to thank for; "wrong answer again smh" is feedback.
        insults = talk and talk[0][2] == "complaint" and _AN_INSULT.search(text)
        if not only_talk and talk and about_the_bot and not aspects and not insults:
            only_talk = (
                number is None
                and year is None
                and not (cues["off_topic"] and "?" in question)
                and not opener
                and _only_a_remark(question, text, every_talk, wrapping)
                and len(self._rest(text, every_talk + wrapping)) <= _REMARK_TERMS
            )
        smalltalk = _telling_kind(talk) if only_talk else None
        core = _without(text, wrapping)
        if not text and question.strip():
            smalltalk = _emoji_talk(question)
        elif smalltalk is None and _ONLY_INTERJECTIONS.fullmatch(text):
            smalltalk = "ack"
        elif smalltalk is None and _ONLY_A_GREETING.fullmatch(text):
            smalltalk = "greeting"
        elif (
            smalltalk is None
            # "last night", "a first year student": a time in the asker's story asks of no meeting
            and (
                not aspects
                or all(
                    name == CURRENT or _A_TIME.match(text, stop) for _, stop, name in aspect_cues
                )
            )
            and number is None
            and self._only_introduces(question, whole, whole_cues)
        ):
            smalltalk = "intro"
        elif (
            smalltalk is None
            and (
                not about_the_bot
                or aspects
                or number is not None
                or year is not None
                or (
                    not subjects
                    and (
                        any(k in _REACTIONS for _, _, k in talk)
                        or _personal(text)
                        or _TELLS.search(text)
                    )
                )
            )  # "2003, feels like forever ago", "十个，比我想的多" after the answer that said it
            and _only_remarks_on(question, text, cues, core)
        ):
            smalltalk = "remark"
        return Reading(
            text=text,
            subjects=subjects,
            aspect=aspects[0] if aspects else None,
            aspects=aspects,
            number=number,
            word_number=word_number,
            year=year,
            smalltalk=smalltalk,
            follow_up=bool(_FOLLOW_UP.search(text)),
            who_only=who_only,
            leading=chairs or bool(_AN_OFFICES_HEAD.search(text)),
            refers_back=bool(_REFERS_BACK.search(text)),
            pronoun=bool(_PRONOUN.search(text)),
            which_one=bool(_WHICH_ONE.search(text)),
            aspect_named=tuple(
                s
                for s in subjects
                if all(
                    any(a < n.end and n.start < b for a, b, _ in aspect_cues)
                    for n in names
                    if n.topic == s
                )
            ),
            that_occasion=bool(_THAT_OCCASION.search(text)),
            no_such_platform=_no_such_platform(text, names),
            now=now,
            after=after,
            rest=rest,
            core=core,
            off_topic=tuple(
                dict.fromkeys(
                    text[a:b]
                    for a, b, kind in cues["off_topic"]
                    if not any(c <= a and b <= d for c, d in wrapping)  # "for a school project"
                    and not any(c <= a and b <= d and d - c > b - a for c, d, _ in aspect_cues)
                    and not (
                        kind == _OFFICE_HOLDERS
                        and (number is not None or chairs or _THAT_OCCASION.search(text))
                    )
                    and not any(n.start <= a and b <= n.end for n in names)  # "panda province"
                    and not self._describes_a_place(text, b, names)  # "熊貓嗰個省"
                )
            ),
        )

    def _without_the_word_platform(
        self, subjects: tuple[str, ...], names: list[Name], text: str
    ) -> tuple[str, ...]:
        """The subjects without the list of platforms where only the word "platform" names it,
        right after a platform it then describes: "the Hubei platform" is Hubei's."""
        ends = {n.end for n in names if self.kb.topics[n.topic].kind == "platform"}
        return tuple(
            s
            for s in subjects
            if not _named_only(
                s, names, lambda n: text[n.start : n.end] == "platform" and n.start - 1 in ends
            )
        )

    def _place_names(self, text: str) -> list[Name]:
        """Where a sentence of the asker's story names a topic, a city of its province too ("my
        grandparents came from Fuzhou."): what "that province" after it points back at."""
        return sorted(self.matcher.names(text) + self._city_names(text))

    def _city_names(self, text: str) -> list[Name]:
        """Every place the text names a city a topic lists, whatever is said around it."""
        return [
            Name(match.start(), match.end(), topic)
            for city, topic in self._cities
            for match in city.finditer(text)
        ]

    def _by_its_city(self, text: str) -> list[Name]:
        """The platform named by a city of its province, where nothing else is named and only
        one province's cities are: people name a province by where they or their family are
        from ("my grandpa is from Wuhan … his province")."""
        province = bool(_A_PROVINCE.search(text))
        if not (province or _A_PLATFORM.search(text)) or _AN_OFFICE.search(text):
            return []
        found = [
            name
            for name in self._city_names(text)
            if province or not _A_VENUE_BEFORE.search(text, 0, name.start)
        ]
        return found if len({n.topic for n in found}) == 1 else []

    def _greeted(self, text: str, name: Name, talk: list[tuple[int, int, str]]) -> bool:
        """Whether a name of the bot itself follows a greeting right before it ("hey coopbot, …"):
        the bot is spoken to, and the question after it is asked of the other subject named."""
        return self.kb.topics[name.topic].kind == "about" and any(
            kind == "greeting" and not text[b : name.start].strip() for _, b, kind in talk
        )

    @staticmethod
    def _describes_a_place(text: str, end: int, names: list[Name]) -> bool:
        """Whether a near-miss word ending at `end` says what the place named right after it is
        known for ("熊貓嗰個省", "火鍋之都嗰個渝港合作會議"), not what is asked of it ("CEPA同東盟嗰個
        自貿協定" asks of ASEAN's agreement)."""
        match = _DESCRIBING.match(text, end)
        if match is None:
            return False
        after = match.end()
        return text[after : after + 1] in ("省", "市", "城") or any(
            after <= n.start <= after + 2 for n in names
        )

    def aspects_in(self, text: str) -> set[str]:
        """The aspects canonical text has cue words of: what an answer speaks of."""
        return {name for _, _, name in self._cues.find(text)["aspects"]}

    def _without_introductions(self, question: str) -> str:
        """The question without the clauses that introduce the asker before it ("我是在港讀書的內地生，
        …", "For a research paper on HK's ties with western China: …"): a clause that opens with a
        context word says who asks, not what, so "讀書" or "western China" there neither make a
        near miss nor pull the answer elsewhere ("我是湖北人，想問深港合作會議…" asks of Shenzhen).
        The one clause right after one, naming nothing and asking nothing, goes on introducing
        ("我老家福建的 現在喺香港讀書 想問…"). Never the last clause, nor one naming the only subject
        ("我是湖北學生，你哋嘅合作會議…")."""
        clauses = split_clauses(question)
        texts = [self.matcher.canonical(clause) for clause in clauses]
        named = [bool(self._place_names(text)) for text in texts]
        dropped: set[int] = set()
        opened = False  # the clause before opened an introduction, and was dropped
        for index, text in enumerate(texts[:-1]):
            if (
                self._cues.opening(self._after_greeting(text), "fillers") == _CONTEXT
                or _HERE.match(text)
                or _PREAMBLE.match(clauses[index])
            ):
                opened = not named[index] or any(named[index + 1 :])
                if opened and not self._asks_nothing(clauses[index], text):
                    opened = False  # "…，老师让我们查哪些省市建立了合作机制。", "my boss asked me which…": asks
                if named[index] and any(_REFERS_BACK.search(t) for t in texts[index + 1 :]):
                    opened = False  # "我在云南，这边归哪个办事处管？": the place asked of
                if opened:
                    dropped.add(index)
                continue
            if opened and not named[index] and self._asks_nothing(clauses[index], text):
                dropped.add(index)
            opened = False
        return "".join(c for index, c in enumerate(clauses) if index not in dropped)

    def _only_introduces(
        self, question: str, text: str, cues: dict[str, list[tuple[int, int, str]]]
    ) -> bool:
        """Whether a message only says who is asking or why ("im a geography teacher, got a
        class on regional cooperation next week", "我係中四學生 做緊公民科功課"): it opens by
        introducing the asker, and asks and requests nothing, nor wishes for anything of another
        matter (the caller has found no aspect and no number). A place in it is where the asker
        is from ("我是四川人 在香港读书"), and another matter what they do ("我係喺中環返工嘅文員"),
        not what is asked."""
        if "?" in question or "？" in question:
            return False
        if cues["off_topic"] and _A_WISH.search(text):
            return False
        # "…房价肯定涨，你觉得呢" asks the bot's view ("i guess", a filler, gives the asker's)
        if any(
            kind == _OPINION and not any(c <= a and b <= d for c, d, _ in cues["fillers"])
            for a, b, kind in cues["off_topic"]
        ):
            return False
        first = self.matcher.canonical(split_clauses(question)[0])
        opening = self._after_greeting(text)
        introduces = (
            self._cues.opening(opening, "fillers") == _CONTEXT and not _HEARSAY.match(opening)
        ) or bool(_HERE.match(first))
        asks = (
            _ASKS_OR_REQUESTS.search(text)
            or _REPORTED_QUESTION.search(text)
            or _SEEKS_CONFIRMATION.search(text)
        )
        return introduces and not asks

    def _after_greeting(self, text: str) -> str:
        """Canonical text without the greeting it opens with: "hello i run a small shop in…"."""
        greeting = next(
            (stop for start, stop, _ in self._cues.find(text)["smalltalk"] if start == 0),
            None,
        )
        return text[greeting:].lstrip() if greeting else text

    def _without_context_sentences(self, question: str) -> str:
        """The question without the sentences before it that only say why it is asked and speak
        of something else ("阿仔喺成都讀大學，我想了解下香港同四川嘅合作。川港合作會議第二次會議
        係幾時開？"): a whole sentence, ended by a full stop, asking nothing, with a word of
        another subject, before a later sentence that names a subject and asks."""
        sentences = [s for s in _SENTENCE.findall(question) if s.strip()]
        texts = [self.matcher.heard(self.matcher.canonical(s)) for s in sentences]
        names = [self._place_names(t) for t in texts]
        named = [{n.topic for n in found} for found in names]
        silent = [self._asks_nothing(s, t) for s, t in zip(sentences, texts, strict=True)]
        kept = []
        for index, sentence in enumerate(sentences):
            later = [i for i in range(index + 1, len(sentences)) if not silent[i]]
            asked = set().union(*(named[i] for i in later))
            pointing = next((i for i in later if _REFERS_BACK.search(texts[i])), None)
            if not (
                sentence.rstrip().endswith((".", "。"))
                and silent[index]
                and (self._cues.find(texts[index])["off_topic"] or _personal(texts[index]))
            ):
                kept.append(sentence)
            elif asked and named[index] <= asked:
                continue  # it names nothing the question does not name again
            elif len(names[index]) == 1 and pointing is not None:
                # "My late husband's family came from Fujian. Does HK have … with that
                # province?": the question, with the place it points back at named
                name = names[index][0]
                place = texts[index][name.start : name.end]
                sentences[pointing] = _REFERS_BACK.sub(place, texts[pointing], count=1)
            else:
                kept.append(sentence)
        return "".join(kept)

    def _only_remarks(self, remark: str) -> bool:
        """Whether what follows a question only remarks on it (why it is asked): it asks
        nothing (no aspect, "next week" being a time), has no word of another subject and no
        small talk, and names nothing ("the shenzhen mayor i mean" says what is asked)."""
        text = self.matcher.heard(self.matcher.canonical(remark))
        cues = self._cues.find(text)
        asks = any(
            not (name == "next" and _A_TIME.match(text, stop)) for _, stop, name in cues["aspects"]
        )
        if asks or cues["off_topic"] or cues["smalltalk"]:
            return False  # it asks, says what else is asked ("give me your prediction"), or chats
        return not self.matcher.names(text)

    def _asks_nothing(self, clause: str, text: str) -> bool:
        """Whether a clause asks nothing (no question mark, no question reported, no aspect):
        after an introduction, or opening one, it goes on introducing the asker."""
        if clause.rstrip().endswith(("?", "？")) or _REPORTED_QUESTION.search(text):
            return False
        return all(name == CURRENT for _, _, name in self._cues.find(text)["aspects"])

    @staticmethod
    def ordinals(text: str) -> set[int]:
        """Every numbered thing a canonical text speaks of ("the 10th Forum", "第十屆論壇"): which
        answers mention a meeting that has no record of its own."""
        found = {int(m.group(1)) for m in _ORDINAL.finditer(text) if m.group(1)}
        found |= {n for m in _CHINESE_ORDINAL.finditer(text) if (n := chinese_number(m.group(1)))}
        return found

    def _relative_year(self, text: str) -> int | None:
        """The year "next year", "去年" and the like speak of, counted from the sources' year."""
        match = _RELATIVE_YEAR.search(text)
        if match is None or self.this_year is None:
            return None
        said = next(k for k, v in match.groupdict().items() if v)
        return self.this_year + _YEARS_AWAY[said.removesuffix("_zh")]

    @staticmethod
    def years(text: str) -> set[int]:
        """Every year a canonical text speaks of, but the end of a span ("the 2015–2025
        declaration" tells of 2015, not of a meeting in 2025)."""
        return {
            int(m.group(1))
            for m in _YEAR.finditer(text)
            if not _SPAN_END.search(text, 0, m.start())
        }

    @staticmethod
    def meeting_number(text: str) -> int | None:
        """A meeting's number: "4th", "第四次" and "plenary number 4" always; "fourth" only beside
        a word for a meeting ("the first one John Lee's government set up" is not the 1st meeting)."""
        match = _ORDINAL.search(text)
        if match and match.group(1):
            return int(match.group(1))
        if match and _MEETING_NOUN.search(text):
            return _ENGLISH_ORDINALS[match.group(2)]
        numbered = _NUMBERED.search(text)
        if numbered:
            return int(numbered.group(1) or numbered.group(2))
        match = _CHINESE_ORDINAL.search(text)
        return chinese_number(match.group(1)) if match else None

    @staticmethod
    def _rest(text: str, covered: list[tuple[int, int]]) -> tuple[str, ...]:
        """Content outside the names and cues: Latin words that are neither stopwords, question
        words nor numbers, and runs of two or more Chinese characters between particles."""
        remaining = _without(text, covered)
        remaining = _ORDINAL.sub(" ", remaining)
        remaining = _CHINESE_ORDINAL.sub(" ", remaining)
        remaining = _DATE_UNIT.sub(" ", remaining)
        remaining = _YEAR.sub(" ", remaining)
        remaining = _MONTH.sub(" ", remaining)
        terms = []
        for word in _PIECE.findall(remaining):
            if is_cjk(word[0]):
                pieces = _PARTICLE_SPLIT.split(_CJK_ASKING.sub(" ", word))
                terms += [run for piece in pieces for run in piece.split() if len(run) >= 2]
            elif word not in STOPWORDS and word not in QUESTION_WORDS and not word.isdigit():
                terms.append(stem(word))
        return tuple(dict.fromkeys(terms))


def names_a_month(text: str) -> bool:
    """Whether canonical text names a month ("in August 2025", "8月"): a dated event."""
    return bool(_MONTH.search(text))


def _no_such_platform(text: str, names: list[Name]) -> bool:
    """Whether the question pairs Hong Kong with a Mainland place in a platform's name that no
    topic's alias names: there is no such platform to answer about."""
    for match in _NO_SUCH_PLATFORM.finditer(text):
        group = next(g for g in "abcdefghi" if match.group(g))
        start = match.start(group)
        if not any(n.start <= start < n.end for n in names if not n.place):
            return True
    return False
