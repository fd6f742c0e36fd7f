"""The analyst's DataFrames (DESIGN §14), each built by one set-based query.

The queries are constants: the frame kind picks one from `QUERIES` (a whitelist), and the only
values that reach DuckDB are the bound project id. JSON the pipeline stored (warnings, guard
attempts, per-character voice) is unpacked in SQL, so no frame is built row by row in Python.
"""

from __future__ import annotations

import pandas as pd

from novelcraft.frame_schema import check_kind, conform
from novelcraft.store.connection import Store

# Where a row belongs: its project and the season whose range covers the episode (seasons
# never overlap: the bible refuses it). `{t}` is the alias of the table with the episode.
_PLACE_JOIN = (
    "JOIN projects p ON p.id = {t}.project_id "
    "LEFT JOIN seasons s ON s.project_id = {t}.project_id "
    "AND {t}.episode_number BETWEEN s.first_episode AND s.last_episode"
)
_PLACE_COLUMNS = "p.slug AS project, s.number AS season, s.title AS season_title"
_PROJECT_FILTER = "(CAST(? AS BIGINT) IS NULL OR {t}.project_id = ?)"

_METRICS = f"""
SELECT {_PLACE_COLUMNS}, m.episode_number AS episode, m.stage, m.attempt,
       row_number() OVER (PARTITION BY m.project_id, m.episode_number, m.stage
                          ORDER BY m.measured_at DESC, m.id DESC) = 1 AS latest,
       m.length, m.length_with_spaces, m.scene_count, m.ending_hook, m.avg_sentence_length,
       m.dialogue_ratio, m.explanation_density, m.repetition_rate, m.repeated_4grams,
       m.voice_score, m.banned_endings, m.passed,
       coalesce(json_array_length(m.warnings), 0) AS warning_count,
       nullif(array_to_string(json_extract_string(m.warnings, '$[*].metric'), ','), '')
           AS warning_metrics,
       m.measured_at
FROM episode_metrics m {_PLACE_JOIN.format(t="m")}
WHERE {_PROJECT_FILTER.format(t="m")}
ORDER BY p.slug, m.episode_number, m.id
"""

# A call made for an episode knows its number (m008); older rows made by an episode job
# still find it through the job.
_CALLS = f"""
WITH c AS (
    SELECT l.*, coalesce(l.episode_number, j.episode_number) AS episode
    FROM llm_calls l LEFT JOIN generation_jobs j ON j.id = l.job_id
)
SELECT p.slug AS project, s.number AS season, s.title AS season_title, c.episode,
       c.purpose, c.backend, c.model, c.prompt_chars, c.output_chars, c.prompt_tokens,
       c.output_tokens, c.duration_ms, c.ok,
       CASE WHEN c.error IS NULL THEN NULL ELSE split_part(c.error, ':', 1) END AS error_kind,
       c.job_id, c.created_at
FROM c LEFT JOIN projects p ON p.id = c.project_id
LEFT JOIN seasons s ON s.project_id = c.project_id
    AND c.episode BETWEEN s.first_episode AND s.last_episode
WHERE {_PROJECT_FILTER.format(t="c")}
ORDER BY c.id
"""

# `style_metrics` holds the saved text's final measurement, one voice entry per character
# in bible order (`ordinality` keeps that order).
_VOICE = f"""
WITH v AS (
    SELECT e.project_id, e.episode_number, u.cv, u.position
    FROM episodes e,
         unnest(json_extract(e.style_metrics, '$.voice[*]')) WITH ORDINALITY AS u(cv, position)
    WHERE e.style_metrics IS NOT NULL AND {_PROJECT_FILTER.format(t="e")}
)
SELECT {_PLACE_COLUMNS}, v.episode_number AS episode,
       v.cv ->> 'name' AS character,
       TRY_CAST(v.cv ->> 'lines' AS INTEGER) AS lines,
       TRY_CAST(v.cv ->> 'allowed_lines' AS INTEGER) AS allowed_lines,
       TRY_CAST(v.cv ->> 'allowed_share' AS DOUBLE) AS allowed_share,
       coalesce(json_array_length(v.cv, '$.banned'), 0) AS banned_count,
       nullif(array_to_string(list_sort(list_distinct(
           json_extract_string(v.cv, '$.banned[*].ending'))), ','), '') AS banned_endings,
       json_keys(v.cv -> 'endings')[1] AS top_ending
FROM v {_PLACE_JOIN.format(t="v")}
ORDER BY p.slug, v.episode_number, v.position
"""

# `pipeline.attempts` is every guarded draft of the saved episode, first to last (DESIGN §6);
# `passed` on the episode is the guard result of the text that was kept.
_GUARD = f"""
WITH g AS (
    SELECT e.project_id, e.episode_number, e.length, e.passed,
           coalesce(json_array_length(e.pipeline, '$.attempts'), 0) AS attempts,
           TRY_CAST(json_extract(e.pipeline, '$.attempts[0].passed') AS BOOLEAN) AS first_pass,
           TRY_CAST(json_extract(e.pipeline, '$.attempts[#-1].passed') AS BOOLEAN) AS last_pass,
           json_extract_string(e.pipeline, '$.attempts[0].failures[*].check') AS first_checks,
           json_extract_string(e.pipeline, '$.attempts[#-1].failures[*].check') AS last_checks
    FROM episodes e
    WHERE e.content <> '' AND {_PROJECT_FILTER.format(t="e")}
)
SELECT {_PLACE_COLUMNS}, g.episode_number AS episode, g.attempts,
       g.attempts > 1 AS retried, g.first_pass,
       g.attempts > 1 AND coalesce(g.last_pass, false) AS fixed_by_retry,
       g.passed AS final_pass,
       nullif(array_to_string(list_sort(list_distinct(g.first_checks)), ','), '')
           AS first_failures,
       nullif(array_to_string(list_sort(list_distinct(g.last_checks)), ','), '')
           AS final_failures,
       g.length
FROM g {_PLACE_JOIN.format(t="g")}
ORDER BY p.slug, g.episode_number
"""

QUERIES = {"metrics": _METRICS, "calls": _CALLS, "voice": _VOICE, "guard": _GUARD}


def frame(store: Store, kind: str, project_id: int | None = None) -> pd.DataFrame:
    """The `kind` frame of one project, or of every project when `project_id` is None."""
    sql = QUERIES[check_kind(kind)]
    return conform(store.execute(sql, [project_id, project_id]).df(), kind)
