"""Repeated function (DESIGN §13, seed 003 §13 mode collapse): an outline that does what one of
the last K outlines did is warned before drafting, naming the earlier episode, and fed to the
outline retry like a guard failure. The threshold is calibrated here on written outlines."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from canon_story import Story, run_of

from novelcraft.backends.offline import OfflineBackend
from novelcraft.canon.repetition import check_outline, cosine, function_text, profile
from novelcraft.context import voice_profiles
from novelcraft.pipeline import generate_episode, plan_outline
from novelcraft.settings import CanonSettings

THRESHOLD = CanonSettings().repeat_threshold


def _outline(scenes, hook, cast=("강도윤", "서하린")) -> dict:
    return {
        "scenes": [
            {"scene_number": i + 1, "goal": g, "conflict": c, "twist": t, "characters": list(cast)}
            for i, (g, c, t) in enumerate(scenes)
        ],
        "ending_hook": hook,
    }


# Five outlines an author might write for consecutive episodes: each does something else.
DISTINCT = [
    _outline(
        [
            ("도윤이 사법연수원 수료식에서 회귀를 깨닫는다", "기억과 다른 동기들의 얼굴", None),
            ("시장 방화 사건의 용의자를 먼저 찾아간다", "경찰이 이미 엉뚱한 사람을 잡았다", None),
            (
                "방화 현장에서 미래의 증거를 미리 확보한다",
                "현장 보존선을 넘을 권한이 없다",
                "불이 나기 전 날짜의 영수증",
            ),
        ],
        "수료식 사진 속에 죽었어야 할 사람이 웃고 있다",
    ),
    _outline(
        [
            (
                "하린이 국선 변호인으로 도윤과 법정에서 맞선다",
                "서로의 논리가 정면으로 부딪친다",
                None,
            ),
            (
                "재판 휴정 중 복도에서 협상을 시도한다",
                "하린은 거래를 경멸한다",
                "하린도 무언가 알고 있다",
            ),
            ("판결 직후 증인이 사라진다", "증인 보호 기록이 지워졌다", None),
        ],
        "하린의 휴대폰에 도윤의 미래 번호로 문자가 온다",
    ),
    _outline(
        [
            ("만석의 골목 사무실에서 정보원을 구한다", "만석은 공짜로 움직이지 않는다", None),
            ("상인회 장부를 훔쳐 보기 위해 잠입한다", "경비가 예상보다 빨리 돌아온다", None),
            (
                "장부의 숫자로 한성그룹의 돈줄을 짚어낸다",
                "숫자가 7년 뒤의 기억과 어긋난다",
                "장부에 도윤 자신의 이름이 있다",
            ),
            ("만석이 대가로 위험한 부탁을 한다", "부탁을 들어주면 수사가 늦어진다", None),
        ],
        "골목 끝에서 백운결의 차가 시동을 건다",
    ),
    _outline(
        [
            ("백운결이 도윤을 만찬에 초대한다", "초대를 거절하면 의심을 산다", None),
            ("만찬장에서 법무실장의 화법을 읽어낸다", "운결은 한 수 앞을 내다본다", None),
            (
                "돌아오는 길에 미행을 따돌린다",
                "택시 기사가 운결의 사람이다",
                "기사가 쪽지를 건넨다",
            ),
        ],
        "쪽지에는 도윤이 죽던 날의 날짜가 적혀 있다",
    ),
    _outline(
        [
            ("채아가 특종을 쫓아 검찰청에 나타난다", "기자에게 흘리면 수사가 망가진다", None),
            ("도윤이 채아를 역으로 정보원 삼는다", "채아는 취재원을 절대 밝히지 않는다", None),
            (
                "채아의 기사 초안에서 실종자 명단을 본다",
                "명단이 한 명 더 길다",
                "그 이름은 채아 자신",
            ),
        ],
        "다음 날 아침 신문 1면에 도윤의 사진이 실린다",
    ),
]


def _similarity(a, b, names=("강도윤", "서하린", "박만석")) -> float:
    return cosine(profile(function_text(a, names)), profile(function_text(b, names)))


def test_distinct_outlines_stay_well_below_the_threshold():
    scores = [_similarity(a, b) for a, b in combinations(DISTINCT, 2)]
    assert max(scores) < THRESHOLD / 2


def test_repeats_reach_it_however_they_are_dressed():
    first = DISTINCT[0]
    renamed = json.loads(json.dumps(first, ensure_ascii=False).replace("도윤", "만석"))
    for scene in renamed["scenes"]:
        scene["characters"] = ["박만석"]
    reordered = dict(first, scenes=list(reversed(first["scenes"])), ending_hook="새로운 훅")
    reworded = json.loads(json.dumps(first, ensure_ascii=False))
    reworded["scenes"][1]["conflict"] = "경찰이 벌써 엉뚱한 사람을 잡아 두었다"
    reworded["scenes"][2]["goal"] = "방화 현장에서 미래의 증거를 먼저 확보해 둔다"
    for variant in (renamed, reordered, reworded):
        assert _similarity(first, variant) >= THRESHOLD


def test_the_demo_writers_outlines_do_not_trip_it(sample_bible_path):
    """Calibration on the offline writer: 60 outlines, each against the 10 before it."""
    from novelcraft.bible import read_bible_file

    bible = read_bible_file(sample_bible_path)
    voices = voice_profiles(bible.characters, 4000)
    offline = OfflineBackend()
    outlines = {}
    for n in range(1, 61):
        prompt = f"{n}화의 장면별 아웃라인을 설계해주세요.\n## 등장 캐릭터\n{voices}\n"
        answer = offline.execute(prompt, schema=None, options=offline.Options(purpose="outline"))
        outlines[n] = json.loads(answer)
    names = [c.name for c in bible.characters]
    for n in range(2, 61):
        earlier = [(m, outlines[m]) for m in range(max(1, n - 10), n)]
        assert check_outline(n, outlines[n], earlier, threshold=THRESHOLD, names=names) is None


@pytest.fixture
def project(workspace, sample_bible_path):
    return workspace.import_bible(sample_bible_path)


def _repeating_story() -> Story:
    copy = json.loads(json.dumps(DISTINCT[0], ensure_ascii=False).replace("수료식", "졸업식"))
    return Story(outlines={1: [DISTINCT[0]], 2: [DISTINCT[1]], 3: [copy, DISTINCT[2]]})


def test_a_repeating_outline_is_warned_and_retried_with_the_warning_fed_back(workspace, project):
    logs = []
    story = _repeating_story()
    run = run_of(workspace, project, story, use_retry=True, log=lambda lv, m: logs.append((lv, m)))
    for number in (1, 2):
        plan_outline(run, number)
    outline = plan_outline(run, 3)
    assert outline.model_dump()["scenes"][0]["goal"] == DISTINCT[2]["scenes"][0]["goal"]
    warnings = [m for lv, m in logs if lv == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "3화 아웃라인이 1화와 같은 기능을 반복합니다"
    )
    prompts = [c.prompt for c in run.backend.calls if "3화의 장면별" in c.prompt]
    assert len(prompts) == 2
    assert "이전 아웃라인의 문제" not in prompts[0] and warnings[0] in prompts[1]


def test_in_warn_mode_the_outline_is_kept_and_the_report_lists_it(workspace, project):
    workspace.settings.canon.repeat_action = "warn"
    logs = []
    story = _repeating_story()
    run = run_of(workspace, project, story, use_retry=True, log=lambda lv, m: logs.append(m))
    for number in (1, 2, 3):
        generate_episode(run, number)
    assert story.calls[3] == 1
    assert any(m.startswith("3화 아웃라인이 1화와 같은 기능을 반복합니다") for m in logs)
    season = workspace.canon_report(project).seasons[0]
    assert [(r.episode, r.earlier_episode) for r in season.repeated_functions] == [(3, 1)]
    assert [f.kind for f in season.findings] == ["repeated_function"]
    assert season.findings[0].quote.startswith("도윤이 사법연수원 졸업식에서")


def test_an_authors_repeating_outline_is_kept_and_warned(workspace, project):
    from novelcraft.models import Outline
    from novelcraft.pipeline import set_outline

    logs = []
    run = run_of(workspace, project, Story(), log=lambda lv, m: logs.append((lv, m)))
    set_outline(run, 1, Outline.model_validate(DISTINCT[0]))
    set_outline(run, 2, Outline.model_validate(DISTINCT[1]))
    assert logs == []
    reordered = dict(DISTINCT[0], scenes=list(reversed(DISTINCT[0]["scenes"])))
    for i, scene in enumerate(reordered["scenes"]):
        reordered["scenes"][i] = dict(scene, scene_number=i + 1)
    set_outline(run, 3, Outline.model_validate(reordered))
    assert [lv for lv, _ in logs] == ["warning"]
    assert logs[0][1].startswith("3화 아웃라인이 1화와 같은 기능을 반복합니다")
    assert (
        workspace.get_episode(project, 3).outline.scenes[0].goal == reordered["scenes"][0]["goal"]
    )
