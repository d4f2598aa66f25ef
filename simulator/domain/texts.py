"""Plausible words for petitions, replies and reasons, drawn from the petition's own stream."""

from __future__ import annotations

import random

# (titles, what happened): a matter's titles say the same problem in the words different petitioners
# use (so the month's topics group more than one wording); {place} is the village or town, {n} a
# number that makes each text its own.
_MATTERS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "neighbourhood_dispute": (
        (("邻居新砌围墙堵住排水沟", "围墙挡住排水沟院子积水", "邻居砌墙堵塞排水沟"),
         "{place}邻居上月新砌的围墙挡住了排水沟，下雨后院子积水{n}厘米，协商未果。"),
        (("宅基地边界纠纷", "与邻户宅基地边界争议", "宅基地界址有争执"),
         "与邻户因宅基地边界相差约{n}厘米发生争执，双方多次争吵，请求调解。"),
        (("邻居装修噪音扰民", "邻居夜间装修噪音大", "装修噪音影响休息"),
         "{place}邻居装修连续{n}天晚上十点后施工，影响老人和孩子休息。"),
        (("共用通道被占", "邻户杂物占用共用通道", "共用通道堆放杂物"),
         "邻户在共用通道堆放杂物约{n}平方米，出入不便，劝说无效。"),
    ),
    "village_affairs": (
        (("村集体收入账目不公开", "村集体账目未公示", "要求公开村集体土地收入账目"),
         "{place}村集体出租土地收入约{n}万元，账目至今未公开，村民要求公示。"),
        (("村道修缮费用分摊不合理", "修路费用按户摊派有异议", "村道修路摊派不合理"),
         "村里修路按户摊派{n}元，部分村民认为分摊办法未经村民代表会议。"),
        (("低保评定有异议", "低保评定过程未公示", "对低保评定结果有异议"),
         "{place}今年低保评定{n}户，评定过程未公示，请求复核。"),
    ),
    "labour_wages": (
        (("工地拖欠工资", "包工头拖欠农民工工资", "工地工资被拖欠"),
         "在{place}附近工地务工{n}天，包工头拖欠工资至今未付。"),
        (("企业未签劳动合同", "企业不签劳动合同不缴社保", "未签劳动合同未缴社保"),
         "在本地一家企业工作{n}个月，未签劳动合同，也未缴纳社保。"),
        (("加班费未发放", "工厂加班费一直未发", "拖欠加班费"), "工厂连续{n}周安排加班，加班费一直未发放。"),
    ),
    "environment": (
        (("小作坊废水排入河道", "作坊偷排废水河道发臭", "废水直排河道"),
         "{place}一家作坊每天向溪里排放废水，下游约{n}米河段发黑发臭。"),
        (("养殖场气味严重", "养殖场臭味扰民", "村边养殖场气味大"), "村边养殖场气味严重，周边{n}户居民无法开窗。"),
        (("夜间焚烧垃圾", "田边焚烧垃圾烟雾大", "有人夜里焚烧垃圾"), "有人夜间在{place}田边焚烧垃圾，已持续{n}晚。"),
    ),
    "urban_management": (
        (("占道经营影响通行", "主街摊位占道经营", "占道经营堵塞道路"),
         "{place}主街两侧占道经营摊位约{n}个，早晚高峰通行困难。"),
        (("违章搭建", "小区违章搭建遮挡采光", "有人违章搭建"), "小区内有人违章搭建约{n}平方米，遮挡邻居采光。"),
        (("路灯损坏未修", "路灯坏了一个多月没人修", "多盏路灯损坏"),
         "{place}一段路有{n}盏路灯损坏一个多月未修，夜间出行不安全。"),
    ),
    "social_security": (
        (("养老保险待遇核定有误", "养老金核定比去年少", "养老保险待遇计算有误"),
         "今年养老保险待遇核定比去年少{n}元，请求重新核算。"),
        (("医保报销迟迟未到账", "住院医保报销未到账", "医保报销款未到账"), "住院医保报销材料已交{n}天，费用仍未到账。"),
    ),
    "land_expropriation": (
        (("征地补偿标准不一致", "同一地块征地补偿不同", "征地补偿标准不统一"),
         "{place}征地补偿同一地块相差{n}元每亩，请求说明标准。"),
        (("拆迁安置房迟迟未交付", "安置房逾期未交付", "拆迁安置房延期交付"),
         "拆迁安置房约定交付已逾期{n}个月，临时安置费也停发了。"),
    ),
    "public_security": (
        (("夜间聚众赌博", "出租房聚众赌博", "有人聚众赌博影响安宁"),
         "{place}一处出租房夜间聚众赌博，已持续{n}周，影响周边安宁。"),
        (("电动车多次被盗", "小区电动车被盗", "电动车被盗请求加强巡逻"),
         "小区近{n}个月有多辆电动车被盗，请求加强巡逻。"),
    ),
    "litigation": (
        (("不服法院判决", "对民事判决不服", "不服判决请求重新处理"),
         "对{n}年的民事判决不服，认为事实认定有误，请求重新处理。"),
        (("判决执行不到位", "胜诉判决迟迟未执行", "法院判决未执行"), "胜诉后对方拖欠{n}万元至今未执行。"),
    ),
    "discipline": (
        (("反映村干部违纪问题", "村干部工程发包收受好处", "举报村干部违纪"),
         "反映{place}村干部在工程发包中收受好处约{n}万元。"),
        (("反映公职人员作风问题", "公职人员工作时间饮酒", "反映公职人员上班饮酒"),
         "反映有公职人员工作时间多次饮酒，已有{n}次。"),
    ),
}  # fmt: skip
_GENERIC = ((("其他诉求", "其他问题请求协调"), "{place}群众反映的其他问题，涉及约{n}户，请求有关部门协调解决。"),)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程楼方傅"
_GIVEN = "芳伟娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红海燕林斌鹏飞玉梅文博浩宇欣怡"


def matter(rng: random.Random, category: str, place: str) -> tuple[str, str]:
    """A title and a description of what happened, for a matter of this category at this place."""
    titles, content = rng.choice(_MATTERS.get(category, _GENERIC))
    title = rng.choice(titles)
    n = rng.randint(2, 300)
    return title, content.format(place=place, n=n)


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


REJECT_REASONS = (
    "不属于信访事项受理范围，已告知诉求人依法通过其他途径解决。",
    "诉求人已就同一事项提起诉讼，不予受理。",
    "反映事项缺乏基本事实和依据，经核实不予受理。",
)
REDIRECTS = ("人民法院", "劳动人事争议仲裁委员会", "纪律检查委员会、监察委员会")
TO_DEPARTMENT_REASONS = ("该事项属于{unit}职责，按职能转办。", "经初核，该事项由{unit}主管，转交办理。")
TO_NEIGHBOUR_REASONS = ("经初核，事项发生地在{place}，转交所在地办理。", "该事项属{place}辖区，按属地原则转办。")
REFER_UP_REASONS = ("涉及跨辖区协调，本级无法处理，报上级。", "事项涉及多个部门，报请上级统筹。")
ESCALATE_REASONS = ("多次调解未果，报上级协调处理。", "涉及政策把握问题，提请上级研究。")
EXTEND_REASONS = ("需要进一步调查取证，经单位负责人批准延期。", "需组织听证和多方协调，申请延期。")
REPLIES = (
    "经调查核实，已组织双方调解，达成一致意见，问题已解决。",
    "经实地核查，已责令相关方限期整改，并将持续跟踪。",
    "经研究，诉求部分合理，已按政策予以解决，其余部分已作解释说明。",
    "经核查，已督促有关单位落实，相关款项已于本月发放。",
)
REVIEW_REASONS = ("对处理意见不满意，问题实际没有解决。", "处理意见与事实不符，请求上级复查。")
FEEDBACK_COMMENTS = {
    True: ("问题解决了，谢谢。", "处理及时，满意。"),
    False: ("问题没有真正解决。", "处理太慢，不满意。"),
}
LEADERS = ("镇党委书记", "镇长", "县委副书记", "副县长", "县信访局局长", "市信访局副局长", "副市长", "省信访局副局长")

# The work across units: what leads ask of assisting units, what they answer, what supervisors demand.
TASK_ASKS = (
    "请协助核实当事人反映的情况，并提出处理意见。",
    "请提供相关审批材料，并说明办理依据。",
    "请派员参与现场调查，共同做好调解工作。",
    "请核查涉事企业（个人）的相关情况并反馈。",
)
TASK_REPORTS = (
    "已派员现场核实，情况基本属实，建议依法依规处理。",
    "已调取相关材料，未发现审批手续，建议责令整改。",
    "已约谈相关当事人，对方同意配合处理。",
    "经核查，反映问题不属实，已向当事人说明。",
)
RELEASE_REASONS = ("该事项不属于本单位职责范围。", "本单位已无相关管理权限，建议另行协调。")
RELEASE_DECISIONS = {True: ("同意退出，另行协调。", "经核实确非其职责。"), False: ("涉及该单位职责，请继续协办。",)}
CLOSE_REASONS = ("主办单位已调解处理完毕，无需再协办。", "当事人已达成和解，协办事项不再需要。")
CONSULT_MINUTES = ("各单位介绍了核查情况，当事人双方陈述了意见。", "会议听取了主办单位的情况汇报，协办单位发表了意见。")
CONSULT_CONCLUSIONS = ("由主办单位牵头，协办单位配合，十日内办结。", "明确责任分工，按政策妥善处理，及时答复信访人。")
SUPERVISION_DEMANDS = ("请于三个工作日内报告办理进展。", "该件办理时间较长，请加快办理并报告进展。")
SUPERVISION_REPORTS = ("已组织双方调解，正在落实处理意见。", "已完成调查核实，正在形成答复意见。")
INSTRUCTIONS = ("请高度重视，依法依规妥善处理，及时回应群众诉求。", "请相关部门协同配合，尽快化解矛盾。")
NOTES = ("已电话联系信访人，告知办理进度。", "已上门走访，了解具体情况。", "已与相关单位沟通协调。")

# The work between units (issue 10, part A): send-backs, rulings, extension decisions.
OBJECTION_REASONS = (
    "该事项不属于本单位职责范围，请求改派。",
    "反映问题发生地不在本辖区，申请退回。",
    "涉及专业执法事项，建议由县级职能部门办理。",
)
UPHOLD_REASONS = ("经核实，异议成立，改由职能部门办理。", "属地核实有误，改派有权处理单位。")
DISMISS_REASONS = ("经核实属本单位职责，异议不成立，请按时办理。", "属地管理责任明确，维持原交办。")
DENY_REASONS = ("延期理由不充分，请按期办结。", "事实清楚，无需延期。")
CATEGORY_REASONS = (
    "经初核，反映事项实际属于{category}，更正类别。",
    "登记类别有误，按反映的主要诉求更正为{category}。",
)

WITHDRAW_REASONS = ("已与对方私下协商解决。", "问题已自行解决，不再需要处理。", "家中有事，暂不再反映。")
CALLBACK_COMMENTS = {
    "satisfied": ("对处理结果满意。", "感谢及时处理。"),
    "basically_satisfied": ("基本满意，希望后续跟进。", "问题大体解决。"),
    "dissatisfied": ("问题没有真正解决。", "对处理结果不满意。"),
}
CALLBACK_REASONS = {
    "satisfied": ("resolved", "timely", "good_attitude", "reply_clear"),
    "basically_satisfied": ("resolved", "too_slow", "reply_unclear"),
    "dissatisfied": ("not_resolved", "too_slow", "poor_attitude", "policy_disagreement"),
}
