"""The continuity report per season (DESIGN §13): foreshadows by status and the payoff rate,
repeated functions, absent characters, and every finding with its episode and a quoted line,
counted per 10,000 characters (the unit of ConStory-Bench)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from novelcraft.canon import foreshadows as fs
from novelcraft.canon import phrases
from novelcraft.canon.character_state import character_states
from novelcraft.canon.models import CanonReport, Finding, Foreshadow, SeasonLedger
from novelcraft.canon.repetition import repeated_functions
from novelcraft.models import Bible, EpisodeEvent, Season
from novelcraft.settings import CanonSettings


def report_seasons(bible: Bible, as_of: int) -> list[Season]:
    """The bible's seasons, or one season covering what is written when it has none."""
    if bible.seasons:
        return sorted(bible.seasons, key=lambda s: s.first_episode)
    return [Season(number=1, first_episode=1, last_episode=max(as_of, 1))]


def _foreshadow_findings(items: Iterable[Foreshadow]) -> list[Finding]:
    found = []
    for f in items:
        if f.status == "overdue":
            detail = phrases.FINDING_OVERDUE.format(planted=f.planted_episode, due=f.due_episode)
            found.append(
                Finding(
                    kind="overdue_foreshadow", episode=f.planted_episode,
                    quote=f.description, detail=detail,
                )
            )  # fmt: skip
        elif f.status == "resolved" and f.late:
            detail = phrases.FINDING_LATE.format(
                planted=f.planted_episode, due=f.due_episode, resolved=f.resolved_in_episode
            )
            found.append(
                Finding(
                    kind="late_payoff", episode=f.resolved_in_episode or f.planted_episode,
                    quote=f.description, detail=detail,
                )
            )  # fmt: skip
    return found


def absences(
    names: Sequence[str],
    involvement: Sequence[tuple[int, list[str], str]],
    outlines: Mapping[int, Mapping[str, Any]],
    season: Season,
    as_of: int,
    window: int,
) -> list[tuple[str, Finding]]:
    """A finding per stretch of more than `window` written episodes of the season in which
    a character appears in no outline scene and no event."""
    seen: dict[str, list[int]] = {n: [] for n in names}
    last_line: dict[tuple[str, int], str] = {}
    for number, chars, description in involvement:
        for name in names:
            if name in chars or name in description:
                seen[name].append(number)
                last_line[(name, number)] = description
    for number, outline in outlines.items():
        for scene in outline.get("scenes") or []:
            for name in scene.get("characters") or []:
                if name in seen:
                    seen[name].append(number)
    end = min(season.last_episode, as_of)
    found = []
    for name in names:
        episodes = sorted(set(seen[name]))
        before = [n for n in episodes if n < season.first_episode]
        marks = [before[-1] if before else season.first_episode - 1]
        marks += [n for n in episodes if season.first_episode <= n <= end]
        marks.append(end + 1)
        for since, back in itertools.pairwise(marks):
            gap = back - since - 1
            if gap > window:
                finding = Finding(
                    kind="absent_character",
                    episode=max(since, season.first_episode),
                    quote=last_line.get((name, since), ""),
                    detail=(
                        phrases.FINDING_ABSENT.format(name=name, since=since, gap=gap)
                        if since >= season.first_episode or before
                        else phrases.FINDING_ABSENT_FROM_START.format(name=name, gap=gap)
                    ),
                )
                found.append((name, finding))
    return found


def build_report(
    slug: str,
    bible: Bible,
    settings: CanonSettings,
    *,
    foreshadow_rows: Iterable[dict[str, Any]],
    outlines: Mapping[int, Mapping[str, Any]],
    lengths: Mapping[int, int],
    involvement: Sequence[tuple[int, list[str], str]],
    state_events: Sequence[EpisodeEvent],
) -> CanonReport:
    as_of = max(lengths, default=0)
    seasons = report_seasons(bible, as_of)
    rows = fs.fill_due(foreshadow_rows, window=settings.foreshadow_window, seasons=seasons)
    ledger = fs.ledger(rows, as_of + 1, settings.due_soon_episodes)
    names = [c.name for c in bible.characters]
    tracked = [c.name for c in bible.characters if c.role != "minor"]
    repeats = repeated_functions(
        outlines,
        window=settings.repeat_window,
        threshold=settings.repeat_threshold,
        names=names,
    )
    out = []
    for season in seasons:

        def inside(n: int, season: Season = season) -> bool:
            return season.first_episode <= n <= season.last_episode

        mine = [f for f in ledger if inside(f.planted_episode)]
        ledger_row = SeasonLedger(
            number=season.number,
            title=season.title,
            first_episode=season.first_episode,
            last_episode=season.last_episode,
            written_episodes=sum(1 for n in lengths if inside(n)),
            characters=sum(v for n, v in lengths.items() if inside(n)),
            open=sum(1 for f in mine if f.status == "open"),
            due_soon=sum(1 for f in mine if f.status == "open" and f.due_soon),
            overdue=sum(1 for f in mine if f.status == "overdue"),
            resolved=sum(1 for f in mine if f.status == "resolved"),
            resolved_late=sum(1 for f in mine if f.status == "resolved" and f.late),
            dropped=sum(1 for f in mine if f.status == "dropped"),
            payoff_rate=fs.payoff_rate(mine),
            repeated_functions=[r for r in repeats if inside(r.episode)],
        )
        findings = _foreshadow_findings(mine)
        findings += [
            Finding(
                kind="repeated_function", episode=r.episode, quote=r.quote,
                detail=phrases.FINDING_REPEAT.format(
                    earlier=r.earlier_episode, similarity=r.similarity
                ),
            )
            for r in ledger_row.repeated_functions
        ]  # fmt: skip
        absent = (
            absences(tracked, involvement, outlines, season, as_of, settings.absence_window)
            if ledger_row.written_episodes
            else []
        )
        findings += [finding for _, finding in absent]
        ledger_row.absent_characters = sorted({name for name, _ in absent})
        ledger_row.findings = sorted(findings, key=lambda f: (f.episode, f.kind))
        if ledger_row.characters:
            ledger_row.findings_per_10k = round(len(findings) / ledger_row.characters * 10_000, 3)
        out.append(ledger_row)
    warnings = []
    too_many = fs.open_count_warning(ledger, settings.max_open_foreshadows)
    if too_many:
        warnings.append(too_many)
    return CanonReport(
        slug=slug,
        as_of_episode=as_of,
        seasons=out,
        foreshadows=ledger,
        character_states=character_states(bible.characters, state_events, as_of + 1),
        warnings=warnings,
    )
