"""Chinese names for the key paths of a rules file (``points.events`` → 点数事项目录).

:data:`GLOSSARY` maps every key path of the rules schema (:mod:`kpi.rules.schema`)
to the Chinese name of its last key. Keys chosen by the user (an event code, a
curve name, a 职务 in ``by_role``) are written ``*``; list indexes are left out
(``grades.bands.min`` is the ``min`` of any band). ``tests/i18n`` checks that
every field of the schema has an entry, and that no entry names a field the
schema does not have. This module does not import the schema: it is read by
messages that the schema itself may raise.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "name": "考核办法名称",
    "version": "版本号",
    "source": "发文依据",
    "effective_from": "生效日期",
    "base_score": "基础分",
    "points": "点数",
    "points.person_cap": "个人点数上限",
    "points.person_cap.add": "加点上限",
    "points.person_cap.deduct": "扣点上限",
    "points.department_cap": "部门点数上限",
    "points.department_cap.add": "加点上限",
    "points.department_cap.deduct": "扣点上限",
    "points.events": "点数事项目录",
    "points.events.*.name": "事项名称",
    "points.events.*.points": "默认点数",
    "points.events.*.max_per_period": "每期合计上限",
    "coefficients": "系数",
    "coefficients.post_category": "岗位系数",
    "coefficients.role": "职务系数",
    "indicators": "指标",
    "indicators.level_multiplier": "层级系数",
    "indicators.cap": "完成率计分上限",
    "indicators.late_factor": "逾期系数",
    "indicators.curves": "计分曲线",
    "indicators.curves.*.mode": "取值方式",
    "indicators.curves.*.points": "曲线点",
    "weighting": "加权",
    "weighting.rank_score": "排名得分",
    "weighting.rank_score.method": "换算方法",
    "weighting.rank_score.table": "名次得分表",
    "weighting.rank_score.default": "默认得分",
    "weighting.rank_score.top": "最高分",
    "weighting.rank_score.step": "每名次递减分",
    "weighting.rank_score.floor": "最低分",
    "weighting.rank_score.bottom": "末位得分",
    "weighting.leader_in_charge": "分管领导权重",
    "weighting.leader_in_charge.zone": "园区得分权重",
    "weighting.leader_in_charge.departments": "分管部门得分权重",
    "weighting.leader_in_charge.evaluation": "测评得分权重",
    "weighting.main_leader": "主要领导权重",
    "weighting.main_leader.zone": "园区得分权重",
    "weighting.main_leader.evaluation": "测评得分权重",
    "department": "部门",
    "department.weights": "部门得分权重",
    "department.weights.indicators": "指标得分权重",
    "department.weights.city": "市级得分权重",
    "department.weights.evaluation": "测评得分权重",
    "individual": "个人",
    "individual.weights": "个人综合得分权重",
    "individual.weights.department": "部门得分权重",
    "individual.weights.personal": "个人得分权重",
    "individual.weights.evaluation": "测评得分权重",
    "individual.by_role": "按职务的个人权重",
    "individual.by_role.*.department": "部门得分权重",
    "individual.by_role.*.personal": "个人得分权重",
    "individual.by_role.*.evaluation": "测评得分权重",
    "roles": "职务",
    "roles.main_leader": "主要领导职务",
    "roles.leader_in_charge": "分管领导职务",
    "roles.department_head": "部门负责人职务",
    "grades": "等次",
    "grades.quota_scope": "名额范围",
    "grades.quota_rounding": "名额取整方式",
    "grades.bands": "等次列表",
    "grades.bands.name": "等次名称",
    "grades.bands.min": "最低分",
    "grades.bands.quota": "名额比例",
    "grades.bands.quota_by_department_grade": "按部门等次的名额比例",
    "grades.bands.factor": "等次系数",
    "veto": "一票否决",
    "veto.items": "否决事项",
    "veto.score_cap": "得分上限",
    "veto.max_grade": "最高等次",
    "veto.forfeit_bonus": "取消奖金",
    "veto.cascade": "连带否决",
    "veto.cascade.department_head": "连带部门负责人",
    "veto.cascade.leader_in_charge": "连带分管领导",
    "veto.cascade.members": "连带部门成员",
    "bonus": "奖金",
    "bonus.mode": "发放方式",
    "bonus.pool": "奖金总额",
    "bonus.yuan_per_point": "每点数奖励金额",
    "bonus.include_leaders": "领导是否同表发放",
    "service": "企业诉求",
    "service.respond_days": "回应时限（工作日）",
    "service.resolve_days": "办结时限（工作日）",
    "service.calendar": "工作日历",
    "service.calendar.statutory": "法定节假日",
    "service.calendar.holidays": "另行放假日期",
    "service.calendar.workdays": "另行上班日期",
    "service.events": "诉求事项",
    "service.events.late_response": "逾期回应事项",
    "service.events.late_resolution": "逾期办结事项",
    "service.events.on_time": "按时办结事项",
    "evaluation": "测评",
    "evaluation.groups": "评价方权重",
    "evaluation.votes": "测评等次分数",
    "evaluation.trim": "去掉最高最低分个数",
    "evaluation.min_raters": "最少评分人数",
    "annual": "年度考核",
    "annual.quarter_weights": "季度权重",
    "annual.weights": "年度得分权重",
    "annual.weights.quarters": "季度平均分权重",
    "annual.weights.evaluation": "年终测评权重",
    "annual.min_quarters": "最少季度数",
    "annual.veto_any_quarter": "季度否决计入年度",
    "annual.veto_max_grade": "被否决者最高年度等次",
    "annual.grades": "年度考核等次",
    "annual.grades.quota_scope": "名额范围",
    "annual.grades.quota_rounding": "名额取整方式",
    "annual.grades.bands": "等次列表",
    "annual.grades.bands.name": "等次名称",
    "annual.grades.bands.min": "最低分",
    "annual.grades.bands.quota": "名额比例",
    "annual.grades.bands.quota_by_department_grade": "按部门等次的名额比例",
    "annual.grades.bands.factor": "等次系数",
    "annual.bonus": "年度奖金",
    "annual.bonus.pool": "年度奖金总额",
}

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def describe(path: str) -> str:
    """The Chinese words for a key path, or ``""`` when none of it is a schema key.

    ``points.events[3].code`` → ``点数事项目录 第4项 code``: each schema key by its
    name, a list index as 第n项 (1-based), a key of the user's own (an event code)
    as written. A name contained in the next one is left out (点数 before 点数事项目录).
    """
    words: list[str] = []
    pattern = ""
    known = False
    named = False  # the last word is a schema name
    for match in _PART.finditer(path):
        key, index = match.groups()
        if index is not None:
            words.append(f"第{int(index) + 1}项")
            named = False
            continue
        field = f"{pattern}.{key}" if pattern else key
        wild = f"{pattern}.*" if pattern else "*"
        if field in GLOSSARY:
            pattern = field
            name = GLOSSARY[field]
            if named and words[-1] in name:
                words.pop()
            words.append(name)
            known = named = True
        else:
            pattern = wild
            words.append(key)
            named = False
    return " ".join(words) if known else ""


def gloss(path: str, lang: str) -> str:
    """A rules key path for a reader in ``lang``: in Chinese with its names in
    brackets (``points.events（点数事项目录）``); in English, or when no part of it
    is a rules key, the path unchanged."""
    if lang != "zh":
        return path
    words = describe(path)
    return f"{path}（{words}）" if words else path
