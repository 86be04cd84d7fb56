"""Default texts of the reference lists (editable on screen; every edit is a new version).

- The 15-item negative list for leading cadres follows seed 003 (张家界市: 以县处级干部为重点，
  对照“六项纪律”划定15项负面清单，关注社交圈、生活圈、休闲圈 — 邪教和封建迷信活动、违规操办婚丧嫁娶、
  赌博吸毒色情、违反社会公德家庭美德 …); the items not named in the seed are drafted from the six
  disciplines and are defaults for the local committee to adjust.
- The ten negative and ten positive items for families follow seed 000 (宁海县家庭助廉“三交底”：
  廉洁持家正面清单十项、“八小时外”负面清单十项).
"""

LEADER_NEGATIVE = [
    "参与邪教组织或者封建迷信活动",
    "违规操办婚丧喜庆事宜，借机敛财",
    "组织、参与赌博或者以打牌等名义变相赌博",
    "吸食毒品或者参与涉毒活动",
    "参与色情活动，出入色情场所",
    "违反社会公德、家庭美德，失德失范",
    "接受可能影响公正执行公务的宴请、旅游、健身、娱乐等活动安排",
    "违规出入私人会所，参与高消费娱乐活动",
    "违规收送礼品礼金、消费卡和电子红包",
    "违规饮酒，工作日午间饮酒或者酒后驾驶",
    "与管理服务对象不当交往，搞“小圈子”“拜码头”",
    "违规从事营利活动，违规经商办企业、兼职取酬",
    "违规借用管理服务对象钱款、住房、车辆",
    "在网络上发表违背党的理论和路线方针政策的言论",
    "对配偶、子女及其配偶和身边工作人员失管失教",
]

FAMILY_NEGATIVE = [
    "不以家属身份干预干部工作、插手干部职权范围内的事务",
    "不代干部收受他人礼品、礼金、消费卡和电子红包",
    "不利用干部职权或者职务影响经商办企业、承揽工程",
    "不接受可能影响干部公正履职的宴请和娱乐活动",
    "不参与赌博，不出入色情、涉毒等场所",
    "不借婚丧喜庆等事宜大操大办、借机敛财",
    "不向管理服务对象借用钱款、住房、车辆",
    "不以干部名义打招呼、托人情、办私事",
    "不攀比炫富，不追求奢靡享乐",
    "不参与邪教组织和封建迷信活动",
]

FAMILY_POSITIVE = [
    "支持干部忠诚干净担当，当好“廉内助”",
    "常吹廉洁“枕边风”，及时提醒干部守纪律、讲规矩",
    "勤俭持家，养成健康文明的生活方式",
    "遵守家规家训，涵养清正廉洁家风",
    "教育子女自立自强，不搞特殊化",
    "如实配合干部报告个人有关事项",
    "亲戚朋友请托办事的，坦然拒绝并告知干部",
    "有人上门送礼的，当面拒收或者及时告知组织",
    "参加“廉内助”文化交流等家庭助廉活动",
    "支持干部参加社区“双报到”和志愿服务，接受群众监督",
]

DEFAULT_LISTS = {
    "leader_negative": LEADER_NEGATIVE,
    "family_negative": FAMILY_NEGATIVE,
    "family_positive": FAMILY_POSITIVE,
}
