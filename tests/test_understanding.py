"""Reading a question: its subject, the aspect asked, which meeting, and whether it is small talk."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.text import chinese_number
from bot.understanding import Reading, Understanding, names_a_month


def read(engine: Engine, question: str) -> Reading:
    return engine.understanding.read(question)


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("when did the hubei conference start", "hubei"),
        ("who co-chairs the yue-gang joint conference", "guangdong"),  # 粵港 in pinyin
        ("滬港合作會議是甚麼？", "shanghai"),
        ("沪港合作会议是什么", "shanghai"),
        ("what is the guangdon joint conferance", "guangdong"),  # typos
        ("when did the hubie conference start", "hubei"),  # two letters swapped
        ("fujain hk meeting", "fujian"),
        ("which office covers yunnan", "offices"),
    ],
)
def test_the_subject_is_found_by_its_name_in_any_script(
    shipped: Engine, question: str, subject: str
) -> None:
    assert read(shipped, question).subject == subject


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("who co-chairs the hk shanghai conference", "leaders"),
        ("粵港合作聯席會議幾時成立", "setup"),
        ("when was the latest beijing meeting", "latest"),
        ("闽港合作会议下次什么时候开", "next"),
        ("how many hk/beijing plenaries have been held so far", "count"),
        ("how often does the macao high level meeting meet", "frequency"),
        ("what was signed at the guangdong joint conference", "agreed"),
        ("請問深港合作會議邊個主池", "leaders"),  # typed by sound: 池 for 持
        ("川港合作会议是哪年成力的", "setup"),  # 力 for 立
    ],
)
def test_the_aspect_is_read_from_its_cue_words(shipped: Engine, question: str, aspect: str) -> None:
    assert read(shipped, question).aspect == aspect


@pytest.mark.parametrize(
    "question", ["who leads the gba leading group now", "大灣區發展辦公室而家個專員係邊個"]
)
def test_the_present_asked_of_is_read_but_is_no_aspect(shipped: Engine, question: str) -> None:
    reading = read(shipped, question)
    assert reading.now
    assert "current" not in reading.aspects


def test_a_clause_saying_what_the_asker_does_now_still_only_introduces_them(
    shipped: Engine,
) -> None:
    reading = read(shipped, "我老家福建的 现在在香港读书 想问闽港合作会议哪年成立")
    assert (reading.subject, reading.off_topic) == ("fujian", ())


def test_what_something_is_again_asks_no_next_meeting(shipped: Engine) -> None:
    assert "next" not in read(shipped, "whats the pan prd 9+2 again?").aspects
    assert "next" in read(shipped, "will the hubei conference meet again").aspects


def test_the_meeting_aspect_decides_over_what_is_asked_about_it(shipped: Engine) -> None:
    assert read(shipped, "who chaired the latest hk beijing plenary").aspects[:2] == (
        "latest",
        "leaders",
    )


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("who chaired the 4th fujian plenary", 4),
        ("the fourth hk fujian meeting", 4),
        ("閩港合作會議第四次會議", 4),
        ("閩港合作會議第4次會議", 4),
        ("粵港合作聯席會議第二十四次會議", 24),
        ("how many areas came out of fujian plenary number 4?", 4),
        ("fujian meeting #4 - what was signed", 4),
    ],
)
def test_a_meetings_number_is_read_in_any_form(shipped: Engine, question: str, number: int) -> None:
    assert read(shipped, question).number == number


def test_an_ordinal_word_without_a_meeting_is_no_meetings_number(shipped: Engine) -> None:
    reading = read(shipped, "is chongqing's the first mechanism john lee's government set up")
    assert reading.number is None and reading.word_number == 1


@pytest.mark.parametrize(
    "question",
    [
        "what does the 14th fyp say about hong kong",
        "is the talent hub in the 15th plan for hk alone?",
    ],
)
def test_a_five_year_plans_number_is_no_meetings_number(shipped: Engine, question: str) -> None:
    assert read(shipped, question).number is None


def test_a_count_after_a_meeting_is_no_meetings_number(shipped: Engine) -> None:
    assert read(shipped, "chongqing hk conf: 11 fields, but how many items?").number is None


def test_a_plan_by_its_number_alone_is_that_five_year_plan(shipped: Engine) -> None:
    assert read(shipped, "what's hk supposed to be in the 14th plan").subjects == ("fyp14",)


def test_the_first_meeting_after_an_event_is_no_meetings_number(shipped: Engine) -> None:
    reading = read(shipped, "the first hk/gd plenary after travel resumed")
    assert reading.number is None and reading.after == ("travel", "resumed")


def test_something_done_for_the_first_time_asks_no_first_meeting(shipped: Engine) -> None:
    reading = read(shipped, "which centres did the 14th fyp back hk to develop for the first time?")
    assert "first" not in reading.aspects and reading.number is None


def test_the_first_time_someone_did_something_is_no_meetings_number(shipped: Engine) -> None:
    assert read(shipped, "李家超第一次出席泛珠行政首長聯席會議係幾時？").number is None


@pytest.mark.parametrize(
    "question",
    ["when did john lee first attend the pprd joint conference", "李家超第一次出席泛珠會議係幾時"],
)
def test_the_first_time_someone_attended_asks_no_first_meeting(
    shipped: Engine, question: str
) -> None:
    reading = read(shipped, question)
    assert "first" not in reading.aspects and reading.number is None


def test_a_subject_named_only_in_the_event_a_meeting_came_after_is_not_asked_of(
    shipped: Engine,
) -> None:
    reading = read(
        shipped, "which guangdong joint conference plenary was the first one after the GBA outline"
    )
    assert reading.subjects == ("guangdong",)


def test_a_year_is_read(shipped: Engine) -> None:
    assert read(shipped, "what did hk and guangdong sign in 2023").year == 2023


@pytest.mark.parametrize(
    ("question", "away"),
    [
        ("will the hubei conference meet next year?", 1),
        ("明年泛珠論壇喺邊度搞", 1),
        ("湖北去年GDP", -1),
    ],
)
def test_a_year_told_from_the_present_counts_from_the_year_the_sources_were_checked(
    shipped: Engine, question: str, away: int
) -> None:
    checked = shipped.kb.last_checked()
    assert checked is not None
    assert read(shipped, question).year == checked.year + away


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "greeting"),
        ("Good morning!!", "greeting"),
        ("早晨", "greeting"),
        ("你好呀", "greeting"),
        ("thanks bot", "thanks"),
        ("唔該晒", "thanks"),
        ("谢谢", "thanks"),
        ("who are you?", "identity"),
        ("再見", "bye"),
        ("you are robot or human?", "identity"),  # "human" is no misspelt Hunan
        ("謝謝你喔", "thanks"),  # a Taiwanese particle closing it
        ("gd evening!", "greeting"),  # "gd" here is good, not Guangdong
        ("栓Q了家人们", "thanks"),
        ("好家伙", "ack"),
        ("hii coop bot!! 😊", "greeting"),  # the bot's own name beside a greeting
        ("哈囉小幫手", "greeting"),
        ("早晨呀機械人", "greeting"),
        ("然后呢…", "ack"),  # trailing off, asking of nothing
        ("那个…", "ack"),  # hesitating
        ("额…", "ack"),
        ("即係…", "ack"),
        ("你講嘢好長氣呀", "remark"),  # "講嘢" is talking, no request to tell
        ("🌞早", "greeting"),  # "早" alone greets
        ("亲", "greeting"),
        ("回答得有点啰嗦", "complaint"),
        ("同喜同喜", "ack"),
        ("咁即係……嗯", "ack"),  # hesitating among interjections
        ("2021年之后就没有新的记录了，好吧", "remark"),  # "好吧" is "ok then", no "…right?"
        ("my phone is dying, will read the rest later", "wait"),
        ("唔錯喎，以一部機械人嚟講", "praise"),  # a nod opens it, what follows says the kind
        ("你好笨啊", "complaint"),  # as a greeting does
        ("ill come back to this later when ive got more time", "wait"),
    ],
)
def test_small_talk_is_recognised_in_three_languages(
    shipped: Engine, message: str, kind: str
) -> None:
    assert read(shipped, message).smalltalk == kind


def test_a_question_wrapped_in_small_talk_is_no_small_talk(shipped: Engine) -> None:
    reading = read(shipped, "Hi there! Quick question - who co-chairs the HK/Shanghai conference?")
    assert reading.smalltalk is None
    assert "quick question" not in reading.core and "hi" not in reading.core.split()


def test_small_talk_with_more_to_say_is_no_small_talk(shipped: Engine) -> None:
    assert read(shipped, "謝謝，幫我訂張機票").smalltalk is None


@pytest.mark.parametrize("message", ["最早", "亲自签的"])
def test_a_greeting_word_inside_a_message_greets_no_one(shipped: Engine, message: str) -> None:
    assert read(shipped, message).smalltalk is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi there, hope you're having a good day", "greeting"),
        ("haha my editor will be happy", "ack"),
        ("谢谢 很详细 我上课用得上", "thanks"),
        ("very clear, cheers", "thanks"),
        ("yo hi im kelvin doing a group project for school", "greeting"),
        ("唔該晒你咁有耐性 我年紀大 打字慢", "thanks"),  # a softening word sets the remark apart
        ("ok great thats all for now ill come back tomorrow when i have more time", "bye"),
        ("整呢個bot嘅人真係好有心機", "praise"),  # a closing word of three characters or more
        ("做这个机器人的人挺用心的", "praise"),  # and a particle after it
        ("退休了没啥事干 随便来看看", "help"),  # "没啥" is nothing much, not "what"
        ("2015年，比我想像中晚一些", "remark"),  # "想像" is imagining, likening nothing
        ("那个…算了没事", "ack"),  # "那个" trailing off, no follow-up
        ("你係咪機械人嚟架", "identity"),  # opening words of three characters or more
    ],
)
def test_small_talk_with_a_remark_beside_it_is_small_talk(
    shipped: Engine, message: str, kind: str
) -> None:
    assert read(shipped, message).smalltalk == kind


@pytest.mark.parametrize(
    "message",
    [
        "im a geography teacher, got a class on regional cooperation next week",
        "journalist here, working on a piece about cross-border stuff",
        "我係中四學生 做緊公民科功課",
        "我是深圳的 做外贸的",
        "我係喺中環返工嘅文員 放緊lunch",  # what they do is no other matter asked
        "我喺深圳返工 成日兩邊走",  # "兩邊" is both sides, not "which side"
        "我個孫幫我裝咗呢個",  # help given, not asked for
        "im from manchester, moved to hk last year for work",  # a time in the story, no meeting
    ],
)
def test_a_message_that_only_introduces_the_asker_is_small_talk(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk == "intro"


@pytest.mark.parametrize(
    "message",
    [
        "im a student, when did cepa start",
        "我係學生 想問CEPA係咩",
        "i am a student looking for a job in shenzhen",
        "我在前海上班，香港那边的个税差额补贴咋申请",
        "我記得澳門新特首同李家超見過面",
        "my wife's from chongqing and we're going in march, any hotpot places you'd recommend",
        "im a student, the latest guangdong plenary",  # asks of the latest meeting
    ],
)
def test_an_introduction_that_asks_wishes_or_reports_is_no_introduction(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk != "intro"


@pytest.mark.parametrize(
    "message",
    [
        "my uncle worked at the wuhan office for years",  # the asker's story
        "the shanghai one goes back to 2003, wow",  # a reaction
        "原來粵港合作聯席會議咁耐歷史",  # surprise
        "閩港合作都算同我有啲關係 哈哈",
        "十四五规划我们老师讲过好几遍",
        "2004年，那年我刚好大学毕业",  # after an answer: a year, and the asker's story
        "我早幾年喺北京辦做過嘢",  # "早幾年" is a few years ago, not "which year"
        "唔該晒，川港合作我而家清楚好多",  # 唔該 opening thanks; closing, it would ask
        "驻内地办事处只有五个，比我想象中少",  # "我想象" is what the asker imagined, no wish
        "eight centres in all, ok got it",  # after an answer: small talk beside what it said
        "前海呢個名我阿媽成日講",  # "成日講" is what she always talks of, no request
        "十個範疇，都唔少喎",  # a count after an answer, and "喎" reacting to it
        "難怪個名咁正式",  # surprise alone, after an answer: a remark on it
        "funny how the hubei one is so new",  # marvelling, not asking how
        "so even sichuan has its own conference, neat",  # "so" opening a statement
        "十五五规划纲要我们单位也组织学习了",  # "纲要" is no wish ("要")
        "深圳我以前日日都要去",  # "都要" is what the asker had to do, no wish
        "my dad's old company did a ton of business in wuhan in the 90s",  # no subject: a story
        "北部都會區就喺我屋企附近，期待下",
        "CMAB. constitutional and mainland affairs bureau. what a mouthful",  # no "what" asked
        "fujian is where my grandparents are from, never been tho",  # nor "where"
        "北京的冬天太冷了，我还是喜欢香港",  # "我还是" is "I still", no "or"
        "廿幾年咁耐，真係估唔到香港同廣東合作咗咁耐",  # "廿幾" is twenty-odd, not "how many"
        "泛珠论坛，我们大学老师还写过论文",  # what was written, no request to write
        "1998年，那时候我还在上小学呢",  # "还在…呢" tells what still was, asks "and …?" of nothing
        "汶川地震那年香港援建了好多学校，我们那边都记得",  # what they remember, nothing to confirm
        "the 15th fyp is all over the news lately",  # what is everywhere, said of a subject
        "Sichuan after the earthquake... I remember HK donating a lot back then",  # a memory
        "大湾区这个词现在天天都能听到",
        "我外婆是福建人，小時候常聽她講閩南話",  # what she spoke, no request to speak
        "泛珠论坛的论文我还没写完",  # what is still unwritten, no request to write
        "was in chengdu for the pandas last year, amazing trip",  # "I" left out: no "was …?"
        "sichuan food is the best food, no debate",  # "is the best" says, "best hotpot" asks
        "been to chengdu twice for work, love the place",
        "重慶我未去過，聽講好多山好多橋",  # hearsay told beside the asker's story: nothing to confirm
        "十二个 不少嘛",  # "嘛" after a reaction exclaims, seeks nothing
        "Northern Metropolis keeps popping up in every news bulletin here",  # told, no subject
        "十五五又嚟 一個接一個",
        "十五五規劃今年新聞日日都講",  # "都講" is what everyone says, no request to tell
        "十五五规划这两天新闻一直在说",  # what the news keeps saying
        "大灣區成日聽但真係唔係好熟",  # "真係唔係" is "really not", no yes-or-no
        "沪港合作会议都二十多年了",  # how long it has been, said, not asked
        "港澳合作高层会议 第一次听说",  # the first time the asker hears of it: no first meeting
        "咁多個合作會議，粵港深港滬港京港，睇到我頭都暈",  # "咁多" is "so many", no follow-up
    ],
)
def test_a_message_that_only_remarks_on_a_subject_is_small_talk(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk == "remark"


@pytest.mark.parametrize(
    "message",
    [
        "the guangdong one started in 1998 right",  # seeks to be confirmed
        "my teacher asked which cities are in the gba",  # a question reported
        "in your opinion the gba is good for young people lol",  # the bot's view sought
        "川港合作會議2018年成立吧",  # a confirmation sought in Chinese
        "我想了解下鄂港合作會議",  # a wish
        "best hotpot in chongqing lol",  # another matter
        "gba cities list pls, i always forget them",  # a request
        "cepa signing date",  # asks, though it says nothing of the asker
        "我成日上深圳 朝早幾點開關",  # "幾點" asks the time
        "由西九去成都幾多錢 我成日去",  # "成都幾多" asks a price, not "都幾" quite
        "你真係廢到爆",  # abuse naming nothing: left to be declined
        "ok cool, how many areas does the chongqing conference cover",
        "从深圳湾口岸过关大概要排多久 我成日去",  # "多久" asks how long
        "ugh i mix this up every time, was the hubei one set up in 2021 or 2022",  # asks
        "我做海味 聽講有CEPA啲貨入內地可以零關稅 係咪真",  # an introduction seeking confirmation
        "我妈说大湾区以后房价肯定涨，你觉得呢",  # a story that ends asking the bot's view
        "thanks. go on, take a guess at the date of the next hk/beijing conference",  # a guess
        "大湾区多大 我去过好多次",  # "多大" asks how big
        "聽講深圳樓價跌咗 我未去過",  # hearsay of another matter, to be confirmed or declined
        "my son's homework asks for the 4 emerging centres in the 14th fyp and honestly i got nothing lol",
        "my cousin says buy a flat in Zhongshan before prices go up. smart move or nah",  # a choice
    ],
)
def test_a_remark_that_asks_wishes_or_wants_another_matter_is_no_remark(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [("真係估唔到", "ack"), ("咁我冇搵錯地方", "ack"), ("我晚点再来看看", "bye")],
)
def test_small_talk_leaning_on_a_softening_word_is_small_talk(
    shipped: Engine, message: str, kind: str
) -> None:
    assert read(shipped, message).smalltalk == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [("thnak you", "thanks"), ("helo", "greeting"), ("hellow", "greeting")],
)
def test_misspelt_small_talk_is_small_talk(shipped: Engine, message: str, kind: str) -> None:
    assert read(shipped, message).smalltalk == kind


@pytest.mark.parametrize("message", ["goods", "trade in goods"])
def test_a_word_the_answers_use_is_not_respelt_into_small_talk(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hold on", "wait"),
        ("let me read it first", "wait"),
        ("稍等一下", "wait"),
        ("brb kids need dinner", "wait"),  # someone else's need is a remark
    ],
)
def test_a_pause_is_small_talk_of_its_own_kind(shipped: Engine, message: str, kind: str) -> None:
    assert read(shipped, message).smalltalk == kind


def test_coming_back_next_time_asks_of_no_next_meeting(shipped: Engine) -> None:
    reading = read(shipped, "拜拜 下次再来")
    assert (reading.smalltalk, reading.aspects) == ("bye", ())


@pytest.mark.parametrize("message", ["你是AI吗", "你是 AI 吗"])
def test_a_cue_mixing_scripts_is_read_with_or_without_a_space(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk == "identity"


def test_small_talk_cues_that_overlap_cover_the_message_together(shipped: Engine) -> None:
    assert read(shipped, "are you robot or real person?").smalltalk == "identity"


def test_a_yes_or_no_frame_around_small_talk_asks_nothing_more(shipped: Engine) -> None:
    assert read(shipped, "可唔可以用英文問？").smalltalk == "identity"


def test_a_first_time_in_small_talk_is_no_meetings_number(shipped: Engine) -> None:
    reading = read(shipped, "早晨～第一次用呢個bot")
    assert (reading.smalltalk, reading.number) == ("help", None)


@pytest.mark.parametrize(
    "message",
    [
        "wrong answer again smh",
        "this answer was wrong ugh",
        "你這個機器人不太行啊",
        "答到亂晒 差評",
    ],
)
def test_a_complaint_about_the_answers_with_more_to_say_is_still_small_talk(
    shipped: Engine, message: str
) -> None:
    assert read(shipped, message).smalltalk == "complaint"


@pytest.mark.parametrize("message", ["/start", "/help@coopbot_bot", " /Start "])
def test_a_bot_command_typed_as_a_message_asks_for_help(shipped: Engine, message: str) -> None:
    assert read(shipped, message).smalltalk == "help"


def test_a_slash_inside_a_question_is_no_command(shipped: Engine) -> None:
    assert read(shipped, "when did the hk/guangdong conference start?").smalltalk is None


@pytest.mark.parametrize(
    "message",
    [
        "tell me a joke lol",
        "hi, is it going to rain later",
        "hello, recommend a restaurant please",
        "早晨 幾點開門",
        "如果喺內地唔見咗護照 佢哋幫唔幫到手",
        "thanks, do you like Hong Kong",
        "哈囉 我想換人民幣",
        "hello, is John Lee married",
        "you're a stupid bot",  # abuse, with more to say than a complaint: declined
        "hey, summarise this pdf I'm sending you",
        "港珠澳大橋私家車配額點申請㗎 唔該",
        "谢谢 我需要办港澳通行证",  # the asker's need, to be met or declined
        "早晨 想搵間好啲嘅酒店",  # a wish, in Cantonese ("搵" is "揾" in canonical text)
        "帮我订个深圳的酒店 谢啦",  # a request
        "hi all, anyone know the rmb to hkd rate today",  # asked without a question mark
    ],
)
def test_small_talk_beside_something_asked_is_no_small_talk(shipped: Engine, message: str) -> None:
    assert read(shipped, message).smalltalk is None


@pytest.mark.parametrize(
    ("question", "subjects"),
    [
        ("which office covers yunnan?", ("offices",)),
        ("雲南歸邊個辦事處管？", ("offices",)),
        ("what did the 2024 pan-prd joint conference in yunnan agree?", ("pprd",)),
        ("when will hk set up a co-operation conference with hunan?", ()),
        ("2024年嗰次喺雲南開咗未？", ()),  # where a meeting was held, not its office
    ],
)
def test_a_place_an_office_covers_names_the_offices_only_when_an_office_is_asked_of(
    shipped: Engine, question: str, subjects: tuple[str, ...]
) -> None:
    assert read(shipped, question).subjects == subjects


@pytest.mark.parametrize(
    "question",
    [
        "Hello, is there a Hong Kong/Macao meeting like the Guangdong one?",
        "有冇港澳合作會議好似粵港嗰個咁？",
    ],
)
def test_what_a_thing_is_likened_to_is_not_asked_of(shipped: Engine, question: str) -> None:
    assert read(shipped, question).subjects == ("macao",)


def test_words_of_another_kind_of_subject_are_noticed(shipped: Engine) -> None:
    assert read(shipped, "what's the weather in shenzhen tomorrow").off_topic == ("weather",)


def test_words_of_another_kind_inside_a_longer_cue_for_an_aspect_are_that_aspect(
    shipped: Engine,
) -> None:
    reading = read(shipped, "協議有效期多長？")
    assert reading.off_topic == () and "agreed" in reading.aspects


@pytest.mark.parametrize(
    ("question", "context"),
    [
        ("我是在港讀書的學生，想問深港合作會議幾時成立？", "读书"),
        ("For my essay on schools in western China: who chairs the Hubei conference?", "school"),
        ("我在深圳南山上班 想问深港合作会议是什么时候建立的", "上班"),
        ("我老家福建的 现在在香港读书 想问闽港合作会议哪年成立", "读书"),
        ("I often drive across the bridge - who chairs the HK/Macao high level meeting?", "drive"),
    ],
    ids=[
        "after_a_comma",
        "in_english",
        "typed_with_spaces",
        "going_on_for_two_clauses",
        "before_a_dash",
    ],
)
def test_a_clause_introducing_the_asker_wraps_the_question(
    shipped: Engine, question: str, context: str
) -> None:
    reading = read(shipped, question)
    assert reading.off_topic == ()
    assert context not in reading.core and len(reading.subjects) == 1


def test_an_introduction_goes_on_for_one_clause_at_most(shipped: Engine) -> None:
    question = (
        "我是工厂老板，厂子开了二十年，现在订单越来越少，想问北部都会区那边补贴多不多，税率多少？"
    )
    assert "北部都会区那边补贴" in read(shipped, question).core


def test_a_clause_introducing_the_asker_gives_way_to_the_subject_asked(shipped: Engine) -> None:
    assert read(shipped, "我是湖北人，想問深港合作會議幾時成立？").subjects == ("shenzhen",)


def test_a_clause_introducing_the_asker_with_the_only_subject_stays(shipped: Engine) -> None:
    assert read(shipped, "我是湖北人，想問你哋個合作會議幾時成立？").subjects == ("hubei",)


def test_a_name_inside_a_longer_name_comes_after_it(shipped: Engine) -> None:
    assert read(shipped, "粵港澳大灣區有邊啲城市").subject == "gba"


def test_what_is_left_leaves_out_names_cues_and_question_words(shipped: Engine) -> None:
    assert read(shipped, "京港合作會議係咩").rest == ()


@pytest.mark.parametrize(
    ("text", "number"),
    [("二十四", 24), ("十", 10), ("十一", 11), ("4", 4), ("廿五", 25), ("卅", 30)],
)
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_a_place_one_typo_from_another_is_not_taken_for_it(shipped: Engine) -> None:
    assert read(shipped, "the 24th plenary in guangzhou").subjects != ("zhejiang",)


def test_two_letters_swapped_in_a_word_are_read_as_the_word(shipped: Engine) -> None:
    assert shipped.matcher.corrected("offcie") == "office"


def test_a_short_common_word_is_not_read_as_another_one_swap_away(shipped: Engine) -> None:
    assert shipped.matcher.corrected("there") == "there"  # not "three"


@pytest.mark.parametrize("text", ["the 2015–2025 joint declaration", "2015年至2025年的宣言"])
def test_the_end_of_a_span_of_years_is_no_year_told_of(text: str) -> None:
    assert Understanding.years(text) == {2015}


def test_a_dates_unit_goes_with_its_number(shipped: Engine) -> None:
    assert read(shipped, "鄂港合作會議係咪2021年開").rest == ()


@pytest.mark.parametrize(
    ("question", "not_asked"),
    [
        ("when did HK start its talks with the province next door, Guangdong?", "next"),
        ("最近睇新聞成日提粵港合作框架協議，係邊年簽㗎？", "latest"),
    ],
)
def test_a_cue_word_inside_words_wrapping_the_question_asks_nothing(
    shipped: Engine, question: str, not_asked: str
) -> None:
    assert not_asked not in read(shipped, question).aspects


def test_a_cue_word_that_is_a_whole_wrapping_word_still_asks(shipped: Engine) -> None:
    assert "areas" in read(shipped, "渝港合作會議一共定咗幾多項合作？").aspects


def test_areas_counted_are_asked_before_what_was_agreed(shipped: Engine) -> None:
    reading = read(shipped, "how many areas of co-operation were agreed with hubei?")
    assert reading.aspects[:2] == ("areas", "agreed")


def test_a_meeting_numbered_with_twenty_in_one_character_is_read(shipped: Engine) -> None:
    assert read(shipped, "粵港合作聯席會議第廿四次會議喺邊度開？").number == 24


def test_start_asks_when_something_began_though_it_is_also_a_command(shipped: Engine) -> None:
    assert "setup" in read(shipped, "did the hk/shenzhen meetings start in 2004?").aspects


def test_a_platform_named_as_where_something_was_signed_is_not_a_subject(shipped: Engine) -> None:
    assert read(shipped, "粤港合作框架协议是不是在北京签的？").subjects == ("guangdong",)


def test_built_up_asks_when_a_platform_began(shipped: Engine) -> None:
    assert "setup" in read(shipped, "川港合作会议是哪年建起来的").aspects


def test_a_preamble_of_several_words_before_a_colon_only_introduces(shipped: Engine) -> None:
    reading = read(
        shipped, "Mainland student writing a paper: which bureau handles regional co-operation?"
    )
    assert "student" not in reading.rest


def test_what_a_named_subject_is_compared_with_is_not_asked_of(shipped: Engine) -> None:
    reading = read(
        shipped, "what's special about the hubei mechanism compared with the other platforms?"
    )
    assert reading.subjects == ("hubei",)


def test_a_subject_named_only_after_compared_with_is_still_asked_of(shipped: Engine) -> None:
    assert read(shipped, "how big is the Singapore-Johor zone compared with the GBA?").subjects == (
        "gba",
    )


@pytest.mark.parametrize(
    "question",
    [
        "the big annual summit with guangdong, when did it start?",
        "since when has HK had that yearly joint conference with Guangdong?",
    ],
)
def test_how_often_a_meeting_is_held_describing_it_is_not_what_is_asked(
    shipped: Engine, question: str
) -> None:
    assert read(shipped, question).aspects == ("setup",)


@pytest.mark.parametrize(
    "question",
    [
        "since 2016, where is the pprd forum held?",
        "自2016年起泛珠論壇喺邊度舉行？",
        "由2016年起固定咗喺邊度",
    ],
)
def test_the_years_since_one_name_no_meetings_year(shipped: Engine, question: str) -> None:
    assert read(shipped, question).year is None


@pytest.mark.parametrize(
    ("text", "month"),
    [("the meeting in dec 2024", True), ("2024年7月嗰次", True), ("what was decided", False)],
)
def test_a_month_is_a_months_name_not_a_word_beginning_like_one(text: str, month: bool) -> None:
    assert names_a_month(text) is month


def test_a_cantonese_where_spelt_in_full_reads_as_the_short_one(shipped: Engine) -> None:
    canonical = shipped.understanding.matcher.canonical
    assert canonical("喺邊度開") == canonical("邊度開")


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("when did the wuhan co-operation conference start", "hubei"),
        ("我老家喺福州，香港同我個省有冇合作會議？", "fujian"),
        (
            "my grandparents came from Fuzhou. when did HK set up a conference with that province?",
            "fujian",
        ),
    ],
)
def test_a_city_names_its_provinces_platform_where_a_province_or_platform_is_spoken_of(
    shipped: Engine, question: str, subject: str
) -> None:
    assert read(shipped, question).subjects == (subject,)


@pytest.mark.parametrize(
    "question",
    [
        "which provinces does the wuhan office cover",  # the office there
        "what was agreed at the co-operation conference in guangzhou",  # where it was held
        "is wuhan a nice place to live",  # neither a province nor a platform
    ],
)
def test_a_city_names_no_platform_as_an_offices_seat_a_venue_or_a_place_to_live(
    shipped: Engine, question: str
) -> None:
    assert not {"hubei", "guangdong"} & set(read(shipped, question).subjects)


def test_a_platform_called_a_platform_is_no_question_about_the_list_of_platforms(
    shipped: Engine,
) -> None:
    assert read(shipped, "The Hubei platform, when and where was it set up?").subjects == ("hubei",)


def test_again_after_another_question_asks_to_be_reminded_not_of_the_next_meeting(
    shipped: Engine,
) -> None:
    assert "next" not in read(shipped, "which provinces are in the pan-PRD 9+2 again?").aspects


def test_meeting_again_is_the_next_meeting(shipped: Engine) -> None:
    assert "next" in read(shipped, "when will the hk shanghai conference meet again?").aspects
