"""What the bot does with a question, on the shipped knowledge base: the cases the understanding
step exists for (right subject and aspect, near misses, small talk, follow-ups, script ties)."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.outcome import Outcome, Turn


def answered(outcome: Outcome) -> str | None:
    return outcome.entry.id if outcome.entry else None


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("京港合作會議第三次會議喺邊年開？", "beijing-plenary-3"),
        ("熊貓嗰個省，即係四川，同香港個合作機制幾時成立？", "sichuan-setup"),  # describes it
        ("曾國衞幾時離任？", "cmab-head"),
        ("請問泛珠嗰個9+2論壇係幾時開始㗎？", "pprd-setup"),  # an alias of the members asks no list
        # areas of co-operation asked of a meeting named by its month: that meeting's record
        (
            "how many areas of cooperation came out of the hk beijing conference in nov 2023",
            "beijing-plenary-5",
        ),
        ("香港同澳門之間有冇定期嘅合作會議㗎？", "macao-frequency"),  # the platform, not CEPA
        ("for my thesis: who are the 9+2 members of the pan-PRD?", "pprd-members"),  # no chairs
        # places in the list "apart from" begins are not asked of
        ("Which cities are in the Greater Bay Area apart from HK and Macao?", "gba-cities"),
        ("大灣區嗰9個內地城市係邊9個？", "gba-cities"),  # which of a count: the list
        ("咁成個大灣區有幾大", "gba-size"),  # the opener "咁" runs into no word
        ("大灣區嘅9+2又係咩？", "gba-cities"),  # the Bay Area's 9+2, not the Pan-PRD's
        ("泛珠三角「9+2」係指邊啲地方？", "pprd-members"),
        ("chongqing", "chongqing-overview"),
        ("zhejiang", "zhejiang-overview"),
        ("who chaired the 4th fujian plenary", "fujian-plenary-4"),
        ("when was the latest hk guangdong joint conference", "guangdong-latest"),
        ("when is the next hong kong shanghai conference", "shanghai-next"),
        ("粵港合作框架協議幾時簽㗎", "guangdong-framework-agreement"),
        ("which office covers yunnan", "offices-chengdu"),
        ("what was agreed at the hubei conference", "hubei-latest"),
        ("which agreement set up the hong kong shenzhen co-operation meeting", "shenzhen-setup"),
        ("so what's this bot for", "about-bot"),
        ("bot, what is cepa", "cepa-overview"),
        ("邊個辦事處負責四川嘅事", "sichuan-office"),
        ("特區政府邊個辦事處負責湖北", "hubei-office"),
        ("who runs the shanghai conference on the hong kong side", "shanghai-leaders"),
        ("京港合作會議幾時改咗名", "beijing-renaming"),
        ("滬港合作會議係第幾次會議之後改名？", "shanghai-renaming"),  # renaming, not a count
        ("2019年嗰次粵港聯席會議係第幾次？", "guangdong-plenary-21"),  # that year's record
        ("十五五建議支持香港鞏固邊啲中心？", "fyp15-recommendations"),  # not the 14th's
        ("when was the 14th five-year plan approved", "fyp14-adoption"),
        ("where was the first pprd forum held", "pprd-setup"),
        ("which provinces are in the pan-prd? it's for my school project", "pprd-members"),
        ("成都辦管邊啲省", "offices-chengdu"),  # an alias an entry claims names that entry
        ("驻上海经济贸易办事处是哪一年设立的？", "offices-shanghai"),  # about both names, only them
        ("駐武漢辦幾時開", "offices-wuhan"),
        ("when was the hk government's guangdong office set up", "offices-guangdong"),  # both named
        ("同李家超一齊主持浙港合作會議嘅浙江省委書記係邊個", "zhejiang-leaders"),
        ("does hong kong have a liaison unit in fujian, since when?", "offices-liaison-units"),
        ("when was the bj office est under article 22", "offices-beijing"),  # short forms
        ("香港驻京办是哪一年设立的", "offices-beijing"),
        (
            "how many areas of co-operation were set at the 4th hk/fujian plenary",
            "fujian-plenary-4",
        ),
        ("GBA Development Office belong to which bureau?", "gba-office"),
        ("how much has hk invested in beijing", "beijing-investment"),
        ("Who actually put pen to paper on CEPA in 2003?", "cepa-signing"),  # told of that year
        ("沪港第六次会议上，李家超说港资在上海的投资从多少涨到了多少？", "shanghai-investment"),
        ("when did the HK–Macau CEPA actually take effect?", "cepa-hk-macao"),  # a thing named
        (
            "Which extra provinces were added to the Guangdong ETO's remit in 2006?",
            "offices-guangdong",
        ),
        (
            "which is older, the hk/shenzhen meeting or the hk/shanghai conference?",
            "shenzhen-setup",
        ),
        ("is the chief sec the one chairing the HK/Shanghai conference?", "shanghai-leaders"),
        (  # names the co-operation, but every other word is the bureau's
            "which bureau is in charge of regional cooperation with the mainland",
            "cmab-role",
        ),
        ("how many areas were agreed at hubei plenary number 1?", "hubei-plenary-1"),
        ("did the 2019 HK/Macao meeting agree anything on the bridge?", "macao-high-level-11"),
        ("the hk/gd plenary held in guangzhou in 2024, which one was it?", "guangdong-plenary-24"),
        ("did the HK/Hubei conference meet in 2026?", "hubei-latest"),  # after every record
        ("the first hk-gd plenary held after travel resumed, which one?", "guangdong-plenary-23"),
        ("粵港聯席會議全面通關後首次實體會議係第幾次？", "guangdong-plenary-23"),
        (  # a year names a meeting, but the words name the agreement signed that year
            "the 2010 framework agreement between hong kong and guangdong, where was it signed",
            "guangdong-framework-agreement",
        ),
        ("CEPA当年是谁代表两地签字的？", "cepa-signing"),  # who signed: told with the signing
        ("香港同鵬城嗰個合作會議係幾時成立㗎？", "shenzhen-setup"),  # a city's nickname
        (
            "which plenary was the first face-to-face one in four years? hk guangdong",
            "guangdong-plenary-23",
        ),
        ("粵港聯席會議邊次係四年來首次實體會議？", "guangdong-plenary-23"),
        ("is there an HK govt office in shanghai, and since when?", "shanghai-office"),
        ("十四五规划纲要是哪年发布的", "fyp14-adoption"),
        ("香港政府负责跟内地区域合作的是哪个局", "cmab-role"),
        (
            "is there a free trade type deal between hk and macao? when was it signed",
            "cepa-hk-macao",
        ),
        ("the yearly summit between HK and guangdong, when did it start?", "guangdong-setup"),
        ("CEPA最初係邊年簽㗎？", "cepa-signing"),
        ("港澳CEPA幾時開始生效", "cepa-hk-macao"),  # a keyword joining its subject's name
        ("20th粵港聯席會議簽咗幾多份協議呀", "guangdong-plenary-20"),  # "20th" before Chinese
        ("香港和内地哪些省市建立了合作机制？除了广东还有哪些？", "platforms-list"),  # besides
        ("What areas does the PPRD joint declaration 2015-2025 cover?", "pprd-joint-declaration"),
        ("In the pan-PRD '9+2', which are the nine? I always forget", "pprd-members"),
        ("泛洲那个首长会最近一次是啥时候开的？", "pprd-latest"),  # a slip, and a short name
        ("香港跟内地合作一般都涉及哪些方面？", "areas-overview"),
        ("泛珠係咩嚟㗎？做緊功課", "pprd-overview"),  # saying what the question is for
        (  # "next spring" says when the asker goes, not which meeting
            "Our chamber is planning a trade trip to Chongqing next spring. How many items and "
            "fields does the HK/Chongqing co-operation cover?",
            "chongqing-areas",
        ),
        ("我在云南，这边归香港哪个驻内地办事处管？", "offices-chengdu"),  # the place asked of
        (  # a sentence saying why it is asked, with a word of another subject
            "阿仔喺成都讀大學，我想了解下香港同四川嘅合作。川港合作會議第二次會議係幾時同喺邊度開？",
            "sichuan-plenary-2",
        ),
        (  # the same, with the place pointed back at ("that province") in the question
            "My late husband's family came from Fujian. Does Hong Kong have some co-operation "
            "arrangement with that province?",
            "fujian-overview",
        ),
        (  # a sentence telling of the asker, with words of another matter, before the question
            "Hello, I'm fact-checking a piece. When was the latest HK/Shanghai co-operation "
            "conference plenary?",
            "shanghai-latest",
        ),
        (  # the bot called by its name after a greeting: the question is of the other subject
            "hi coopbot! quick q, when did the HK/Guangdong joint conference start?",
            "guangdong-setup",
        ),
        ("打扰了，泛珠三角是几加几来着？", "pprd-members"),  # "来着": what was it again
        (  # a second clause opening like an introduction, but asking
            "我是内地来港的交流生，老师让我们查香港跟内地哪些省市建立了合作机制。能帮我列一下吗？",
            "platforms-list",
        ),
    ],
)
def test_the_entry_for_that_aspect_of_that_subject_answers(
    shipped: Engine, question: str, entry: str
) -> None:
    assert answered(shipped.ask(question)) == entry


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("how many people live in sichuan", "sichuan"),
        ("深圳有咩好食推介", "shenzhen"),
        ("how do I get from hong kong to shenzhen", "shenzhen"),
        ("what's the weather in shenzhen tomorrow", "shenzhen"),
        ("what's the provincial capital of fujian", "fujian"),
        ("浙江首富係邊個", "zhejiang"),
        ("重慶去成都開車要幾耐", "chongqing"),
        ("浙江省委書記係邊個", "zhejiang"),
        ("how long does the bus from hong kong to shenzhen take", "shenzhen"),
        ("what did macao and portugal agree at their last meeting", "macao"),
        ("what role does the 15th five-year plan give shanghai?", "fyp15"),  # HK's role is told
        ("十四五規劃對澳門嘅定位係咩？", "fyp14"),
        (
            "I'm moving to Shenzhen for a job next year but keeping my HK ID. Do I pay salaries "
            "tax in HK or individual income tax on the Mainland, and how much?",
            "shenzhen",
        ),
        ("福建和台湾现在有什么合作平台？", "fujian"),
        ("上海有哪些好吃的本帮菜？", "shanghai"),
        ("how many people work at the hk govt office in chengdu?", "offices"),
        ("浙江省委書記王浩之前喺邊度做嘢？", "zhejiang"),
        ("四川學生想入讀港大，收生要求係咩？", "sichuan"),
        ("驻粤经贸办办公时间是几点到几点", "offices"),
        ("CEPA同RCEP有咩分別？", "cepa"),
        ("咁而家我去深圳做生意要交幾多稅？", "shenzhen"),
        ("How many people attended the 2023 Pan-PRD joint conference in Guiyang?", "pprd"),
        ("Why was the 24th HK/GD plenary moved from June to July 2024?", "guangdong"),
        ("大灣區總共有幾多個機場?", "gba"),
        ("What does Hong Kong's own first Five-Year Plan say about housing targets?", "hkfyp"),
        ("how many CEPA certificates of origin did HK issue in 2024?", "cepa"),  # no set-up
    ],
)
def test_a_near_miss_is_declined_with_what_the_bot_knows_of_its_subject(
    shipped: Engine, question: str, subject: str
) -> None:
    outcome = shipped.ask(question)
    assert outcome.kind == "decline"
    assert outcome.subject == subject
    assert [c.entry.id for c in outcome.candidates] == [shipped.kb.topics[subject].overview]


def test_a_near_miss_is_marked_as_one(shipped: Engine) -> None:
    assert shipped.ask("深圳有咩好食推介？").near_miss


def test_the_length_of_the_bridge_to_macao_is_a_near_miss(shipped: Engine) -> None:
    outcome = shipped.ask("what is the length of the Hong Kong-Zhuhai-Macau Bridge?")
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


def test_what_only_another_answer_of_the_subject_speaks_of_makes_a_near_miss(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("粤港合作框架协议续签了吗")  # only a meeting's record renews an agreement
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


def test_the_answer_of_the_subject_that_speaks_of_it_is_given_instead(shipped: Engine) -> None:
    outcome = shipped.ask(
        "they mention co-hosting the National Games with guangdong, when was that?"
    )
    assert outcome.entry is not None
    assert "National Games" in outcome.entry.answer["en"]


def test_a_question_declined_for_no_answer_is_no_near_miss(shipped: Engine) -> None:
    assert not shipped.ask("qwerty zxcvb").near_miss


def test_a_near_miss_in_two_parts_is_declined(shipped: Engine) -> None:
    outcome = shipped.ask(
        "What's the weather in Shenzhen tomorrow? And when did the HK/SZ meeting start?"
    )
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        (
            "Hi there! Quick question - who co-chairs the Hong Kong/Shanghai conference? Thanks a lot",
            "shanghai-leaders",
        ),
        ("我想問下cepa係咩", "cepa-overview"),
        (
            "For my Liberal Studies-style essay: who chairs the HK/Sichuan conference?",
            "sichuan-leaders",
        ),
        ("does hk have any formal co-op mechanism with zhejiang", "zhejiang-overview"),
        ("which cities are in the GBA? teaching geography next week", "gba-cities"),
        (
            "hello I run a small shop in Chungking Mansions. what is CEPA and when was it signed",
            "cepa-overview",
        ),
        ("new to the team - when did the wuhan ETO open?", "offices-wuhan"),
        (
            "Hi, new posting, still learning the ropes. Which office covers Guizhou?",
            "offices-chengdu",
        ),
        (
            "can you list the co-op platforms on the CMAB regional cooperation page?",
            "platforms-list",
        ),
        ("香港同內地邊啲地方有合作機制？列晒出嚟睇下", "platforms-list"),
        (  # a sentence of the asker's story before a question typed without "?"
            "my late wife was from macau. when did the HK/Macao high level meeting last meet",
            "macao-latest",
        ),
        (
            "this is so stressful lol, civics test tmr. who is running CMAB at the moment?",
            "cmab-head",
        ),
        (
            "brain's fried, pls remind me what the 4 emerging centres in the 14th fyp are",
            "fyp14-emerging-centres",
        ),
        (  # "heading to" is travelling, not who heads
            "heading to kunming for a supplier visit, which HK govt office covers yunnan these days",
            "offices-chengdu",
        ),
        (
            "hi, quick question for my liberal studies homework - when did the hk/guangdong conference start?",
            "guangdong-setup",
        ),
        (  # "advise" here asks to be told, not for advice
            "Could you kindly advise when the Hong Kong/Beijing Co-operation Conference was first established?",
            "beijing-setup",
        ),
        (  # a question reported as someone else's is no introduction
            "My boss asked me which HK co-operation meetings look after Nansha and Hengqin. Any idea?",
            "shenzhen-framework",
        ),
        ("when did hk set up the co-op conference with sichuan (the panda province lol)", None),
        ("what does the 14th five-year plan say about hk? need it for a presentation", None),
    ],
)
def test_a_polite_or_wrapped_question_is_answered(
    shipped: Engine, question: str, entry: str | None
) -> None:
    """`None`: answered by whichever of the subject's answers; only not declined."""
    outcome = shipped.ask(question)
    assert outcome.kind == "answer"
    assert entry is None or answered(outcome) == entry


@pytest.mark.parametrize(
    "message",
    [
        "hi",
        "thanks",
        "早晨",
        "唔該晒",
        "谢谢",
        "haha",
        "辛苦晒",
        "thank you for the info",
        "no more questions",
        "你识讲广东话吗",
        "hiii",  # a letter drawn out
        "唔該晒晒",  # a character typed twice
        "r u a bot?",
        "this is useless 🙄",  # a complaint: a line and the menu, not a declined question
        "much obliged",
        "在不在",
        "你都冇答到我",  # a complaint too
        "Good day to you, Sir or Madam. I hope this message finds you well.",
    ],
)
def test_small_talk_is_chatted_back_with_no_citation(shipped: Engine, message: str) -> None:
    outcome = shipped.ask(message)
    assert outcome.kind == "smalltalk" and outcome.candidates == ()


def test_a_clarify_always_has_options(shipped: Engine) -> None:
    outcome = shipped.ask("14th fyp 8 centres")
    assert outcome.kind != "clarify" or outcome.candidates


@pytest.mark.parametrize(
    "question",
    [
        "Hello, my family comes from Xiamen. When was the first co-operation conference between "
        "Hong Kong and our province held, please?",
        "你好，我在宁波做外贸。听说香港和我们省前两年建了一个合作会议，第一次会议是在哪里开的？",
    ],
)
def test_a_platform_asked_of_our_province_unnamed_is_asked_about_with_one_option_a_platform(
    shipped: Engine, question: str
) -> None:
    outcome = shipped.ask(question)
    assert outcome.kind == "clarify"
    assert len({c.entry.topic for c in outcome.candidates}) == len(outcome.candidates) > 1


def test_a_platform_asked_of_our_province_named_by_its_capital_is_answered(
    shipped: Engine,
) -> None:
    outcome = shipped.ask(
        "Hello, my family comes from Fuzhou. When was the first co-operation conference between "
        "Hong Kong and our province held, please?"
    )
    assert answered(outcome) == "fujian-plenary-1"


# --- conversations -------------------------------------------------------------------------------


def conversation(engine: Engine, *questions: str, app: str | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    previous: Turn | None = None
    for question in questions:
        outcome = engine.ask(question, previous=previous, app=app)  # type: ignore[arg-type]
        outcomes.append(outcome)
        previous = outcome.turn
    return outcomes


@pytest.mark.parametrize("question", ["係咩？", "是什么", "幾時？", "邊個"])
def test_a_bare_question_word_out_of_the_blue_is_declined(shipped: Engine, question: str) -> None:
    assert shipped.ask(question).kind == "decline"


@pytest.mark.parametrize("reaction", ["唉", "哎呀", "呃…"])
def test_an_interjection_after_an_answer_is_small_talk_not_the_overview(
    shipped: Engine, reaction: str
) -> None:
    outcome = conversation(shipped, "粵港合作聯席會議幾時成立？", reaction)[-1]
    assert outcome.kind == "smalltalk"


def test_a_remark_on_a_subject_offers_more_on_it_and_no_citation(shipped: Engine) -> None:
    outcome = shipped.ask("my grandfather worked at the chengdu office for years")
    assert outcome.kind == "smalltalk" and outcome.smalltalk == "remark"
    assert outcome.candidates[0].entry.id == shipped.kb.topics["offices"].overview
    assert {c.entry.topic for c in outcome.candidates} == {"offices"}


def test_after_a_remark_on_a_subject_a_follow_up_asks_of_it(shipped: Engine) -> None:
    remark, question = conversation(shipped, "原來滬港合作會議咁耐歷史 哈哈", "最近一次喺邊度開？")
    assert remark.kind == "smalltalk"
    assert question.kind == "answer" and question.entry.topic == "shanghai"  # type: ignore[union-attr]


def test_a_remark_on_an_answer_offers_more_on_what_was_answered(shipped: Engine) -> None:
    remark = conversation(shipped, "when was the hubei conference set up", "2021 wow, not long ago")
    assert remark[-1].kind == "smalltalk"
    assert {c.entry.topic for c in remark[-1].candidates} == {"hubei"}
    assert remark[-1].turn == remark[0].turn


def test_particles_alone_after_an_answer_ask_nothing_of_it(shipped: Engine) -> None:
    assert conversation(shipped, "粵港合作聯席會議幾時成立？", "啊啊啊啊啊")[-1].kind == "decline"


@pytest.mark.parametrize(
    ("turns", "entry"),
    [
        pytest.param(
            ("閩港合作會議幾時成立？", "第四次又係邊兩位官員主持？"),
            "fujian-plenary-4",
            id="a_numbered_meeting_named_alone_is_the_conversations_platforms",
        ),
        pytest.param(
            ("深港合作會議邊個主持？", "2021年嗰次呢？"),
            "shenzhen-meeting-2021-09-06",
            id="that_occasion_named_by_its_year_is_the_platforms_meeting_that_year",
        ),
        pytest.param(
            ("渝港合作會議幾時成立？", "有幾多個合作領域？"),
            "chongqing-areas",
            id="areas_of_co_operation_asked_in_a_conversation_are_its_platforms",
        ),
        pytest.param(
            (
                "wat r the 4 emerging centres in 14th fyp",
                "does the 15th one add anything new for hk",
            ),
            "fyp15-hk-chapter",
            id="the_15th_one_after_a_plan_is_the_next_plan_though_hk_is_where_meetings_were_held",
        ),
        pytest.param(
            ("what does the 14th five-year plan say about hk", "and the 15th?"),
            "fyp15-overview",
            id="a_bare_ordinal_after_a_numbered_plan_is_the_plan_of_that_number",
        ),
        pytest.param(
            ("how many offices does hk have on the mainland", "which one covers zhejiang?"),
            "offices-shanghai",
            id="which_one_after_a_list_of_offices_asks_which_office",
        ),
        pytest.param(
            ("駐武漢經貿辦係邊年設立？", "嗰個辦事處負責邊啲省份？"),
            "offices-wuhan",
            id="that_office_is_the_office_just_answered_though_another_matches_better",
        ),
        pytest.param(
            (
                "who chaired the 5th hk/beijing plenary",
                "how many areas of co-operation did it cover?",
            ),
            "beijing-plenary-5",
            id="areas_of_co_operation_asked_after_a_meeting_are_that_meetings",
        ),
        pytest.param(
            ("駐成都辦事處幾時成立？", "佢管邊幾個省？"),
            "offices-chengdu",
            id="it_with_nothing_else_to_go_on_is_the_thing_just_answered",
        ),
        pytest.param(
            ("what about beijing?", "when was its latest meeting?"),
            "beijing-latest",
            id="a_follow_up_naming_an_aspect_keeps_the_subject",
        ),
        pytest.param(
            ("京港合作會議係咩", "邊個主持"),
            "beijing-leaders",
            id="a_cantonese_follow_up_keeps_the_subject",
        ),
        pytest.param(
            ("which office looks after yunnan?", "and hubei?", "when did that office open?"),
            "hubei-office",
            id="that_office_after_the_office_serving_a_place_is_that_office",
        ),
        pytest.param(
            ("請問香港政府在內地有幾個辦事處？", "那台灣呢？", "武漢那個是哪一年開的"),
            "offices-wuhan",
            id="the_one_named_by_its_city_is_not_the_thing_just_answered",
        ),
        pytest.param(
            ("香港特区政府在内地有几个办事处", "上海那个是什么时候设立的"),
            "offices-shanghai",
            id="that_one_of_a_place_after_the_offices_is_its_office_though_its_answer_names_more",
        ),
        pytest.param(
            (
                "when did the GD/HK joint conference become a CE and Governor level meeting?",
                "which plenary was the first one after the GBA outline came out?",
            ),
            "guangdong-plenary-21",
            id="the_first_plenary_after_an_event_naming_another_subject_is_the_conversations",
        ),
        pytest.param(
            ("香港最新成立嘅內地合作機制係同邊個省？", "第一次會議喺邊度開？"),
            "zhejiang-plenary-1",
            id="a_meeting_asked_after_the_newest_platform_is_that_platforms",
        ),
        pytest.param(
            ("香港跟内地都建了哪些合作平台？", "最新加的是哪个", "那最早的是哪个？"),
            "platforms-history",
            id="the_earliest_asked_after_the_newest_platform_is_still_of_the_platforms",
        ),
        pytest.param(
            (
                "what is the HK/Sichuan co-operation conference and when did it start",
                "when was the second one",
            ),
            "sichuan-plenary-2",
            id="the_second_one_after_how_a_platform_began_is_its_second_meeting",
        ),
        pytest.param(
            ("whats the GBA outline development plan and when did it come out", "who issued it"),
            "gba-outline-plan",
            id="who_issued_it_is_asked_of_the_thing_just_answered",
        ),
        pytest.param(
            ("最近嗰次閩港合作會議第四次講咗幾多個重點範疇", "咁香港有幾多人係福建籍㗎"),
            "fujian-ties",
            id="a_new_thing_asked_of_the_same_subject_does_not_keep_the_meeting_before",
        ),
        pytest.param(
            ("the hubei co-op conference in 2021, who went from HK?", "and from Hubei?"),
            "hubei-plenary-1",
            id="and_from_the_other_side_keeps_the_meeting_before",
        ),
        pytest.param(
            ("十五五规划纲要通过了吗", "里面给香港新增了哪些定位"),
            "fyp15-hk-chapter",
            id="in_it_opening_a_question_is_the_thing_just_answered",
        ),
        pytest.param(
            ("政制及內地事務局主要負責啲咩", "個局幾時改成呢個名"),
            "cmab-history",
            id="when_it_took_its_present_name_is_asked_of_the_subject_before",
        ),
        pytest.param(
            ("京港合作會議係咩", "點解要改名"),
            "beijing-renaming",
            id="a_follow_up_its_subject_answers_keeps_the_subject",
        ),
        pytest.param(
            ("tell me about the zhejiang conference", "where did the first one take place"),
            "zhejiang-setup",
            id="where_the_first_one_took_place_is_asked_of_the_subject_before",
        ),
        pytest.param(
            ("when was the latest hk guangdong joint conference", "what about shenzhen?"),
            "shenzhen-latest",
            id="what_about_a_new_subject_keeps_the_aspect_rather_than_asking_what_it_is",
        ),
        pytest.param(
            ("who chairs the beijing conference", "and shanghai?"),
            "shanghai-leaders",
            id="a_follow_up_naming_a_new_subject_keeps_the_aspect",
        ),
        pytest.param(
            ("who chaired the 4th fujian plenary", "where was it held?"),
            "fujian-plenary-4",
            id="a_detail_of_the_meeting_just_answered_is_about_that_meeting",
        ),
        pytest.param(
            ("京港合作會議最近一次會議", "唔該", "下次幾時開"),
            "beijing-next",
            id="small_talk_between_turns_keeps_the_conversation",
        ),
        pytest.param(
            ("when was the latest hk guangdong plenary", "and the one before that?"),
            "guangdong-plenary-23",
            id="the_one_before_is_the_meeting_numbered_one_less",
        ),
        pytest.param(
            (
                "when is the next hk guangdong joint conference",
                "what about the one before the latest?",
            ),
            "guangdong-plenary-23",
            id="the_one_before_the_latest_is_asked_of_the_subject_after_any_answer",
        ),
        pytest.param(
            ("十四五规划里的四个新兴中心是什么", "这个规划是哪天通过的？"),
            "fyp14-adoption",
            id="this_plan_after_its_centres_is_the_plan_itself",
        ),
        pytest.param(
            ("when was the latest pan-prd joint conference", "and the last CE meeting?"),
            "pprd-latest",
            id="the_last_in_english_after_the_latest_is_the_latest_again_not_the_one_before",
        ),
        pytest.param(
            ("粵港合作框架協議係咩", "喺邊度簽㗎？"),
            "guangdong-framework-agreement",
            id="where_an_agreement_was_signed_is_asked_of_the_agreement_just_answered",
        ),
        pytest.param(
            ("粵港合作框架協議係咩", "邊個見證㗎？"),
            "guangdong-framework-agreement",
            id="who_witnessed_it_is_asked_of_the_agreement_just_answered",
        ),
        pytest.param(
            ("which office covers hubei", "when did that office open?"),
            "offices-wuhan",
            id="that_office_is_the_one_the_answer_before_named",
        ),
        pytest.param(
            ("who chairs the chongqing conference", "which hk office covers that city?"),
            "chongqing-office",
            id="a_follow_up_pointing_back_at_a_place_asks_it_of_that_place",
        ),
        pytest.param(
            ("when did the pan-prd forum start", "what was signed at the end of it?"),
            "pprd-setup",
            id="what_was_signed_at_the_founding_meeting_is_asked_of_its_answer",
        ),
        pytest.param(
            ("鄂港合作會議幾時成立", "嗰次由邊個主持？"),
            "hubei-plenary-1",
            id="who_led_that_founding_meeting_comes_from_the_first_meetings_record",
        ),
        pytest.param(
            (
                "is there a task force with shenzhen on the northern metropolis",
                "who co-chaired its first meeting",
            ),
            "shenzhen-northern-metropolis",
            id="who_chaired_the_first_meeting_of_the_thing_just_answered_is_asked_of_it",
        ),
        pytest.param(
            ("川港合作會議第二次會議", "嗰次涵蓋咗幾多個範疇"),
            "sichuan-plenary-2",
            id="the_areas_of_the_meeting_just_answered_come_from_its_record",
        ),
        pytest.param(
            ("when was the latest hk shenzhen co-operation meeting", "and the one before that?"),
            "shenzhen-meeting-2021-09-06",
            id="the_one_before_a_meeting_known_by_date_is_the_one_held_before_it",
        ),
        pytest.param(
            ("is hong kong hubei's biggest investor", "and sichuan?"),
            "sichuan-investment",
            id="a_new_subject_keeps_the_aspect_of_an_answer_about_investment",
        ),
        pytest.param(
            ("政制及内地事务局是管什么的", "它什么时候改成现在这个名字的"),
            "cmab-history",
            id="a_renaming_is_told_in_the_history_of_a_subject_with_no_renaming_of_its_own",
        ),
        pytest.param(
            ("When did the latest CEPA amendment take effect?", "which sectors does it cover?"),
            "cepa-amendment-measures",
            id="what_the_thing_just_answered_covers_is_told_by_the_answer_it_points_on_to",
        ),
        pytest.param(
            ("咁最近嗰次泛珠行政首長聯席會議呢？", "之後輪到邊個省主辦？"),
            "pprd-next",
            id="after_that_asks_on_about_the_subject_just_answered",
        ),
        pytest.param(
            ("港澳合作高層會議上一次喺邊度開？", "嗰次之後仲有冇再開過？"),
            "macao-latest",
            id="after_that_occasion_is_later_than_the_latest_not_the_one_before",
        ),
        pytest.param(
            ("浙港合作会议是在哪里成立的", "当时签了哪些文件"),
            "zhejiang-plenary-1",
            id="what_was_signed_when_a_platform_was_set_up_is_in_its_first_meetings_record",
        ),
        pytest.param(
            ("我住喺東莞 想問香港政府喺廣東有冇辦事處", "幾時成立㗎"),
            "guangdong-office",
            id="when_set_up_after_the_office_for_a_place_asks_when_that_office_opened",
        ),
        pytest.param(
            ("香港邊個辦事處負責湖北", "嗰個辦幾時開㗎"),
            "hubei-office",
            id="when_it_opened_after_the_office_for_a_place_is_that_offices_opening",
        ),
        pytest.param(
            ("香港哪个驻内地办事处负责湖北？", "它是哪一年开的"),
            "hubei-office",
            id="it_after_the_office_for_a_place_is_that_office",
        ),
        pytest.param(
            ("When was the latest HK/Guangdong plenary?", "Which plenary number was that?"),
            "guangdong-latest",
            id="which_number_that_meeting_was_is_asked_of_the_meeting_just_answered_about",
        ),
        pytest.param(
            (
                "香港政府喺內地有幾多個辦事處？",
                "武漢嗰個幾時開？",
                "北京呢",
                "成都嗰個管邊幾個地方？",
            ),
            "offices-chengdu",
            id="the_one_named_by_its_city_is_that_answer_of_the_conversations_subject",
        ),
        pytest.param(
            ("請問香港政府喺內地有幾多個辦事處？", "邊個辦事處管雲南？"),
            "offices-chengdu",
            id="a_place_named_after_the_list_of_offices_asks_of_the_office_for_it",
        ),
        pytest.param(
            ("川港合作会议第二次会议是什么时候开的？", "签了什么文件？"),
            "sichuan-plenary-2",
            id="documents_signed_are_asked_of_the_meeting_just_answered_about",
        ),
        pytest.param(
            ("重慶同香港有冇合作機制？", "and with Zhejiang? my wife is from there"),
            "zhejiang-overview",
            id="a_clause_about_the_askers_family_only_tells_why_they_ask",
        ),
        pytest.param(
            ("深港合作會議係邊個同邊個主持㗎?", "對上一次正式會議係幾時?"),
            "shenzhen-latest",
            id="a_general_word_before_a_word_for_meetings_says_nothing_of_another_subject",
        ),
        pytest.param(
            ("who signed the latest cepa services amendment", "which sectors does it touch?"),
            "cepa-amendment-measures",
            id="it_asked_what_the_answer_does_not_say_is_the_related_answer_that_does",
        ),
        pytest.param(
            ("has the hk/shenzhen qianhai task force met recently?", "when was its first meeting?"),
            "shenzhen-qianhai",
            id="its_first_meeting_is_the_first_meeting_of_the_thing_just_answered",
        ),
        pytest.param(
            ("粵港澳大灣區發展辦公室係咩嚟？", "幾時成立"),
            "gba-office",
            id="the_subject_kept_is_the_longest_name_not_a_name_inside_it",
        ),
        pytest.param(
            ("深港北部都会区专班第一次会议是啥时候开的？", "是谁主持的"),
            "shenzhen-northern-metropolis",
            id="who_chaired_it_after_a_task_force_is_asked_of_the_task_force_whose_answer_says",
        ),
        pytest.param(
            ("闽港合作会议最近一次是第几次？", "定了多少个重点合作领域？"),
            "fujian-latest",
            id="the_areas_agreed_after_the_latest_meeting_are_that_meetings",
        ),
        pytest.param(
            (
                "how many offices does the hk govt run in mainland china?",
                "which one is the oldest?",
            ),
            "offices-overview",
            id="which_one_of_the_things_just_listed_is_asked_of_the_list_that_dates_them",
        ),
        pytest.param(
            ("how many offices does the hk govt run in mainland china?", "and Shanghai's?"),
            "offices-shanghai",
            id="and_someplaces_after_an_office_asks_of_that_places_office",
        ),
        pytest.param(
            ("the hubei co-op conference in 2021, who went from HK?", "and from Hubei?"),
            "hubei-plenary-1",
            id="a_follow_up_after_a_meeting_known_by_its_year_keeps_that_meeting",
        ),
        pytest.param(
            ("when did the HK-SZ co-operation meeting begin?", "who signed the memorandum?"),
            "shenzhen-setup",
            id="who_signed_at_the_founding_is_asked_of_the_answer_that_tells_the_founding",
        ),
        pytest.param(
            ("CEPA服务贸易协议的第二份修订协议是什么时候实施的？", "涉及哪些行业？"),
            "cepa-amendment-measures",
            id="a_follow_up_the_matcher_matches_best_to_a_related_answer_gets_it",
        ),
        pytest.param(
            ("大灣區框架協議係咩", "有效期多久"),
            "gba-framework-agreement",
            id="how_long_an_agreement_is_valid_is_asked_of_the_agreement_just_answered",
        ),
        pytest.param(
            ("粵港合作框架協議幾時簽㗎？", "雙方由邊個簽？"),
            "guangdong-framework-agreement",
            id="who_signed_for_both_sides_is_asked_of_the_agreement_just_answered",
        ),
        pytest.param(
            ("when did the pan-prd forum begin?", "and its theme?"),
            "pprd-setup",
            id="its_and_a_word_only_the_answer_just_given_says_is_asked_of_that_answer",
        ),
        pytest.param(
            ("CEPA係咩嚟，幾時簽㗎？", "當時邊個代表兩邊簽字？"),
            "cepa-signing",
            id="after_a_question_in_two_parts_the_conversation_goes_on_from_the_second",
        ),
        pytest.param(
            ("粵港澳三地幾時簽咗大灣區框架協議？", "喺邊度簽？"),
            "gba-framework-agreement",
            id="after_a_platforms_name_the_thing_answered_beside_it_goes_on_being_asked_of",
        ),
        pytest.param(
            ("when was the hk beijing office set up?", "and the sichuan one?"),
            "offices-chengdu",
            id="the_other_one_after_an_office_is_the_office_for_the_place_named",
        ),
        pytest.param(
            ("which office covers yunnan?", "and hubei?", "when did that one open?"),
            "offices-wuhan",
            id="and_someplace_after_an_office_is_that_places_office_and_goes_on_about_it",
        ),
        pytest.param(
            ("香港的大湾区发展办公室归哪个局管", "哪一年宣布成立的"),
            "gba-office",
            id="when_an_office_just_answered_was_set_up_is_asked_of_it",
        ),
        pytest.param(
            ("駐京辦幾時成立？", "廣東嗰個呢？"),
            "offices-guangdong",
            id="the_other_one_may_be_the_office_whose_keyword_names_the_place",
        ),
        pytest.param(
            (
                "who chairs the hk/macao high level meeting?",
                "how much is the bridge toll?",
                "and the latest meeting?",
            ),
            "macao-latest",
            id="a_question_declined_without_a_subject_leaves_the_conversation_where_it_was",
        ),
        pytest.param(
            ("who co-chaired the 3rd hk/fujian plenary?", "was anything about youth signed there?"),
            "fujian-plenary-3",
            id="there_after_a_meeting_is_that_meeting",
        ),
        pytest.param(
            (
                "when did the northern metropolis task force first meet?",
                "latest meeting of that task force?",
            ),
            "shenzhen-northern-metropolis",
            id="that_and_a_word_of_the_answer_just_given_point_at_its_thing",
        ),
        pytest.param(
            ("who co-chaired the 23rd hk/guangdong plenary?", "and the one after that?"),
            "guangdong-plenary-24",
            id="the_one_after_a_numbered_meeting_is_the_next_numbered",
        ),
        pytest.param(
            (
                "what is the northern metropolis task force between hk and shenzhen?",
                "第一次會議幾時開？",
            ),
            "shenzhen-northern-metropolis",
            id="the_first_meeting_of_a_task_force_just_answered_about_is_its_own",
        ),
        pytest.param(
            (
                "what is the northern metropolis task force between hk and shenzhen?",
                "最近一次係第幾次？",
            ),
            "shenzhen-northern-metropolis",
            id="the_latest_meeting_of_a_task_force_just_answered_about_is_its_own",
        ),
        pytest.param(
            ("闽港合作会议第三次是什么时候", "香港这边是谁出席主持的"),
            "fujian-plenary-3",
            id="this_side_after_a_place_is_no_new_subject",
        ),
        pytest.param(
            ("CEPA是哪年签署的", "港澳CEPA係幾時簽㗎？"),
            "cepa-hk-macao",
            id="a_keyword_of_another_answer_leaves_the_founding_just_told",
        ),
        pytest.param(
            ("浙港合作会议是啥时候成立的", "在哪个城市"),
            "zhejiang-setup",
            id="in_which_city_said_whole_asks_where_of_the_same_platform",
        ),
        pytest.param(
            (
                "does the HK government have an office just for GBA matters?",
                "who is in charge of that office?",
            ),
            "gba-office",
            id="that_office_is_the_one_just_answered_about_not_every_office",
        ),
        pytest.param(
            (
                "how many co-operation platforms does HK have with the mainland?",
                "which one is the newest?",
                "who led its first meeting on the mainland side",
            ),
            "zhejiang-plenary-1",
            id="which_one_of_the_platforms_goes_on_about_the_one_the_answer_names",
        ),
        pytest.param(
            (
                "What does the National 14th Five-Year Plan say about Hong Kong's positioning?",
                "can you list the four traditional centres",
                "and which year was that plan adopted?",
            ),
            "fyp14-adoption",
            id="that_plan_is_the_plan_itself_not_the_part_just_answered_about",
        ),
        pytest.param(
            (
                "which is the newest HK co-operation conference with a mainland province?",
                "where was it held",
            ),
            "zhejiang-latest",  # its one meeting so far, in Hangzhou
            id="which_is_the_newest_goes_on_about_the_one_the_answer_names",
        ),
        pytest.param(
            ("十四五規劃入面講嘅四個新興中心係咩？", "咁十五五呢？有冇新嘢？"),
            "fyp15-hk-chapter",
            id="what_is_new_in_the_next_plan_is_its_new_roles_for_hong_kong",
        ),
        pytest.param(
            ("CEPA服務貿易協議最近一次修訂係幾時簽？", "幾時開始實施？", "邊個代表香港簽？"),
            "cepa-services-amendment",
            id="who_signed_for_hong_kong_is_asked_of_the_agreement_just_answered_about",
        ),
        pytest.param(
            ("香港政府在内地有几个办事处？", "北京那个是什么时候设立的？"),
            "offices-beijing",
            id="the_beijing_one_after_the_offices_is_the_beijing_office",
        ),
        pytest.param(
            ("閩港合作會議最近一次係第幾次？", "嗰次係幾時開？"),
            "fujian-latest",
            id="when_that_occasion_was_is_asked_of_the_meeting_just_answered_about",
        ),
        pytest.param(
            (
                "Which of our Mainland offices looks after Chongqing?",
                "and Hubei?",
                "when did that one open",
            ),
            "hubei-office",
            id="when_that_one_opened_is_asked_of_the_office_just_answered_about",
        ),
        pytest.param(
            ("香港喺內地有幾多個辦事處", "邊個管重慶？"),
            "chongqing-office",
            id="which_one_runs_a_place_after_the_offices_asks_which_office_covers_it",
        ),
        pytest.param(
            ("香港政府在内地有几个办事处？", "北京那个是什么时候设立的？", "广东的呢"),
            "offices-guangdong",
            id="guangdongs_after_the_beijing_office_is_the_guangdong_office",
        ),
        pytest.param(
            (
                "What's the most recent HK/Guangdong Joint Conference plenary on record?",
                "wasn't it first announced for a different date?",
            ),
            "guangdong-latest",  # its record says the date first announced
            id="the_date_first_announced_is_asked_of_the_meeting_just_answered_about",
        ),
        pytest.param(
            ("does hk have a co-operation platform with macau?", "who leads it for hk"),
            "macao-leaders",
            id="a_platform_named_beside_the_platforms_is_what_goes_on_being_asked_of",
        ),
        pytest.param(
            ("现在的政制及内地事务局局长是谁？", "他是什么时候离任的"),
            "cmab-head",
            id="he_is_the_office_holder_just_answered_about",
        ),
        pytest.param(
            ("政制及内地事务局负责哪些工作？", "现在的局长是谁？", "前任是谁？"),
            "cmab-head",
            id="the_predecessor_is_asked_of_the_office_just_spoken_of",
        ),
        pytest.param(
            ("港澳合作高層會議最近一次係第幾次？", "嗰次有冇傾過大橋嘅嘢？"),
            "macao-latest",
            id="what_was_talked_over_that_time_is_what_that_meeting_agreed",
        ),
        pytest.param(
            (
                "When did HK set up the conference with Hubei?",
                "And Chongqing?",
                "Which is the newest of all of them?",
            ),
            "platforms-newest",
            id="the_newest_of_all_of_them_after_platforms_one_by_one_is_of_the_platforms",
        ),
        pytest.param(
            ("when was the latest HK/Beijing plenary?", "same question for shanghai"),
            "shanghai-latest",
            id="same_question_for_another_place_asks_nothing_of_same",
        ),
        pytest.param(
            ("十四五規劃支持香港鞏固哪些傳統中心？", "那新興中心呢？"),
            "fyp14-emerging-centres",
            id="and_the_emerging_centres_is_what_about_not_that_word_of_the_answer",
        ),
        pytest.param(
            ("香港喺內地有幾多個辦事處", "邊個最早成立"),
            "offices-overview",
            id="the_oldest_of_the_offices_is_told_by_their_overview",
        ),
        pytest.param(
            ("香港喺內地有幾多個辦事處", "成都嗰個管邊啲地方"),
            "offices-chengdu",
            id="the_one_named_by_its_city_is_taken_before_an_answer_the_last_one_offers",
        ),
    ],
)
def test_a_follow_up_leans_on_the_conversation(
    shipped: Engine, turns: tuple[str, ...], entry: str
) -> None:
    """Each case, named for the behaviour it shows: the turns, and the entry answering the last."""
    *_, last = conversation(shipped, *turns)
    assert answered(last) == entry


def test_a_platform_with_a_place_our_sources_lack_is_none_even_with_hong_kong_left_unsaid(
    shipped: Engine,
) -> None:
    *_, last = conversation(
        shipped, "渝港合作會議幾時成立？", "跟天津的合作会议上次是什么时候开的？"
    )
    assert (last.kind, [c.entry.id for c in last.candidates]) == ("decline", ["platforms-list"])


@pytest.mark.parametrize(
    "turns",
    [
        ("who chairs the hk/beijing conference?", "and shandong?"),
        ("请问香港跟上海有合作会议吗 是谁主持的", "那山东呢"),
    ],
)
def test_a_place_only_an_office_covers_after_a_platform_is_asked_of_has_no_platform(
    shipped: Engine, turns: tuple[str, ...]
) -> None:
    *_, last = conversation(shipped, *turns)
    assert (last.kind, [c.entry.id for c in last.candidates]) == ("decline", ["platforms-list"])


@pytest.mark.parametrize(
    "question", ["點解港澳合作高層會議2019年之後冇再開", "沪港合作会议为什么没有固定的召开周期"]
)
def test_why_a_platform_meets_as_it_does_is_not_told(shipped: Engine, question: str) -> None:
    assert shipped.ask(question).not_told


def test_the_time_of_day_asked_after_a_platform_is_declined(shipped: Engine) -> None:
    *_, last = conversation(shipped, "北京呢", "现在几点了")
    assert last.kind == "decline"


def test_a_place_after_an_office_is_asked_of_is_the_office_covering_it(shipped: Engine) -> None:
    *_, last = conversation(shipped, "which office covers hubei?", "and shandong?")
    assert answered(last) == "offices-shanghai"


def test_that_time_in_a_year_after_the_records_is_unrecorded_not_another_answer_of_that_year(
    shipped: Engine,
) -> None:
    *_, last = conversation(shipped, "最近一次行政首長聯席會議喺邊？", "2025年嗰次呢？")
    assert (last.kind, last.unrecorded) == ("decline", True)


def test_a_pronoun_stands_for_the_subject_just_answered(shipped: Engine) -> None:
    *_, duties = conversation(shipped, "駐北京辦事處幾時設立？", "它主要負責哪些工作？")
    assert answered(duties) in ("offices-beijing", "beijing-office")  # both tell of the office


def test_it_asked_for_something_newer_is_not_the_answer_again(shipped: Engine) -> None:
    *_, updates = conversation(shipped, "駐成都辦事處幾時成立？", "佢最近有咩消息？")
    assert answered(updates) != "offices-chengdu"


def test_a_script_tie_follows_the_askers_last_script(shipped: Engine) -> None:
    *_, follow_up = conversation(shipped, "沪港合作会议由谁主持", "那北京呢？")
    assert follow_up.lang == "zh-Hans"


def test_a_script_tie_with_no_history_follows_the_app_language(shipped: Engine) -> None:
    assert shipped.ask("你好", app="zh-Hans").lang == "zh-Hans"
    assert shipped.ask("你好", app="zh-Hant").lang == "zh-Hant"
    assert shipped.ask("你好").lang == "zh-Hant"


def test_what_a_platform_covers_is_not_taken_for_its_latest_meeting(shipped: Engine) -> None:
    answer = answered(shipped.ask("what places does the pan-prd cover"))
    assert answer in {"pprd-overview", "pprd-members"}


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is hong kong's role in the greater bay area", "gba-hk-role"),
        ("八大中心係乜", "fyp14-eight-centres"),
    ],
)
def test_a_loose_question_goes_to_the_entry_the_matcher_clearly_prefers(
    shipped: Engine, question: str, entry: str
) -> None:
    assert answered(shipped.ask(question)) == entry


@pytest.mark.parametrize(
    "question",
    [
        "what's the population of wuhan",
        "is the chief executive married",
        "北部都會區啲樓幾錢呎",
        "駐京辦主任結咗婚未",
        "十五五之後恒指會唔會升",
    ],
)
def test_a_question_naming_no_platform_is_a_near_miss_by_the_words_of_its_best_match(
    shipped: Engine, question: str
) -> None:
    assert shipped.ask(question).kind == "decline"


def test_two_platforms_asked_the_same_thing_get_both_answers(shipped: Engine) -> None:
    outcome = shipped.ask("which came first, the hong kong/shanghai or the beijing conference?")
    assert answered(outcome) == "shanghai-setup"
    assert [e.id for e in outcome.also] == ["beijing-setup"]


def test_a_follow_up_after_a_comparison_asks_both_subjects(shipped: Engine) -> None:
    *_, chairs = conversation(
        shipped, "which came first, the sichuan or the hubei conference?", "who chairs them?"
    )
    assert answered(chairs) == "sichuan-leaders"
    assert [e.id for e in chairs.also] == ["hubei-leaders"]


def test_a_place_where_something_was_signed_is_no_second_subject_to_compare(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("粵港合作框架協議係咪喺北京簽㗎？")
    assert answered(outcome) == "guangdong-framework-agreement"
    assert outcome.also == ()


def test_a_question_in_two_parts_gets_both_answers(shipped: Engine) -> None:
    outcome = shipped.ask("who chairs the hubei conference and how often does it meet?")
    assert answered(outcome) == "hubei-leaders"
    assert [e.id for e in outcome.also] == ["hubei-frequency"]


def test_two_parts_answered_outright_beat_a_weaker_third_answer_to_the_whole(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("CEPA係咩嚟，幾時簽㗎？")
    assert answered(outcome) == "cepa-overview"
    assert [e.id for e in outcome.also] == ["cepa-signing"]


def test_clauses_describing_what_is_asked_leave_the_last_clause_to_ask_it(
    shipped: Engine,
) -> None:
    question = "內地同香港嗰個好似自貿協定咁嘅安排，香港原產貨物全面零關稅係邊年開始？"
    assert answered(shipped.ask(question)) == "cepa-zero-tariff"


def test_a_last_clause_asking_only_of_what_came_before_is_not_asked_alone(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("我想了解一下那个类似自贸协定的东西，它是什么时候开始的？")
    assert outcome.kind == "decline"


def test_the_second_part_of_a_question_naming_nothing_asks_of_the_first_parts_subject(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("京港合作會議係邊年成立？按你手上資料，最近一次係第幾次全體會議？")
    assert answered(outcome) == "beijing-setup"
    assert [e.id for e in outcome.also] == ["beijing-latest"]


def test_two_parts_answered_by_one_entry_get_that_entry(shipped: Engine) -> None:
    outcome = shipped.ask("who co-chaired the 4th fujian plenary, and where was it held?")
    assert answered(outcome) == "fujian-plenary-4"
    assert outcome.also == ()


def test_a_second_part_naming_nothing_gets_no_answer_of_another_subject(shipped: Engine) -> None:
    outcome = shipped.ask("想確認下，京港合作會議第五次全體會議係咪喺香港開？日期係？")
    assert answered(outcome) == "beijing-plenary-5"
    assert outcome.also == ()
    assert outcome.turn is not None and outcome.turn.subject == "beijing"


def test_a_question_followed_by_small_talk_gets_the_questions_answer(shipped: Engine) -> None:
    outcome = shipped.ask(
        "when's the next HK-GD joint conference meeting? need to plan our coverage, thx"
    )
    assert (answered(outcome), outcome.also) == ("guangdong-next", ())


def test_a_question_followed_by_why_it_is_asked_gets_the_questions_answer(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("hi, what is CEPA exactly? thinking about expanding into the GBA")
    assert (answered(outcome), outcome.also) == ("cepa-overview", ())


def test_a_question_followed_by_what_the_asker_thought_is_not_read_as_a_remark(
    shipped: Engine,
) -> None:
    clause = "i thought it rotated between provinces"
    assert not shipped.understanding.only_states(clause, shipped.understanding.read(clause))


def test_a_chinese_question_asking_a_second_thing_after_a_comma_is_read_part_by_part(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("港澳CEPA是什么时候签的，啥时候开始实施？")
    assert answered(outcome) == "cepa-hk-macao"


def test_a_subject_named_before_a_comma_then_asked_of_is_one_question(shipped: Engine) -> None:
    outcome = shipped.ask("粵港合作聯席會議，哪年成立？")
    assert (answered(outcome), outcome.also) == ("guangdong-setup", ())


def test_a_question_in_one_part_gets_one_answer(shipped: Engine) -> None:
    assert shipped.ask("when and where was the cepa signed?").also == ()


def test_when_the_agreement_just_answered_took_effect_is_asked_of_it(shipped: Engine) -> None:
    amendment, effect = conversation(
        shipped,
        "what is the latest amendment to the cepa agreement on trade in services?",
        "幾時開始實施？",
    )
    assert answered(amendment) == answered(effect) == "cepa-services-amendment"


def test_a_numbered_meeting_with_no_record_goes_to_the_answer_that_tells_of_it(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("which city hosted the 10th pan-prd forum")
    assert outcome.entry is not None and not outcome.entry.meetings
    assert "10th" in outcome.entry.answer["en"] and "Guangzhou" in outcome.entry.answer["en"]


def test_an_aspect_asked_of_a_subject_no_alias_names_goes_to_that_aspects_answer(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("邊個牽頭搞香港自己嗰份五年規劃？")) == "hkfyp-lead"


def test_a_question_quoting_one_answer_is_about_that_answer(shipped: Engine) -> None:
    assert answered(shipped.ask("區域合作包唔包括康復人員培訓㗎")) == "areas-overview"


def test_a_follow_up_may_repeat_words_of_the_answer_it_follows(shipped: Engine) -> None:
    amendment, signed = conversation(
        shipped,
        "what is the latest amendment to the cepa agreement on trade in services?",
        "香港邊個代表簽㗎？",
    )
    assert answered(amendment) == answered(signed) == "cepa-services-amendment"


@pytest.mark.parametrize(
    "question",
    [
        "who catered the chongqing conference",
        "who is the spokesperson of the fujian conference",
        "who chairs the legco finance committee",
        "how often does the legislative council meet",
        "浙江省长是谁",
        "who is the mayor of shenzhen now",
    ],
)
def test_a_question_about_something_else_beside_a_platform_is_declined(
    shipped: Engine, question: str
) -> None:
    assert shipped.ask(question).kind == "decline"


def test_who_chairs_a_platform_is_still_its_leaders(shipped: Engine) -> None:
    assert answered(shipped.ask("who chairs the chongqing conference")) == "chongqing-leaders"


def test_the_date_of_a_years_meeting_is_that_meetings(shipped: Engine) -> None:
    outcome = shipped.ask("2021年泛珠行政首长联席会议是哪天召开的？")
    assert answered(outcome) == "pprd-meeting-2021-09-24"


def test_a_wrong_founding_year_is_still_answered_with_the_founding(shipped: Engine) -> None:
    assert (
        answered(shipped.ask("wasn't the hk/beijing conference set up in 2010?")) == "beijing-setup"
    )


def test_a_forum_is_not_taken_for_the_joint_conference_of_the_same_number(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("第一屆泛珠論壇幾時開幕？")) == "pprd-setup"


def test_a_meeting_asked_by_a_year_with_no_record_goes_to_the_answer_telling_of_it(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("where was the pan prd forum held in 2010")) == "pprd-forums"


def test_a_year_beside_an_investment_figure_dates_the_figure_not_a_meeting(
    shipped: Engine,
) -> None:
    assert answered(
        shipped.ask("what share of hubei's foreign investment came from hk in 2021")
    ) == ("hubei-investment")


def test_who_held_an_office_at_a_numbered_meeting_asks_its_chairs(shipped: Engine) -> None:
    assert answered(shipped.ask("第五次京港合作會議的北京市長是誰？")) == "beijing-plenary-5"


def test_who_held_an_office_at_the_meeting_just_spoken_of_asks_its_chairs(
    shipped: Engine,
) -> None:
    *_, outcome = conversation(shipped, "京港第五次呢？", "京港嗰次北京市長係邊個？")
    assert answered(outcome) == "beijing-plenary-5"


@pytest.mark.parametrize(
    "question",
    [
        "what was agreed at the 9th HK/Shanghai conference?",
        "has the 9th HK/Shanghai conference been held yet?",
        "京港合作會議第八次全體會議喺邊度開？",
        "where was the 2019 HK/Beijing conference held?",
        "2025年泛珠行政首長聯席會議喺邊度開？",  # a year after every record
        "2026年的泛珠论坛在哪里举办",
        "粵港聯席會議2025年有冇開過？",  # whether held, in a year after every record
        "明年泛珠論壇會唔會喺香港搞",  # a year still to come
    ],
)
def test_a_meeting_our_sources_have_no_record_of_is_declined_with_the_meetings_offered(
    shipped: Engine, question: str
) -> None:
    outcome = shipped.ask(question)
    assert (outcome.kind, outcome.unrecorded) == ("decline", True)
    assert outcome.candidates[0].entry.id.endswith("-meetings")


def test_an_occasion_claimed_to_be_a_meeting_beyond_the_records_is_answered_with_the_count(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("that was the 7th HK/Shanghai plenary, right?")) == (
        "shanghai-meetings"
    )


def test_a_year_of_something_other_than_a_meeting_is_not_taken_for_a_meeting(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("2022年湖北同香港嘅合作領域有邊啲？")) != "hubei-meetings"


@pytest.mark.parametrize(
    "question",
    [
        "When did the Hong Kong/Tianjin Co-operation Conference start?",
        "who chairs the HK-Jiangsu cooperation conference",
        "魯港合作會議幾時成立？",
        "港瓊合作會議由邊個主持？",
        "does hong kong have a co-operation conference with jiangsu?",
        "香港跟江苏有没有合作会议？",
        "香港有没有和江苏建立合作会议机制？",
        "有冇同海南嘅合作會議",  # Hong Kong left unsaid
        "香港同江蘇嘅合作會議第一次喺邊度開？",
    ],
)
def test_a_platform_with_a_place_our_sources_have_none_with_is_declined(
    shipped: Engine, question: str
) -> None:
    outcome = shipped.ask(question)
    assert (outcome.kind, outcome.unrecorded) == ("decline", True)
    assert [c.entry.id for c in outcome.candidates] == ["platforms-list"]


def test_an_office_of_another_place_does_not_answer_for_the_place_named(
    shipped: Engine,
) -> None:
    assert shipped.ask("驻京办主任现在是哪位").kind == "decline"


def test_the_latest_meeting_asked_with_a_wrong_number_to_check_is_the_latest(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("the last HK/Beijing conference was the 4th one, right?")
    assert answered(outcome) == "beijing-latest"


def test_a_year_decides_between_two_numbers_offered(shipped: Engine) -> None:
    outcome = shipped.ask("was the 2023 HK/Beijing meeting the 4th or the 5th?")
    assert answered(outcome) == "beijing-plenary-5"


def test_an_office_address_our_sources_lack_is_a_near_miss(shipped: Engine) -> None:
    outcome = shipped.ask("what's the address of the HK office in Wuhan?")
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


def test_someone_saying_who_they_are_with_here_is_answered_as_asked(shipped: Engine) -> None:
    outcome = shipped.ask("Singaporean researcher here. What is the HK/Hubei conference?")
    assert answered(outcome) == "hubei-overview"


def test_a_general_word_before_a_detail_does_not_leave_the_conversation(
    shipped: Engine,
) -> None:
    _, projects = conversation(shipped, "渝港合作会议第一次会议在哪开的", "一共多少个合作项目")
    assert projects.entry is not None and projects.entry.topic == "chongqing"


def test_what_a_plan_means_for_hong_kong_asks_of_its_positioning(shipped: Engine) -> None:
    outcome = shipped.ask("what does the 15th five-year plan mean for hk?")
    assert answered(outcome) == "fyp15-hk-chapter"


@pytest.mark.parametrize(
    "question", ["how much is the toll on the hzmb?", "北部都会区多会儿能全部建好"]
)
def test_tolls_and_completion_dates_are_near_misses(shipped: Engine, question: str) -> None:
    assert shipped.ask(question).kind == "decline"


def test_a_narrower_answer_about_the_things_named_beats_the_overview_of_them_all(
    shipped: Engine,
) -> None:
    outcome = shipped.ask("since when has the HK government had a liaison unit in Fujian?")
    assert answered(outcome) == "offices-liaison-units"


def test_whose_turn_it_is_to_host_asks_of_the_next_meeting(shipped: Engine) -> None:
    assert answered(shipped.ask("泛珠行政首長聯席會議2024年輪到邊個省主辦？")) == "pprd-next"


def test_cepa_alone_is_the_mainland_and_hong_kong_arrangement(shipped: Engine) -> None:
    assert answered(shipped.ask("CEPA是哪年签署的")) == "cepa-signing"


def test_a_policy_named_with_a_platform_is_their_joint_thing(shipped: Engine) -> None:
    outcome = shipped.ask("HK and Macao have their own CEPA too? When was it signed?")
    assert answered(outcome) == "cepa-hk-macao"


def test_where_an_agreement_was_signed_is_told_with_its_signing(shipped: Engine) -> None:
    assert answered(shipped.ask("2003年那个经贸协议是在哪签的？")) == "cepa-signing"


@pytest.mark.parametrize(
    "question",
    [
        "I'm a civil servant new to the Macao portfolio. Who leads the HK/Macao high level meeting?",
        "Expat teacher question: who chairs the HK/Shanghai conference?",
        "I work in a casino in Macao. Who leads the HK–Macao high level meeting, I guess?",
    ],
)
def test_a_preamble_or_a_hedge_does_not_make_a_near_miss(shipped: Engine, question: str) -> None:
    assert shipped.ask(question).kind == "answer"


@pytest.mark.parametrize(
    "question",
    [
        "What tariff does the US charge on goods from Hong Kong now?",
        "what was Macao's gaming revenue last year?",
        "十六五规划对香港会有什么新定位",
        "香港駐台灣嗰個辦事處幾時會恢復運作？",  # a prediction
        "港澳合作高层会议是不是应该尽快恢复？谈谈你的看法",  # said after the question
    ],
)
def test_other_countries_and_other_figures_are_near_misses(shipped: Engine, question: str) -> None:
    assert shipped.ask(question).kind == "decline"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        pytest.param(
            "which of our mainland offices covers yunnan?",
            "offices-chengdu",
            id="an_answer_asked_about_by_the_place_named_beats_the_overview_just_ahead",
        ),
        pytest.param(
            "how many areas of co-op did HK and Beijing agree on at their last plenary?",
            "beijing-latest",
            id="the_areas_agreed_at_a_platforms_last_meeting_are_that_meetings",
        ),
        pytest.param(
            "深港合作會議同粵港聯席會議有咩關係？",
            "shenzhen-overview",
            id="how_two_platforms_are_related_is_told_by_the_first_ones_overview",
        ),
    ],
)
def test_a_question_goes_to_the_narrowest_answer_of_what_it_asks(
    shipped: Engine, question: str, entry: str
) -> None:
    """Each case, named for the behaviour it shows."""
    assert answered(shipped.ask(question)) == entry


@pytest.mark.parametrize("question", ["武汉有多少人口？", "What's the population of Guangzhou?"])
def test_a_question_naming_no_subject_matched_only_by_its_word_of_another_kind_is_a_near_miss(
    shipped: Engine, question: str
) -> None:
    outcome = shipped.ask(question)
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


def test_a_question_naming_no_subject_about_a_thing_no_answer_speaks_of_is_declined(
    shipped: Engine,
) -> None:
    assert shipped.ask("請問鴉片戰爭係點樣開始嘅？").kind == "decline"


def test_a_city_where_a_platform_met_does_not_make_it_the_office_there(shipped: Engine) -> None:
    outcome = shipped.ask("What's the new co-operation thing HK set up with Hangzhou?")
    assert outcome.entry is not None and outcome.entry.topic == "zhejiang"
    assert answered(outcome) != "zhejiang-office"


@pytest.mark.parametrize(
    "question",
    ["what's the population of guizhou", "請問上海證券交易所同香港交易所邊個市值大啲？"],
)
def test_a_place_or_a_market_beside_a_platform_is_a_near_miss(
    shipped: Engine, question: str
) -> None:
    assert shipped.ask(question).kind == "decline"


@pytest.mark.parametrize("question", ["保安局局長而家係邊個？", "what does the security bureau do"])
def test_another_bureau_is_a_near_miss(shipped: Engine, question: str) -> None:
    outcome = shipped.ask(question)
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


def test_a_near_miss_asking_of_a_person_is_declined(shipped: Engine) -> None:
    outcome = shipped.ask("what's governor wang weizhong's background, where was he born?")
    assert (outcome.kind, outcome.near_miss) == ("decline", True)


@pytest.mark.parametrize(
    ("question", "offered"),
    [
        ("when was the very first hk macao high level meeting held", "macao-setup"),
        # agreements counted of a meeting whose record says nothing of them
        ("exactly how many agreements were signed at the 24th GD plenary?", "guangdong-plenary-24"),
        ("第24次粤港联席会议签了几份协议？", "guangdong-plenary-24"),
        # anything counted of a meeting whose record gives no number
        (
            "how many extra HZMB private car quotas did HK and Macao agree in 2019?",
            "macao-high-level-11",
        ),
        # the head of an office named by its own name, where another office's answer names its own
        ("GDETO主任係邊個？", "offices-guangdong"),
        ("Who is the current head of the Guangdong ETO?", "offices-guangdong"),
        ("who's the director of the hk wuhan office right now", "offices-wuhan"),
        # where a meeting not yet announced will be held
        ("where will the next hk guangdong joint conference be held", "guangdong-next"),
        ("下一次京港合作會議會唔會喺北京開？", "beijing-next"),
        # every one of what an answer names only some of ("including…")
        ("can you list all 11 liaison units by name pls", "offices-liaison-units"),
        ("川港第二次會議嗰12個範疇逐個列晒出嚟得唔得", "sichuan-plenary-2"),
        # who signed a document at a meeting whose record names only its chairs
        (
            "who signed the tourism agreement on the HK side at the Feb 2023 HK/SZ co-operation meeting?",
            "shenzhen-meeting-2023-02-22",
        ),
        # what a plan not yet published will say
        ("香港自己嗰份五年規劃入面寫咗啲咩目標？", "hkfyp-overview"),
        # which the things are that an answer only counts
        ("前海專班第二次會議簽嗰4份文件係咩嚟", "shenzhen-qianhai"),
        ("灣區領導小組批咗嗰24項政策措施係邊24項", "gba-leading-group"),
        # the present, of an answer that tells only of its own date
        (
            "Who is the current Commissioner for the Development of the Greater Bay Area?",
            "gba-office",
        ),
        ("what's the GBA population as of 2025?", "gba-size"),
        # why a meeting was held when it was: no record says
        ("點解第24次粵港會議由6月27號改咗去7月12號開？", "guangdong-plenary-24"),
        # a meeting by a number the answer about its series never tells of
        (
            "what date was the 6th meeting of the northern metropolis task force",
            "shenzhen-northern-metropolis",
        ),
    ],
)
def test_what_an_answer_says_our_sources_do_not_give_is_declined_with_that_answer_offered(
    shipped: Engine, question: str, offered: str
) -> None:
    outcome = shipped.ask(question)
    assert (outcome.kind, outcome.not_told) == ("decline", True)
    assert [c.entry.id for c in outcome.candidates] == [offered]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("when was the hk macao high level meeting set up", "macao-setup"),
        ("when's the next HK/Beijing plenary?", "beijing-next"),  # the platform, not a venue
        ("who was the first Commissioner for the Development of the GBA", "gba-office"),
        ("which cities are in the gba, list them all", "gba-cities"),  # it names every one
        ("how many documents were signed at the 6th hk shanghai plenary", "shanghai-plenary-6"),
        ("香港五年規劃係乜嘢", "hkfyp-overview"),  # what it is, told though not what it will say
        ("who signed the memorandum at the 4th hk beijing plenary", "beijing-plenary-4"),  # it says
        # the things counted, named after the count or in the sentence before it
        ("2021年深港會議嗰四份協議係咩協議", "shenzhen-meeting-2021-09-06"),
        ("2017年嗰份大灣區框架協議係邊四個人簽？", "gba-framework-agreement"),
        ("gba population in 2017", "gba-size"),
        # the one meeting by number that answer does tell of
        (
            "when was the 7th meeting of the northern metropolis task force",
            "shenzhen-northern-metropolis",
        ),
    ],
)
def test_an_aspect_the_answer_does_give_is_still_answered(
    shipped: Engine, question: str, entry: str
) -> None:
    assert answered(shipped.ask(question)) == entry


def test_which_office_asked_with_a_bare_who_is_answered_though_its_head_is_not_told(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("邊個辦事處負責雲南？")) == "offices-chengdu"


def test_the_head_of_the_office_whose_answer_names_one_is_answered(shipped: Engine) -> None:
    assert answered(shipped.ask("駐上海經貿辦主任係邊個")) == "offices-shanghai"


@pytest.mark.parametrize(
    "question",
    ["2024年泛珠行政首长联席会议由哪个省份承办？", "2024年的泛珠会议当时定了由哪个省主办？"],
)
def test_which_place_was_to_host_a_later_year_is_still_answered(
    shipped: Engine, question: str
) -> None:
    assert shipped.ask(question).kind == "answer"


def test_a_meeting_beyond_the_records_in_a_conversation_is_declined_with_the_meetings_offered(
    shipped: Engine,
) -> None:
    *_, second = conversation(shipped, "what is the hk/hubei conference?", "and its 2nd meeting?")
    assert (second.kind, second.unrecorded) == ("decline", True)
    assert [c.entry.id for c in second.candidates] == ["hubei-meetings"]


def test_what_came_of_that_occasion_in_a_year_after_the_records_is_declined_as_unrecorded(
    shipped: Engine,
) -> None:
    *_, second = conversation(shipped, "泛珠最近一次聯席會議喺邊度開？", "2024年嗰次有咩成果？")
    assert (second.kind, second.unrecorded) == ("decline", True)


def test_agreements_counted_of_a_meeting_whose_record_counts_them_are_answered(
    shipped: Engine,
) -> None:
    assert answered(shipped.ask("how many agreements were signed at the 23rd GD plenary?")) == (
        "guangdong-plenary-23"
    )


@pytest.mark.parametrize("follow_up", ["how many in total?", "一共多少个？"])
def test_how_many_in_all_after_a_list_is_answered_by_the_list(
    shipped: Engine, follow_up: str
) -> None:
    outcome = conversation(shipped, "what areas does the hubei conference cover", follow_up)[-1]
    assert answered(outcome) == "hubei-areas"
