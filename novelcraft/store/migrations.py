"""Forward-only, named schema migrations (DESIGN §3).

Each `mNNN_name(cur)` runs once, inside a transaction, and is recorded in `schema_migrations`.
Never edit an applied migration: add a new one. m001 is the seed's core schema; later
migrations add what NovelCraft needs on top, so an older workspace upgrades in place.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from novelcraft.errors import OperationFailed

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def m001_core(cur: duckdb.DuckDBPyConnection) -> None:
    """Projects, seasons, characters, relationships, episodes and their versions."""
    for name in ("projects", "seasons", "characters", "relationships", "episodes", "versions"):
        cur.execute(f"CREATE SEQUENCE seq_{name} START 1")
    cur.execute("""
        CREATE TABLE projects (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_projects'),
            slug VARCHAR NOT NULL UNIQUE,
            name VARCHAR NOT NULL,
            genre VARCHAR NOT NULL DEFAULT '',
            tone VARCHAR NOT NULL DEFAULT '',
            synopsis VARCHAR NOT NULL DEFAULT '',
            worldbuilding VARCHAR NOT NULL DEFAULT '',
            plot_outline VARCHAR NOT NULL DEFAULT '',
            banned_elements JSON NOT NULL DEFAULT '[]',
            reference_works JSON NOT NULL DEFAULT '[]',
            notes VARCHAR NOT NULL DEFAULT '',
            settings JSON NOT NULL DEFAULT '{}',
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""")
    cur.execute("""
        CREATE TABLE seasons (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_seasons'),
            project_id BIGINT NOT NULL,
            number INTEGER NOT NULL,
            title VARCHAR NOT NULL DEFAULT '',
            first_episode INTEGER NOT NULL,
            last_episode INTEGER NOT NULL,
            arc VARCHAR NOT NULL DEFAULT '',
            UNIQUE (project_id, number)
        )""")
    cur.execute("""
        CREATE TABLE characters (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_characters'),
            project_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            role VARCHAR NOT NULL DEFAULT 'main',
            personality VARCHAR NOT NULL DEFAULT '',
            speech_style JSON NOT NULL DEFAULT '{}',
            behavioral_rules JSON NOT NULL DEFAULT '{}',
            appearance VARCHAR NOT NULL DEFAULT '',
            background VARCHAR NOT NULL DEFAULT '',
            relationships VARCHAR NOT NULL DEFAULT '',
            notes VARCHAR NOT NULL DEFAULT '',
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (project_id, name)
        )""")
    cur.execute("""
        CREATE TABLE relationships (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_relationships'),
            project_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            from_name VARCHAR NOT NULL,
            to_name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            since_episode INTEGER,
            notes VARCHAR NOT NULL DEFAULT '',
            source VARCHAR NOT NULL DEFAULT 'bible'
        )""")
    cur.execute("""
        CREATE TABLE episodes (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_episodes'),
            project_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            title VARCHAR NOT NULL DEFAULT '',
            status VARCHAR NOT NULL DEFAULT 'draft',
            outline JSON,
            content VARCHAR NOT NULL DEFAULT '',
            summary VARCHAR NOT NULL DEFAULT '',
            length INTEGER NOT NULL DEFAULT 0,
            style_metrics JSON,
            generation_prompt VARCHAR,
            user_notes VARCHAR NOT NULL DEFAULT '',
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (project_id, episode_number)
        )""")
    cur.execute("""
        CREATE TABLE episode_versions (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_versions'),
            episode_id BIGINT NOT NULL,
            version INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            content VARCHAR NOT NULL,
            note VARCHAR NOT NULL DEFAULT '',
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (episode_id, version)
        )""")


def m002_episode_revision_and_context(cur: duckdb.DuckDBPyConnection) -> None:
    """Optimistic locking (`revision`), staleness after an earlier episode is edited, and the
    context each draft was built from (section sizes + full prompt, DESIGN §6)."""
    cur.execute("ALTER TABLE episodes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    cur.execute("ALTER TABLE episodes ADD COLUMN context_stale BOOLEAN NOT NULL DEFAULT false")
    cur.execute("ALTER TABLE episodes ADD COLUMN context_sizes JSON")
    cur.execute("ALTER TABLE episodes ADD COLUMN passed BOOLEAN")


def m003_events_and_metrics(cur: duckdb.DuckDBPyConnection) -> None:
    """What each episode changed in the story, and one flat row per measurement."""
    cur.execute("CREATE SEQUENCE seq_events START 1")
    cur.execute("CREATE SEQUENCE seq_metrics START 1")
    cur.execute("""
        CREATE TABLE episode_events (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_events'),
            project_id BIGINT NOT NULL,
            episode_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            event_type VARCHAR NOT NULL,
            description VARCHAR NOT NULL,
            characters_involved JSON NOT NULL DEFAULT '[]',
            resolved_in_episode INTEGER,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""")
    cur.execute("""
        CREATE TABLE episode_metrics (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_metrics'),
            project_id BIGINT NOT NULL,
            episode_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            stage VARCHAR NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            length INTEGER NOT NULL,
            length_with_spaces INTEGER NOT NULL,
            scene_count INTEGER NOT NULL,
            ending_hook BOOLEAN NOT NULL,
            avg_sentence_length DOUBLE NOT NULL,
            dialogue_ratio DOUBLE NOT NULL,
            explanation_density DOUBLE NOT NULL,
            repetition_rate DOUBLE NOT NULL,
            repeated_4grams INTEGER NOT NULL,
            voice_score DOUBLE,
            banned_endings INTEGER NOT NULL DEFAULT 0,
            passed BOOLEAN NOT NULL,
            warnings JSON NOT NULL DEFAULT '[]',
            measured_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""")


def m004_jobs_logs_and_llm_calls(cur: duckdb.DuckDBPyConnection) -> None:
    """The job table is the truth about work (huey only delivers, DESIGN §8)."""
    cur.execute("CREATE SEQUENCE seq_job_logs START 1")
    cur.execute("CREATE SEQUENCE seq_llm_calls START 1")
    cur.execute("""
        CREATE TABLE generation_jobs (
            id VARCHAR PRIMARY KEY,
            project_id BIGINT,
            episode_number INTEGER,
            parent_id VARCHAR,
            job_type VARCHAR NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'queued',
            step VARCHAR NOT NULL DEFAULT '',
            progress DOUBLE NOT NULL DEFAULT 0,
            input JSON NOT NULL DEFAULT '{}',
            output JSON,
            error VARCHAR,
            attempt INTEGER NOT NULL DEFAULT 0,
            max_retries INTEGER NOT NULL DEFAULT 2,
            cancel_requested BOOLEAN NOT NULL DEFAULT false,
            heartbeat_at TIMESTAMP,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            started_at TIMESTAMP,
            completed_at TIMESTAMP
        )""")
    cur.execute("""
        CREATE TABLE job_logs (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_job_logs'),
            job_id VARCHAR NOT NULL,
            ts TIMESTAMP NOT NULL DEFAULT current_timestamp,
            level VARCHAR NOT NULL DEFAULT 'info',
            message VARCHAR NOT NULL
        )""")
    cur.execute("""
        CREATE TABLE llm_calls (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_llm_calls'),
            job_id VARCHAR,
            project_id BIGINT,
            backend VARCHAR NOT NULL,
            model VARCHAR NOT NULL DEFAULT '',
            purpose VARCHAR NOT NULL,
            prompt_chars INTEGER NOT NULL,
            output_chars INTEGER NOT NULL DEFAULT 0,
            prompt_tokens INTEGER,
            output_tokens INTEGER,
            duration_ms DOUBLE NOT NULL DEFAULT 0,
            ok BOOLEAN NOT NULL,
            error VARCHAR,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""")


def m005_episode_pipeline_state(cur: duckdb.DuckDBPyConnection) -> None:
    """Where an episode's generation stands (the last finished step, every guard attempt), so
    an interrupted generation resumes at the first unfinished step (DESIGN §6)."""
    cur.execute("ALTER TABLE episodes ADD COLUMN pipeline JSON")


def m006_one_metric_row_per_attempt(cur: duckdb.DuckDBPyConnection) -> None:
    """A crash between recording metrics and the step's checkpoint used to leave a second row
    for one attempt: keep the latest row of each (episode, stage, attempt) and make the key
    unique, so the upsert in `store.generation.record_metrics` stays idempotent. DuckDB checks a
    new unique index against rows deleted in the same transaction, so the table is rebuilt."""
    cur.execute("""
        CREATE TABLE episode_metrics_m006 (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_metrics'),
            project_id BIGINT NOT NULL,
            episode_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            stage VARCHAR NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            length INTEGER NOT NULL,
            length_with_spaces INTEGER NOT NULL,
            scene_count INTEGER NOT NULL,
            ending_hook BOOLEAN NOT NULL,
            avg_sentence_length DOUBLE NOT NULL,
            dialogue_ratio DOUBLE NOT NULL,
            explanation_density DOUBLE NOT NULL,
            repetition_rate DOUBLE NOT NULL,
            repeated_4grams INTEGER NOT NULL,
            voice_score DOUBLE,
            banned_endings INTEGER NOT NULL DEFAULT 0,
            passed BOOLEAN NOT NULL,
            warnings JSON NOT NULL DEFAULT '[]',
            measured_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (episode_id, stage, attempt)
        )""")
    cur.execute(
        "INSERT INTO episode_metrics_m006 SELECT * FROM episode_metrics WHERE id IN "
        "(SELECT max(id) FROM episode_metrics GROUP BY episode_id, stage, attempt)"
    )
    cur.execute("DROP TABLE episode_metrics")
    cur.execute("ALTER TABLE episode_metrics_m006 RENAME TO episode_metrics")


def m007_job_step_episode(cur: duckdb.DuckDBPyConnection) -> None:
    """A job's step is machine data: a step key (`generation_jobs.step`) plus the episode it
    is on; the Korean label is rendered from `novelcraft.labels`, never stored."""
    cur.execute("ALTER TABLE generation_jobs ADD COLUMN step_episode INTEGER")


def m008_canon_ledger(cur: duckdb.DuckDBPyConnection) -> None:
    """The canon ledger (DESIGN §13): a due episode and the author's drop flag per foreshadow,
    progressions per character, what each episode's context included (so an edit can name
    the later episodes it affects) and why an episode is stale."""
    cur.execute("ALTER TABLE episode_events ADD COLUMN due_episode INTEGER")
    # answer | window | season | author: where the due episode came from.
    cur.execute("ALTER TABLE episode_events ADD COLUMN due_source VARCHAR")
    cur.execute("ALTER TABLE episode_events ADD COLUMN dropped BOOLEAN NOT NULL DEFAULT false")
    cur.execute("ALTER TABLE characters ADD COLUMN progressions JSON NOT NULL DEFAULT '[]'")
    cur.execute("""
        CREATE TABLE context_inclusions (
            project_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            event_id BIGINT,
            source_episode INTEGER NOT NULL
        )""")
    cur.execute("CREATE SEQUENCE seq_stale_reasons START 1")
    cur.execute("""
        CREATE TABLE stale_reasons (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_stale_reasons'),
            project_id BIGINT NOT NULL,
            episode_number INTEGER NOT NULL,
            source_episode INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            description VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""")


def m009_llm_call_episode(cur: duckdb.DuckDBPyConnection) -> None:
    """Which episode an LLM call worked on, so cost and time add up per episode and season
    (DESIGN §14) even for runs without a job (`demo`, an in-process `generate`)."""
    cur.execute("ALTER TABLE llm_calls ADD COLUMN episode_number INTEGER")


MIGRATIONS: list[Migration] = [
    m001_core,
    m002_episode_revision_and_context,
    m003_events_and_metrics,
    m004_jobs_logs_and_llm_calls,
    m005_episode_pipeline_state,
    m006_one_metric_row_per_attempt,
    m007_job_step_episode,
    m008_canon_ledger,
    m009_llm_call_episode,
]


def applied_migrations(cur: duckdb.DuckDBPyConnection) -> list[str]:
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    return [r[0] for r in cur.execute("SELECT name FROM schema_migrations").fetchall()]


def apply_migrations(store, migrations: list[Migration] | None = None) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    migrations = MIGRATIONS if migrations is None else migrations
    done = set(applied_migrations(store.cursor()))
    known = {m.__name__ for m in MIGRATIONS}
    unknown = done - known
    if unknown:
        raise OperationFailed(
            "데이터베이스에 이 버전이 모르는 마이그레이션이 있습니다 "
            f"({', '.join(sorted(unknown))}). "
            "novelcraft를 업그레이드하세요"
        )
    applied = []
    for migration in migrations:
        if migration.__name__ in done:
            continue
        with store.transaction() as cur:
            migration(cur)
            cur.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.__name__])
        applied.append(migration.__name__)
    return applied
