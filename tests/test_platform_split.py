"""Platform split (`export --format munpia|naver|kakao`): piece lengths, nothing lost or
repeated, cuts after hooks, the manifest, the files and bad input."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_helpers import corpus_files, corpus_text, lines

from novelcraft.export_platform import PRESETS, render_piece
from novelcraft.platform_split import (
    MIN_PIECE_CHARS,
    SourceEpisode,
    max_piece_chars,
    prose_chars,
    segment_text,
    source_text,
    split_serial,
)


def _paragraphs_of_corpus() -> list[str]:
    out = []
    for path in corpus_files():
        out += [p.strip() for p in lines(corpus_text(path)) if "🙝" not in p]
    return out


CORPUS = _paragraphs_of_corpus()


def corpus_episode(number: int, chars: int, seed: int, scenes: int = 3) -> SourceEpisode:
    """Real prose paragraphs until `chars` characters with spaces, cut into scenes by ###."""
    rng = random.Random(seed)
    start = rng.randrange(len(CORPUS))
    chosen, size = [], 0
    while size < chars:
        paragraph = CORPUS[(start + len(chosen)) % len(CORPUS)]
        chosen.append(paragraph)
        size += len(paragraph)
    step = max(1, len(chosen) // scenes)
    blocks = ["\n\n".join(chosen[i : i + step]) for i in range(0, len(chosen), step)]
    return SourceEpisode(number, f"제목 {number}", "\n\n###\n\n".join(blocks))


def assert_lossless(episodes, split):
    texts = {e.number: source_text(e) for e in episodes}
    joined: dict[int, str] = {n: "" for n in texts}
    previous = None
    for piece in split.pieces:
        for segment in piece.segments:
            # Segments follow each other: same episode continues where the last one stopped.
            if previous is not None and previous.episode == segment.episode:
                assert segment.start == previous.end
            joined[segment.episode] += segment_text(texts, segment)
            previous = segment
    assert joined == texts


def assert_within_limits(split, target):
    assert [p.number for p in split.pieces] == list(range(1, len(split.pieces) + 1))
    for piece in split.pieces:
        assert MIN_PIECE_CHARS <= piece.chars <= max_piece_chars(target), piece


@pytest.mark.parametrize(
    ("lengths", "target"),
    [
        ([9200] * 3, 5500),  # NovelCraft episodes at the short end (7,000 without spaces)
        ([12000] * 4, 5500),  # and at the long end
        ([10500, 9300, 11800, 9900, 12000], 5500),
        ([30000], 5500),  # one very long manuscript
        ([3000, 4000, 2500, 5000, 3500, 4200, 2800, 4100], 5500),  # short source episodes
        ([10500] * 6, 5000),
        ([10500] * 6, 6000),
    ],
)
def test_real_prose_of_several_lengths(lengths, target):
    episodes = [corpus_episode(n, size, seed=n) for n, size in enumerate(lengths, start=1)]
    split = split_serial(episodes, target)
    assert split.warning == ""
    assert_within_limits(split, target)
    assert_lossless(episodes, split)
    # The counts add up to the source's, less the space at a cut between two sentences.
    inner = sum(p.cut in ("sentence", "space") for p in split.pieces)
    total = sum(prose_chars(source_text(e)) for e in episodes)
    assert total - inner <= sum(p.chars for p in split.pieces) <= total


@pytest.mark.parametrize("target", [5500, 6000, 7000])
def test_a_long_serial_averages_close_to_the_target(target):
    """Near the target, not just inside the limits (a short total can force pieces toward a
    limit: 30,045 characters are five pieces of ~6,000 or six of ~5,000)."""
    episodes = [corpus_episode(n, 10500, seed=n) for n in range(1, 21)]
    sizes = [p.chars for p in split_serial(episodes, target).pieces]
    assert abs(sum(sizes) / len(sizes) - target) < 0.03 * target


SYLLABLES = "가나다라마바사아자차카타파하는을를이가에서도윤하린"
ENDINGS = ("다.", "다.", "까?", "다!", "는데…", "요.")


def generated_episode(number: int, size: int, rng: random.Random, shape: dict) -> SourceEpisode:
    paragraphs: list[str] = []
    while sum(len(p) for p in paragraphs) < size:
        roll = rng.random()
        if roll < shape["scenes"]:
            paragraphs.append(rng.choice(["###", "***", "* * *", "◇◇◇"]))
        elif roll < shape["scenes"] + 0.03:
            paragraphs.append("   ")
        else:
            count = shape["long"] if rng.random() < 0.05 else rng.randint(1, 4)
            sentences = [
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, shape["sentence"])))
                + rng.choice(ENDINGS)
                for _ in range(count)
            ]
            paragraphs.append(" ".join(sentences))
    return SourceEpisode(number, "", shape["separator"].join(paragraphs))


@st.composite
def serials(draw, min_episodes: int):
    """Episodes of 9,000-13,000 characters; hypothesis varies their sizes and shape."""
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    shape = {
        "scenes": draw(st.sampled_from([0.0, 0.02, 0.1])),
        "long": draw(st.sampled_from([5, 20, 60])),  # sentences in an occasional long paragraph
        "sentence": draw(st.sampled_from([15, 40, 90])),
        "separator": draw(st.sampled_from(["\n", "\n\n", "\r\n\r\n"])),
    }
    sizes = draw(
        st.lists(
            st.integers(min_value=9000, max_value=13000),
            min_size=min_episodes,
            max_size=min_episodes + 3,
        )
    )
    return [generated_episode(n, size, rng, shape) for n, size in enumerate(sizes, start=1)]


def feasible_from(target: int) -> int:
    """The total above which any serial can be cut inside the limits: from k pieces on,
    k pieces at the maximum reach past k + 1 at the minimum (5,500: 25,010 characters;
    5,000: 55,022, since 5,000-5,500 is a narrow band)."""
    low, high = MIN_PIECE_CHARS + 2, max_piece_chars(target) - 2
    k = -(-low // (high - low))
    return k * low


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([5000, 5500, 6000]), st.data())
def test_any_serial_is_cut_within_limits_and_without_loss(target, data):
    episodes = data.draw(serials(min_episodes=3 if target > 5000 else 6))
    split = split_serial(episodes, target)
    assert_lossless(episodes, split)
    assert all(p.chars >= MIN_PIECE_CHARS for p in split.pieces)
    if sum(prose_chars(source_text(e)) for e in episodes) >= feasible_from(target):
        assert split.warning == ""
    if split.warning == "":
        assert_within_limits(split, target)
    else:  # a total the limits cannot divide: some piece is longer instead
        assert split.warning == "long"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_rendered_piece_has_the_counted_length_and_the_platform_line_breaks(preset):
    episodes = [corpus_episode(n, 10500, seed=n, scenes=4) for n in (1, 2, 3)]
    split = split_serial(episodes)
    texts = {e.number: source_text(e) for e in episodes}
    style = PRESETS[preset]
    for piece in split.pieces:
        body = render_piece(piece, texts, style)
        paragraphs = [
            line
            for line in body.split(style.line_break)
            if line.strip() and line != style.scene_break
        ]
        assert sum(len(line) for line in paragraphs) == piece.chars
        assert "###" not in body
        assert not body.startswith(style.line_break) and body.endswith(style.line_break)
        if style.line_break == "\r\n":
            assert "\n" not in body.replace("\r\n", "")
        else:
            assert "\r" not in body
        # Every paragraph is its own line with a blank line after it.
        assert style.line_break * 3 not in body.replace(
            style.line_break * 2 + style.scene_break + style.line_break * 2, ""
        )


def test_a_cut_prefers_the_paragraph_after_a_hook():
    plain = "그는 서류를 넘기며 다음 증인의 진술을 천천히 읽어 내려갔다. " * 2  # 66 chars
    hook = "그때 복도 끝에서 누군가 그의 이름을 불렀다. 설마 그 사람이?"
    paragraphs, size = [], 0
    while size < 11000:
        # A hook paragraph at ~5,200 characters, plain ones everywhere else (no scene breaks).
        text = hook if 5150 <= size < 5230 and hook not in paragraphs else plain.strip()
        paragraphs.append(text)
        size += len(text)
    episode = SourceEpisode(1, "", "\n\n".join(paragraphs))
    split = split_serial([episode], 5500, hook_phrases=["그때", "설마"])
    first = split.pieces[0]
    assert first.cut == "hook"
    tail = segment_text({1: source_text(episode)}, first.segments[-1]).rstrip()
    assert tail.endswith(hook)
    # The same text without the hook is cut right on the target instead.
    no_hook = SourceEpisode(1, "", "\n\n".join(plain.strip() for _ in paragraphs))
    other = split_serial([no_hook], 5500).pieces[0]
    assert other.cut == "paragraph" and abs(other.chars - 5500) < abs(first.chars - 5500)


def test_a_serial_too_short_for_the_limits_never_goes_under_the_minimum():
    one = [corpus_episode(1, 9200, seed=3)]
    split = split_serial(one)
    assert split.warning == "long"
    assert all(p.chars >= MIN_PIECE_CHARS for p in split.pieces)
    assert_lossless(one, split)
    tiny = [corpus_episode(1, 3000, seed=4)]
    short = split_serial(tiny)
    assert short.warning == "short" and len(short.pieces) == 1
    assert_lossless(tiny, short)


@pytest.mark.parametrize("size", [4999, 5000, 5001, 5002, 6050, 6051, 9999, 10001])
def test_totals_at_the_edges_of_the_limits(size):
    """One paragraph of exactly `size` characters (no cut point inside): one piece, with a
    warning exactly when it is outside the limits."""
    episode = SourceEpisode(1, "", "가" * size)
    split = split_serial([episode])
    assert [p.chars for p in split.pieces] == [size]
    assert_lossless([episode], split)
    expected = "short" if size < 5000 else "long" if size > 6050 else ""
    assert split.warning == expected


def test_a_paragraph_longer_than_a_piece_is_cut_inside_at_a_sentence():
    sentence = "그는 서류를 넘기며 다음 증인의 진술을 천천히 읽어 내려갔다. "
    episode = SourceEpisode(1, "", (sentence * 480).strip())  # one 16,800-character paragraph
    split = split_serial([episode])
    assert_within_limits(split, 5500)
    assert_lossless([episode], split)
    assert {p.cut for p in split.pieces[:-1]} == {"sentence"}


def test_target_under_the_minimum_is_refused():
    with pytest.raises(ValueError, match="minimum"):
        split_serial([corpus_episode(1, 9000, seed=1)], 4000)


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def project(workspace, sample_bible_text):
    from novelcraft.bible import parse_bible

    slug = workspace.create_project(parse_bible(sample_bible_text, "sample.yaml"))
    for n in (1, 2, 3):
        episode = corpus_episode(n, 10500, seed=n)
        workspace.create_episode(slug, n, title=episode.title, content=episode.content)
    workspace.close()
    return slug


def test_export_writes_numbered_pieces_and_a_manifest(cli, ws_dir, project, tmp_path):
    out = tmp_path / "munpia"
    result = cli("--workspace", ws_dir, "export", project, "--format", "munpia", "-o", out)
    assert result.code == 0, result.err
    assert result.out.strip() == str(out)
    assert "문피아: 원고 3화 → 플랫폼" in result.err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in out.glob("munpia-*.txt"))
    assert files == [e["file"] for e in manifest["episodes"]]
    assert [e["platform_episode"] for e in manifest["episodes"]] == list(range(1, len(files) + 1))
    assert {n for e in manifest["episodes"] for n in e["source_episodes"]} == {1, 2, 3}
    for entry in manifest["episodes"]:
        assert 5000 <= entry["chars_with_spaces"] <= 6050
        assert entry["source_titles"] == [f"제목 {n}" for n in entry["source_episodes"]]
    csv_lines = (out / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("platform_episode,file") and len(csv_lines) == len(files) + 1

    naver = tmp_path / "naver"
    assert cli("--workspace", ws_dir, "export", project, "--format", "naver", "-o", naver).code == 0
    assert b"\r\n" in (naver / "naver-0001.txt").read_bytes()


def test_export_refuses_a_folder_with_files_in_it(cli, ws_dir, project, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "mine.txt").write_text("작가의 파일", encoding="utf-8")
    result = cli("--workspace", ws_dir, "export", project, "--format", "kakao", "-o", out)
    assert result.code == 2 and result.err.count("\n") == 1
    assert str(out) in result.err and "비어 있지 않은 폴더" in result.err
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".taken")] == []


def test_platform_chars_setting(cli, ws_dir, project, tmp_path):
    settings_file = ws_dir / "novelcraft.toml"
    settings_file.write_text("[export]\nplatform_chars = 6000\n", encoding="utf-8")
    out = tmp_path / "kakao"
    assert cli("--workspace", ws_dir, "export", project, "--format", "kakao", "-o", out).code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["target_chars"] == 6000
    assert all(5000 <= e["chars_with_spaces"] <= 6600 for e in manifest["episodes"])
    settings_file.write_text("[export]\nplatform_chars = 4000\n", encoding="utf-8")
    result = cli("--workspace", ws_dir, "export", project, "--format", "kakao", "-o", out)
    assert result.code == 2 and "export.platform_chars" in result.err


@pytest.mark.parametrize("phrases", [(), ("그때", "하지만", "설마")])
def test_the_quick_hook_check_agrees_with_the_guard(phrases):
    from novelcraft.metrics.hook import ending_hook
    from novelcraft.platform_split import _is_hook

    samples = [*CORPUS[:400], '그가 말했다. "끝이야."', '"정말?"', "그때였다.", "조용했다."]
    verdicts = [_is_hook(p, phrases) for p in samples]
    assert verdicts == [ending_hook(p, phrases)[0] for p in samples]
    assert any(verdicts) and not all(verdicts)


def test_a_short_serial_is_exported_with_a_warning(cli, ws_dir, workspace, sample_bible_text):
    from novelcraft.bible import parse_bible

    slug = workspace.create_project(parse_bible(sample_bible_text, "sample.yaml"))
    workspace.create_episode(slug, 1, content=corpus_episode(1, 3000, seed=9).content)
    workspace.close()
    out = ws_dir.parent / "short"
    result = cli("--workspace", ws_dir, "export", slug, "--format", "munpia", "-o", out)
    assert result.code == 0, result.err
    warning = [line for line in result.err.splitlines() if line.startswith("경고:")]
    assert len(warning) == 1 and "5,000자보다 짧아 한 편으로" in warning[0]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warning"] == "short" and len(manifest["episodes"]) == 1
