"""Bible screen: project editors, voice-profile form validated inline, relationship graph."""

from __future__ import annotations

import holoviews as hv
import pytest
from dashboard_helpers import sample_state

from novelcraft.dashboards.bible_screen import NEW, BibleScreen
from novelcraft.dashboards.relationship_graph import relationship_graph


@pytest.fixture
def screen(workspace):
    return BibleScreen(state=sample_state(workspace))


def test_loads_the_bible_into_editors_and_form(screen):
    bible = screen.state.ws.get_bible(screen.state.project)
    assert screen.synopsis == bible.project.synopsis
    assert screen.character == bible.characters[0].name
    assert screen.form.char_name == bible.characters[0].name
    assert screen.form.tags["endings"].value == bible.characters[0].speech_style.endings
    assert NEW in screen.param.character.objects


def test_saving_synopsis_world_plot_persists(screen):
    screen.param.update(synopsis="새 시놉시스", worldbuilding="새 세계", plot_outline="1~5화: 시작")
    screen.save_info()
    info = screen.state.ws.get_bible(screen.state.project).project
    assert (info.synopsis, info.worldbuilding, info.plot_outline) == (
        "새 시놉시스", "새 세계", "1~5화: 시작",
    )  # fmt: skip
    assert screen.message_kind == "success"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda f: setattr(f, "char_name", "  "), "char_name"),
        (lambda f: f.tags["endings"].add("-거 든"), "endings"),
        (lambda f: f.tags["banned_endings"].add(f.tags["endings"].value[0]), "banned_endings"),
        (lambda f: f.tags["catchphrases"].add("가" * 40), "catchphrases"),
        (lambda f: setattr(f, "char_name", "서하린"), "char_name"),  # another character's name
    ],
)
def test_an_invalid_voice_profile_names_the_field_and_saves_nothing(screen, change, field):
    before = screen.state.ws.export_bible(screen.state.project)
    change(screen.form)
    screen.save_character()
    assert field in screen.form.errors
    assert screen.message_kind == "danger"
    if field in screen.form.tags:
        assert screen.form.tags[field].error == screen.form.errors[field]
    assert screen.state.ws.export_bible(screen.state.project) == before


def test_a_valid_voice_profile_is_saved(screen):
    form = screen.form
    form.tags["catchphrases"].add("두고 봐")
    form.tags["endings"].value = [e for e in form.tags["endings"].value if e != "-지"]
    form.param.update(formality="반말_기본", emotion_style="냉소형")
    screen.save_character()
    assert form.errors == {}
    saved = screen.state.ws.get_bible(screen.state.project).characters[0]
    assert "두고 봐" in saved.speech_style.catchphrases
    assert "-지" not in saved.speech_style.endings
    assert saved.speech_style.emotion_style == "냉소형"


def test_renaming_carries_relationships_and_new_character_is_added(screen):
    old = screen.character
    screen.form.char_name = "강도윤2"
    screen.save_character()
    bible = screen.state.ws.get_bible(screen.state.project)
    assert old not in [c.name for c in bible.characters]
    assert any("강도윤2" in (r.from_, r.to) for r in bible.relationships)
    screen.character = NEW
    screen.form.char_name = "신인물"
    screen.form.tags["endings"].add("-네")
    screen.save_character()
    assert screen.state.ws.get_bible(screen.state.project).characters[-1].name == "신인물"
    assert screen.character == "신인물"


def test_relationship_graph_has_a_node_per_character_and_an_edge_per_relationship(screen):
    bible = screen.state.ws.get_bible(screen.state.project)
    overlay = relationship_graph(bible)
    graph = overlay.get(0)
    assert isinstance(graph, hv.Graph)
    assert len(graph.nodes) == len(bible.characters)
    assert len(graph) == len(bible.relationships)
    assert sorted(graph.dimension_values("kind")) == sorted(r.kind for r in bible.relationships)
    hv.render(overlay)  # draws without error


def test_characters_seasons_and_relationships_are_added_and_removed(screen):
    ws, slug = screen.state.ws, screen.state.project

    def stored():
        return ws.get_bible(slug)

    names = screen.names
    seasons_before = len(stored().seasons)
    screen.param.update(season_title="새 시즌")
    number, first = screen.season_number, screen.season_first
    screen.add_season()
    assert screen.message_kind == "success", screen.message
    added = [s for s in stored().seasons if s.number == number]
    assert added and added[0].first_episode == first and added[0].title == "새 시즌"
    screen.param.update(season_number=number + 1, season_first=first, season_last=first + 3)
    screen.add_season()  # overlaps the one just added
    assert screen.message_kind == "danger" and "겹칩니다" in screen.message
    assert len(stored().seasons) == seasons_before + 1
    screen.season_pick = number
    screen.delete_season()
    assert len(stored().seasons) == seasons_before

    screen.param.update(rel_from=names[0], rel_to=names[0], rel_kind="라이벌")
    screen.add_relationship()
    assert screen.message_kind == "danger" and "서로 다른 두 인물" in screen.message
    count = len(stored().relationships)
    screen.param.update(rel_from=names[0], rel_to=names[-1], rel_kind="숙적")
    screen.add_relationship()
    assert len(stored().relationships) == count + 1
    assert stored().relationships[-1].kind == "숙적"
    screen.rel_pick = count
    screen.delete_relationship()
    assert len(stored().relationships) == count

    victim = names[-1]
    linked = sum(victim in (r.from_, r.to) for r in stored().relationships)
    screen.character = victim
    screen.delete_character()
    assert victim not in [c.name for c in stored().characters]
    assert all(victim not in (r.from_, r.to) for r in stored().relationships)
    assert (f"관계 {linked}개" in screen.message) == bool(linked)


def test_the_graph_has_a_legend_with_korean_roles(screen):
    from novelcraft.dashboards.bible_lists import graph_legend

    legend = graph_legend().object
    assert "주인공" in legend and "조연" in legend and "관계의 종류" in legend


def test_formality_reads_as_korean_and_keeps_unknown_values(screen):
    from novelcraft.dashboards.voice_form import formality_label, formality_options

    assert formality_label("반말_기본") == "반말 (기본)"
    assert formality_options("궁중어")["궁중어"] == "궁중어"  # an imported value stays
    picker = screen.form._formality_picker()
    screen.form.formality = "존댓말_기본"
    assert picker.value == "존댓말_기본" and "존댓말 (기본)" in picker.options
    picker.value = "반말_기본"
    assert screen.form.formality == "반말_기본"
