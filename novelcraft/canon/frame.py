"""The foreshadows frame (DESIGN §13, §14): the canon ledger as one row per foreshadow.

Built from the same ledger the continuity report reads (`build_report`), so a frame's status,
due episode and lateness never disagree with the report or the 설정 장부 screen: the ledger's
rules (due from the answer, the window or the season's end; the author's moves and drops)
stay in one place. The frame's columns are `frame_schema.COLUMNS["foreshadows"]`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from novelcraft.canon.foreshadows import season_of
from novelcraft.canon.models import CanonReport
from novelcraft.models import Season


def foreshadow_rows(
    project: str, report: CanonReport, seasons: Iterable[Season]
) -> list[dict[str, object]]:
    seasons = list(seasons)
    rows = []
    for f in report.foreshadows:
        season = season_of(f.planted_episode, seasons)
        resolved = f.resolved_in_episode
        rows.append(
            {
                "project": project,
                "season": season.number if season else None,
                "season_title": season.title if season else None,
                "episode": f.planted_episode,
                "foreshadow_id": f.id,
                "description": f.description,
                "characters": ",".join(f.characters) or None,
                "due_episode": f.due_episode,
                "due_source": f.due_source,
                "status": f.status,
                "resolved_episode": resolved,
                "late": f.late,
                "due_soon": f.due_soon,
                "episodes_to_payoff": None if resolved is None else resolved - f.planted_episode,
                "as_of_episode": report.as_of_episode,
            }
        )
    return rows


def foreshadow_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as the `foreshadows` frame: its columns, in order, with their dtypes."""
    from novelcraft.frame_schema import COLUMNS, conform

    return conform(pd.DataFrame(rows, columns=list(COLUMNS["foreshadows"])), "foreshadows")
