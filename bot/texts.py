"""Every user-facing string, in one catalogue (plain Chinese a villager understands).

Keep messages short, friendly and free of jargon and English. Placeholders use str.format.
"""

from __future__ import annotations

# --- onboarding ------------------------------------------------------------------------------
START_NO_CODE = (
    "您好！我是普法学习助手。\n\n"
    "请先绑定身份：向村里或单位的组织者要一个“绑定码”，然后发送：\n"
    "/start 绑定码\n\n"
    "例如：/start K7P3XM2Q"
)
START_BOUND = "您好，{name}！您已绑定（{unit}，{role}）。发送 /help 看看能做什么。"
BIND_OK = (
    "绑定成功！欢迎您，{name}（{unit}，{role}）。\n"
    "每个学习日我会给您发一条“每日一学”，读完点“✅ 已学习”就记上了。\n"
    "发送 /help 看看还能做什么。"
)
BIND_FAIL = {
    "unknown": "这个绑定码不对。请核对后再发一次，或找组织者要新的绑定码。",
    "used": "这个绑定码已经用过了。如果不是您本人绑定的，请联系组织者。",
    "already_bound": "您的账号已经绑定了其他人员，不能再绑定。如有问题请联系组织者。",
    "same": "您已经绑定过了，不用再绑定。",
    "person_taken": "这个人员已经绑定了别的账号。如需更换，请联系组织者。",
    "inactive": "这个人员已不在名单中，请联系组织者。",
}
START_IN_GROUP = "请私聊我完成绑定：点我的头像，发送 /start 绑定码。"
NOT_BOUND = "您还没有绑定身份。请私聊我发送 /start 绑定码（绑定码向组织者要）。"
NOT_BOUND_ALERT = "您还没绑定身份，记不上。请私聊我发送 /start 绑定码。"
ORGANIZERS_ONLY = "这个功能只有组织者能用。"
PRIVATE_ONLY = "这个功能请私聊我使用。"
GROUP_ONLY = "这个命令要在群里使用。"
UNKNOWN_COMMAND = "没看懂这个命令。发送 /help 查看能用的命令。"
ERROR_GENERIC = "出了点问题，请稍后再试。"

# --- help and the command menu ------------------------------------------------------------
HELP_HEADER = "能用的命令："
HELP_ORGANIZER_HEADER = "组织者命令："
COMMANDS = {
    "start": "绑定身份 / 开始",
    "help": "查看能用的命令",
    "today": "再看一遍今天的学习内容",
    "me": "我的学习记录和课时",
    "push_now": "立即推送今天的学习内容",
    "push_status": "今天的推送情况",
    "bindgroup": "把本群登记为学习群",
    "unbindgroup": "取消本群的学习推送",
}

# --- daily study ----------------------------------------------------------------------------
STUDY_HEADER = "📖 每日一学 · {date}"
STUDY_EXPLANATION = "💡 说一说"
STUDY_CASE = "⚖️ 以案释法"
STUDY_CONTINUED = "（接上条）"
BUTTON_STUDIED = "✅ 已学习"
BUTTON_SHOW_TODAY = "📖 看今天的内容"
STUDY_RECORDED = "已记录，今天您是第 {rank} 位完成学习的 👍"
STUDY_RECORDED_LATE = "已补记 {date} 的学习 👍"
STUDY_ALREADY = "您今天已经学过了"
STUDY_ALREADY_LATE = "{date} 的内容您已经学过了"
STUDY_TOO_LATE = "这一期已过补学期限（{days} 天），不能再记录了"
STUDY_GONE = "这条内容已失效"
STUDY_ITEM_MISSING = "这条学习内容已下线。"
TODAY_NONE = "还没有推送过学习内容。每个学习日 {time} 推送。"
TODAY_EARLIER = "今天还没到推送时间（{time}）。下面是最近一期（{date}）："
REMINDER = "{name}，今天的“每日一学”还没学哦，花两分钟看一看吧 📖"

# --- /me ------------------------------------------------------------------------------------
ME = (
    "📋 {name}的学习记录\n"
    "本月学习：{month_days} 天\n"
    "今年学习：{year_days} 天\n"
    "连续学习：{streak} 天\n"
    "今年学习时长：{minutes} 分钟（折合 {hours} 课时）\n"
    "最近一次：{last}"
)
ME_NEVER = "还没有"

# --- organizers -----------------------------------------------------------------------------
PUSH_STARTED = (
    "已开始推送今天（{date}）的学习内容：{people} 人、{groups} 个群（已推送过的不会重复）。"
)
PUSH_NOTHING = "今天（{date}）没有可推送的学习内容（内容库为空？）。"
PUSH_STATUS = (
    "📊 今天（{date}）的推送情况\n"
    "已送达：{sent}\n"
    "排队中：{pending}\n"
    "发送失败：{failed}\n"
    "对方已屏蔽：{blocked}\n"
    "今日已学习：{studied} 人"
)
PUSH_STATUS_BLOCKED = "\n\n屏蔽了机器人、收不到推送的人员（{count}）：\n{names}"
BINDGROUP_ASK = "请选择本群的类型："
BINDGROUP_CADRE = "干部晨学群"
BINDGROUP_VILLAGER = "村（居）学法群"
BINDGROUP_DONE = (
    "已登记：本群为{kind}{unit}。每个学习日 {time} 推送“每日一学”，群成员各自点“✅ 已学习”记录。"
)
BINDGROUP_UNIT = "（{unit}）"
BINDGROUP_NO_UNIT = "没有找到单位“{unit}”。请核对名称，或不写单位直接发送 /bindgroup。"
UNBINDGROUP_DONE = "已取消本群的学习推送。"
UNBINDGROUP_NONE = "本群还没有登记为学习群。"
TRACK_NAMES = {"cadre": "干部", "villager": "村（居）民"}

WEEKDAYS = "一二三四五六日"


def short_date(month: int, day: int, weekday: int) -> str:
    """11月27日 周五"""
    return f"{month}月{day}日 周{WEEKDAYS[weekday]}"


# --- quizzes --------------------------------------------------------------------------------
COMMANDS.update(
    {
        "quiz": "做几道题（和今天学的内容有关）",
        "review": "复习错题本里的题",
        "exam": "参加考试",
        "groupquiz": "在本群出几道题",
        "exam_results": "查看考试结果",
    }
)
BUTTON_QUIZ = "📝 做题"
QUESTION_KIND = {"single": "单选题", "multiple": "多选题（可选多个）", "judge": "判断题"}
QUESTION_HEADER = "📝 第 {n} 题（共 {total} 题）· {kind}"
EXAM_HEADER = "📝 {title} · 第 {n} 题（共 {total} 题）· 剩余 {minutes} 分钟"
POLL_PREFIX = "第{n}题/共{total}题 "
BUTTON_SUBMIT = "✅ 提交"
ANSWER_RIGHT = "✅ 答对了！"
ANSWER_WRONG = "❌ 答错了。正确答案：{answer}"
ANSWER_EXPLANATION = "💡 {text}"
ANSWER_REFERENCE = "📖 依据：{reference}"
ANSWER_NOTED = "已作答，下一题 👇"
ANSWER_NOT_YOURS = "这道题是发给别人的，您答不了"
ANSWER_ALREADY = "这道题您已经答过了"
ANSWER_EXPIRED = "这道题已经过期了，发送 /quiz 重新做题"
ANSWER_GONE = "这道题已失效"
ANSWER_EMPTY = "请先选择答案，再点提交"
ANSWER_RECORDED = "已记录"
QUIZ_NONE = "题库里暂时没有适合您的题目。"
QUIZ_PRIVATE_SENT = "题目已私聊发给您，请到和我的对话里作答 📝"
ROUND_DONE = "本轮做完了：共 {total} 题，答对 {right} 题。{review}"
ROUND_REVIEW_NOTE = "答错的题已记入错题本，过几天会再考您（发送 /review 可随时复习）。"
ROUND_ALL_RIGHT = "全部答对，真棒！👍"
REVIEW_NONE = "错题本是空的，没有要复习的题 👍"
GROUPQUIZ_START = "📝 群测验：{n} 道题，大家直接点选项作答，答题会记入个人记录。"
GROUPQUIZ_NONE = "没有适合本群的题目。"
GROUPQUIZ_NOT_GROUP = "本群还没有登记为学习群，请先发送 /bindgroup。"
GROUPQUIZ_UNBOUND = "{names}：您还没有绑定身份，答题记不上。请私聊我发送 /start 绑定码。"

# --- exams ----------------------------------------------------------------------------------
EXAM_LIST = "可以参加的考试："
EXAM_NONE = "现在没有您可以参加的考试。"
EXAM_BUTTON = "{title}（{size} 题，{minutes} 分钟）"
EXAM_RULES = (
    "📋 {title}\n共 {size} 题，限时 {minutes} 分钟，{pass_score} 分及格（满分 100）。\n"
    "时间到会自动交卷。开始吧！"
)
EXAM_NO_ATTEMPTS = "这场考试您已经考过了（最多 {attempts} 次）。"
EXAM_CLOSED = "这场考试现在不开放。"
EXAM_NOT_FOR_YOU = "这场考试不面向您。"
EXAM_IN_PROGRESS = "您正在考试中，请先答完当前的题。"
EXAM_DONE = "📋 {title} 交卷了\n答对 {right} / {total} 题，得分 {score} 分 —— {verdict}"
EXAM_TIMEOUT_NOTE = "（时间到，已自动交卷，没答的题算错）"
EXAM_PASS = "及格 ✅"
EXAM_FAIL = "不及格 ❌"
EXAM_RESULTS_PICK = "查看哪场考试的结果？"
EXAM_RESULTS = (
    "📊 {title}\n应考 {audience} 人，已考 {taken} 人，及格 {passed} 人，平均分 {average}\n"
    "未参加（{missing_count}）：{missing}"
)
EXAM_RESULTS_NOBODY = "无"
EXAM_NO_EXAMS = "还没有考试。在 content/exams/ 里添加考试文件。"

# --- /me additions --------------------------------------------------------------------------
ME_QUIZ = "\n答题：{answered} 道，正确率 {accuracy}\n考试及格：{passed} 场\n错题本：{reviews} 道"
EXAM_POLL_PREFIX = "第{n}题/共{total}题·剩{minutes}分钟 "

# --- training and attendance ------------------------------------------------------------------
COMMANDS.update(
    {
        "checkin": "培训签到：/checkin 签到码",
        "session_new": "新建培训（签到）",
        "attendance": "查看和标记培训签到",
        "session_close": "结束培训签到",
    }
)
SESSION_ANNOUNCE = "📢 培训通知"
SESSION_REMIND = "⏰ 培训提醒：马上开始"
SESSION_LINES = (
    "<b>{title}</b>（{kind}·{mode}）\n时间：{when}，{hours} 课时\n{place_label}：{place}\n"
    "签到时间：{opens} 至 {closes}"
)
SESSION_PLACE = "地点"
SESSION_LINK = "会议链接"
SESSION_HOW_OFFLINE = "到现场后发送 /checkin 签到码，或扫现场的二维码签到。"
SESSION_HOW_ONLINE = "开始后点下面的“签到”按钮。"
BUTTON_CHECKIN = "✍ 签到"
CHECKIN_PRESENT = "✅ 签到成功：{title}（{when}）"
CHECKIN_LATE = "✅ 已签到：{title}。您迟到了，记为“迟到”。"
CHECKIN_ALREADY = "您已经签过到了：{title}"
CHECKIN_TOO_EARLY = "还没到签到时间：{title} 的签到从 {opens} 开始。"
CHECKIN_TOO_LATE = "签到时间已过：{title} 的签到在 {closes} 结束了。有特殊情况请找组织者。"
CHECKIN_CLOSED = "这次培训已经结束签到了。"
CHECKIN_WRONG = "签到码不对，请核对后再发（还能试 {left} 次）。"
CHECKIN_LOCKED = "签到码输错次数太多，请 10 分钟后再试，或找组织者签到。"
CHECKIN_UNKNOWN = "没有找到这次培训，请核对签到码或二维码。"
CHECKIN_USAGE = "请发送：/checkin 签到码（签到码是 4–6 位数字，现场屏幕上有）"
SESSION_CREATED = (
    "已新建培训 #{id}：{title}\n签到码：{code}（{opens} 至 {closes} 有效）\n签到链接：{link}\n"
    "培训通知会发给 {audience} 人。下面是签到二维码，可打印张贴在会场。"
)
SESSION_ASK_TITLE = "新建培训。请发送培训名称（发送 /cancel 可随时取消）："
SESSION_ASK_KIND = "请选择培训类型："
SESSION_ASK_MODE = "线上还是线下？"
SESSION_ASK_START = "请发送开始时间，例如：12-05 09:00 或 2026-12-05 09:00"
SESSION_ASK_HOURS = "请发送课时数，例如：2"
SESSION_ASK_PLACE_OFFLINE = "请发送培训地点，例如：镇政府三楼会议室"
SESSION_ASK_PLACE_ONLINE = "请发送会议链接或会议号"
SESSION_ASK_AUDIENCE = "培训对象是谁？"
AUDIENCE_ALL = "全体人员"
AUDIENCE_CADRES = "干部"
AUDIENCE_VILLAGERS = "法律明白人等村民"
SESSION_BAD_TIME = "时间格式不对，请按 12-05 09:00 这样发送。"
SESSION_BAD_HOURS = "课时应是 0 到 24 之间的数字，例如 2 或 1.5。"
SESSION_CANCELLED = "已取消，没有新建培训。"
SESSION_NONE = "还没有培训。发送 /session_new 新建。"
SESSION_PICK = "选择一次培训："
ATTENDANCE_HEADER = "📋 {title}（{when}）\n应到 {expected} 人：出席 {present}，迟到 {late}，请假 {excused}，缺席 {absent}，未签到 {pending}"
ATTENDANCE_PEOPLE = "\n{label}：{names}"
ATTENDANCE_MARK_HINT = "\n\n点下面的按钮为未签到的人标记："
ATTENDANCE_MARKED = "已标记 {name}：{status}"
BUTTON_MARK_PRESENT = "到"
BUTTON_MARK_EXCUSED = "假"
BUTTON_MARK_ABSENT = "缺"
BUTTON_NEXT_PAGE = "下一页 ▶"
SESSION_CLOSED = "已结束签到：{title}，{absent} 人记为缺席。"
SESSION_ALREADY_CLOSED = "这次培训已经结束签到了。"
ME_HOURS = "\n课时（本月 / 今年）：培训 {tm} / {ty}，学习 {sm} / {sy}，合计 {am} / {ay}"

# --- legal FAQ ------------------------------------------------------------------------------
COMMANDS.update(
    {
        "ask": "法律咨询：/ask 您的问题",
        "unanswered": "没答上或没帮上的咨询",
        "answer": "回复咨询：/answer 编号 回复内容",
    }
)
FAQ_QUESTION = "💬 {question}"
FAQ_REFERENCES = "📖 法律依据：{references}"
FAQ_DISCLAIMER = "（以上是一般性的法律知识，具体情况可找村调委会、司法所或拨打 12348 咨询。）"
FAQ_RELATED = "您可能还想问："
FAQ_HELPFUL = "👍 有帮助"
FAQ_UNHELPFUL = "👎 没帮助"
FAQ_HANDOVER = "这个问题我还答不好，已经记下来转给工作人员，他们会尽快回复您。您也可以直接联系："
FAQ_GUESSES = "或者，您是不是想问："
FAQ_OUTSIDE = "“{topic}”方面的事，我这里的法律问答还没有收录，已经记下来转给工作人员。"
FAQ_OUTSIDE_WHERE = "这类事一般找：{where}。"
FAQ_OUTSIDE_CONTACTS = "有法律上的问题，也可以直接联系："
FAQ_SMALL_TALK = (
    "我是普法小助手，专门解答法律方面的问题。"
    "有事直接打字问我就行，比如：“邻居占了我家地基咋办”“老板不给工钱咋整”。"
)
FAQ_SMALL_TALK_GROUP = (
    "我是普法小助手，专门解答法律方面的问题。在群里请 @我 或者用 /ask 提问，"
    "比如：/ask 邻居占了我家地基咋办"
)
FAQ_ASK_USAGE = "请这样问：/ask 您的问题，例如 /ask 邻居占了我家宅基地咋办"
FAQ_THANKS = "谢谢您的反馈！"
FAQ_SORRY = "谢谢反馈，已转给工作人员，他们会再联系您。"
FAQ_NOT_YOURS = "只有提问的人才能评价这个回答"
FAQ_OPEN_NONE = "最近没有未答上或没帮上的咨询 👍"
FAQ_OPEN_HEADER = "最近没答上 / 没帮上的咨询（回复用 /answer 编号 内容）："
FAQ_OPEN_LINE = "{n}. {text}（{count} 次{unhelpful}）编号：{ids}"
FAQ_OPEN_UNHELPFUL = "，有人点了没帮助"
FAQ_ANSWER_USAGE = "请这样回复：/answer 编号 回复内容"
FAQ_ANSWER_UNKNOWN = "没有编号为 {id} 的咨询。"
FAQ_ANSWER_SENT = "已把回复发给提问人（咨询 #{id}）。"
FAQ_ANSWER_FAILED = "回复已记录，但没能发给提问人（对方可能屏蔽了机器人）。"
FAQ_STAFF_REPLY = "📮 工作人员回复您的咨询：\n“{question}”\n\n{reply}"

# --- reports --------------------------------------------------------------------------------
COMMANDS.update({
    "report": "统计报表：/report 本月 [单位]",
    "annual": "年度法治报告统计段落：/annual 2026",
    "inactive": "多少天没学习的人：/inactive 7",
})  # fmt: skip
REPORT_SUMMARY = (
    "📊 {label}\n"
    "每日一学：推送 {pushes} 期，参学 {records} 人次（{studying} 人），平均参学率 {rate}\n"
    "培训：{sessions}，共 {hours} 课时，参训 {trained} 人，出勤率 {attendance}\n"
    "测验：{rounds} 次，答题 {answers} 道，正确率 {accuracy}；考试参加 {exams} 人次、通过 {passed}\n"
    "法律咨询：{asked} 件，机器人解答 {bot}，转人工 {handed}，工作人员解答 {staff}"
)
REPORT_NO_SESSIONS = "未开展"
REPORT_UNITS = "\n\n各单位参学率："
REPORT_UNIT_LINE = "\n{n}. {unit} {rate}（{people} 人）"
REPORT_IDLE = "\n\n近 {days} 天没学习的：{count} 人{names}"
REPORT_FILES = "完整报表见 Excel 文件，图表见图片。"
REPORT_BAD = "{reason}"
ANNUAL_HEADER = "📄 {year}年统计段落（可直接用于年度法治政府建设报告）：\n\n"
INACTIVE_NONE = "最近 {days} 天每个人都学习过了 👍"
INACTIVE_LIST = "最近 {days} 天没学习的（{count} 人）：\n{names}"
BUTTON_NUDGE = "📣 提醒他们学习"
NUDGE_SENT = "已安排提醒 {count} 人（今天已提醒过的不会重复）。"
NUDGE = "{name}，好几天没看“每日一学”了，花两分钟学一学吧 📖"
WEEKLY_HEADER = "🗓 上周学法情况"

# --- small words used in several messages ---------------------------------------------------
AND_MORE = " 等 {count} 人"
FRIEND = "朋友"
NEVER_STUDIED = "从未学习"
LAST_STUDIED = "{name}（{unit}）最近一次：{last}"
NOT_CHECKED_IN = "未签到"
EXAM_DEFAULT_TITLE = "考试"
JUDGE_TRUE = "✔ 对"
JUDGE_FALSE = "✘ 错"
SESSION_BAD_TITLE = "培训名称应为 1–60 个字"
SESSION_BAD_KIND = "培训类型应为：{kinds}"
SESSION_BAD_HOURS_RANGE = "课时应大于 0、不超过 24"
SESSION_NO_TZ = "开始时间缺少时区"
SESSION_BAD_UNITS = "没有这些单位：{units}"
SESSION_NO_CODES = "签到码用完了，请先结束一些培训"
SESSION_UNKNOWN = "没有编号为 {id} 的培训"
SHEET_BAD_HEADER = "第 1 行: 表头应有 姓名、单位、状态"
SHEET_UNKNOWN_PERSON = "第 {line} 行: 名单里没有 {unit} 的 {name}"
SHEET_BAD_STATUS = "第 {line} 行: 状态 {status!r} 不认识（出席、迟到、请假、缺席）"


def month_day(month: int, day: int) -> str:
    """12月1日"""
    return f"{month}月{day}日"
