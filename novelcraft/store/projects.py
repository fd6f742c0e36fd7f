"""Projects and their bibles (seasons, characters, relationships) in the store."""

from __future__ import annotations

from typing import Any

import duckdb

from novelcraft.errors import NotFound
from novelcraft.models import (
    BehavioralRules,
    Bible,
    Character,
    Progression,
    ProjectInfo,
    ProjectSummary,
    Relationship,
    Season,
    SpeechStyle,
)
from novelcraft.store.connection import Store, from_json, to_json

_INFO_COLUMNS = ("name", "genre", "tone", "synopsis", "worldbuilding", "plot_outline", "notes")


def project_row(store: Store, slug: str) -> dict[str, Any]:
    row = store.row("SELECT * FROM projects WHERE slug = ?", [slug])
    if row is None:
        raise NotFound(f"작품 {slug!r}이(가) 없습니다 (`novelcraft projects`로 목록을 보세요)")
    return row


def project_id(store: Store, slug: str) -> int:
    return project_row(store, slug)["id"]


def slugs(store: Store) -> set[str]:
    return {r[0] for r in store.execute("SELECT slug FROM projects").fetchall()}


def insert_project(cur: duckdb.DuckDBPyConnection, slug: str, bible: Bible) -> int:
    info = bible.project
    cur.execute(
        f"INSERT INTO projects (slug, {', '.join(_INFO_COLUMNS)}, banned_elements, "
        f"reference_works) VALUES (?, {', '.join('?' for _ in _INFO_COLUMNS)}, ?, ?) RETURNING id",
        [
            slug,
            *(getattr(info, c) for c in _INFO_COLUMNS),
            to_json(info.banned_elements),
            to_json(info.references),
        ],
    )
    new_id = cur.fetchone()[0]
    write_bible_children(cur, new_id, bible)
    return new_id


def update_project_info(cur: duckdb.DuckDBPyConnection, pid: int, info: ProjectInfo) -> None:
    cur.execute(
        f"UPDATE projects SET {', '.join(f'{c} = ?' for c in _INFO_COLUMNS)}, "
        "banned_elements = ?, reference_works = ?, updated_at = current_timestamp WHERE id = ?",
        [
            *(getattr(info, c) for c in _INFO_COLUMNS),
            to_json(info.banned_elements),
            to_json(info.references),
            pid,
        ],
    )


def write_bible_children(cur: duckdb.DuckDBPyConnection, pid: int, bible: Bible) -> None:
    """Replace seasons, characters and bible relationships; extracted relationships stay."""
    cur.execute("DELETE FROM seasons WHERE project_id = ?", [pid])
    cur.execute("DELETE FROM characters WHERE project_id = ?", [pid])
    cur.execute("DELETE FROM relationships WHERE project_id = ? AND source = 'bible'", [pid])
    if bible.seasons:
        cur.executemany(
            "INSERT INTO seasons (project_id, number, title, first_episode, last_episode, arc) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                [pid, s.number, s.title, s.first_episode, s.last_episode, s.arc]
                for s in bible.seasons
            ],
        )
    if bible.characters:
        cur.executemany(
            "INSERT INTO characters (project_id, position, name, role, personality, speech_style,"
            " behavioral_rules, appearance, background, relationships, notes, progressions)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    pid,
                    i,
                    c.name,
                    c.role,
                    c.personality,
                    to_json(c.speech_style.model_dump()),
                    to_json(c.behavioral_rules.model_dump()),
                    c.appearance,
                    c.background,
                    c.relationships,
                    c.notes,
                    to_json([p.model_dump() for p in c.progressions]),
                ]
                for i, c in enumerate(bible.characters)
            ],
        )
    if bible.relationships:
        cur.executemany(
            "INSERT INTO relationships (project_id, position, from_name, to_name, kind,"
            " since_episode, notes, source) VALUES (?, ?, ?, ?, ?, ?, ?, 'bible')",
            [
                [pid, i, r.from_, r.to, r.kind, r.since_episode, r.notes]
                for i, r in enumerate(bible.relationships)
            ],
        )


def characters(store: Store, pid: int) -> list[Character]:
    return [
        Character(
            name=r["name"],
            role=r["role"],
            personality=r["personality"],
            speech_style=SpeechStyle(**from_json(r["speech_style"], {})),
            behavioral_rules=BehavioralRules(**from_json(r["behavioral_rules"], {})),
            appearance=r["appearance"],
            background=r["background"],
            relationships=r["relationships"],
            notes=r["notes"],
            progressions=[Progression(**p) for p in from_json(r["progressions"], [])],
        )
        for r in store.rows(
            "SELECT * FROM characters WHERE project_id = ? ORDER BY position", [pid]
        )
    ]


def load_bible(store: Store, slug: str) -> Bible:
    row = project_row(store, slug)
    pid = row["id"]
    info = ProjectInfo(
        **{c: row[c] for c in _INFO_COLUMNS},
        banned_elements=from_json(row["banned_elements"], []),
        references=from_json(row["reference_works"], []),
    )
    seasons = [
        Season(**r)
        for r in store.rows(
            "SELECT number, title, first_episode, last_episode, arc FROM seasons "
            "WHERE project_id = ? ORDER BY first_episode",
            [pid],
        )
    ]
    relationships = [
        Relationship.model_validate(
            {
                "from": r["from_name"],
                "to": r["to_name"],
                "kind": r["kind"],
                "since_episode": r["since_episode"],
                "notes": r["notes"],
            }
        )
        for r in store.rows(
            "SELECT * FROM relationships WHERE project_id = ? AND source = 'bible' "
            "ORDER BY position",
            [pid],
        )
    ]
    return Bible(
        project=info,
        seasons=seasons,
        characters=characters(store, pid),
        relationships=relationships,
    )


def list_projects(store: Store) -> list[ProjectSummary]:
    rows = store.rows(
        """
        SELECT p.id, p.slug, p.name, p.genre,
               count(e.id) AS episodes,
               greatest(p.updated_at, max(e.updated_at)) AS last_activity
        FROM projects p LEFT JOIN episodes e ON e.project_id = p.id
        GROUP BY p.id, p.slug, p.name, p.genre, p.updated_at
        ORDER BY p.slug
        """
    )
    return [ProjectSummary(**r) for r in rows]


def delete_project(cur: duckdb.DuckDBPyConnection, pid: int) -> None:
    """DuckDB has no ON DELETE CASCADE, so every dependent table is cleared here, in order."""
    episode_ids = "SELECT id FROM episodes WHERE project_id = ?"
    cur.execute(f"DELETE FROM episode_versions WHERE episode_id IN ({episode_ids})", [pid])
    for table in (
        "episode_events", "episode_metrics", "episodes", "seasons", "characters",
        "context_inclusions", "stale_reasons",
    ):  # fmt: skip
        cur.execute(f"DELETE FROM {table} WHERE project_id = ?", [pid])
    cur.execute("DELETE FROM relationships WHERE project_id = ?", [pid])
    cur.execute("DELETE FROM projects WHERE id = ?", [pid])
