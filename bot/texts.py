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
