"""The analyst's DataFrames (DESIGN §14): their kinds and columns, in one place.

A frame built in the owner process (`novelcraft.store.frames`) and one read back from the API
(parquet or CSV) go through `conform`, so both have the same columns in the same order with the
same dtypes, whichever transport carried them and whatever values happened to be NULL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from novelcraft.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

TEXT, INT, FLOAT, BOOL, TIME = "string", "Int64", "float64", "boolean", "datetime64[us]"

# Every frame starts with where a row belongs: the project, its season (from the project's
# seasons table; missing when no season covers the episode) and the episode.
_PLACE = {"project": TEXT, "season": INT, "season_title": TEXT, "episode": INT}

COLUMNS: dict[str, dict[str, str]] = {
    # One row per measurement (every draft attempt, every final text), DESIGN §7.
    "metrics": {
        **_PLACE,
        "stage": TEXT,
        "attempt": INT,
        "latest": BOOL,  # the newest measurement of this episode at this stage
        "length": INT,
        "length_with_spaces": INT,
        "scene_count": INT,
        "ending_hook": BOOL,
        "avg_sentence_length": FLOAT,
        "dialogue_ratio": FLOAT,
        "explanation_density": FLOAT,
        "repetition_rate": FLOAT,
        "repeated_4grams": INT,
        "voice_score": FLOAT,
        "banned_endings": INT,
        "passed": BOOL,
        "warning_count": INT,
        "warning_metrics": TEXT,  # the warned metrics, comma-separated, in warning order
        "measured_at": TIME,
    },
    # One row per LLM call attempt (DESIGN §5): what it cost and whether it worked.
    "calls": {
        **_PLACE,
        "purpose": TEXT,
        "backend": TEXT,
        "model": TEXT,
        "prompt_chars": INT,
        "output_chars": INT,
        "prompt_tokens": INT,
        "output_tokens": INT,
        "duration_ms": FLOAT,
        "ok": BOOL,
        "error_kind": TEXT,  # timeout, empty, invalid, exit, rate_limit, unavailable, ...
        "job_id": TEXT,
        "created_at": TIME,
    },
    # One row per character per episode, from the saved text's final measurement (§7.8).
    "voice": {
        **_PLACE,
        "character": TEXT,
        "lines": INT,  # dialogue lines attributed to the character
        "allowed_lines": INT,
        "allowed_share": FLOAT,  # missing without endings in the bible or without a line
        "banned_count": INT,
        "banned_endings": TEXT,  # distinct banned endings found, comma-separated
        "top_ending": TEXT,  # the sentence ending the character used most
    },
    # One row per episode with text: its guard attempts (DESIGN §6).
    "guard": {
        **_PLACE,
        "attempts": INT,
        "retried": BOOL,
        "first_pass": BOOL,
        "fixed_by_retry": BOOL,
        "final_pass": BOOL,
        "first_failures": TEXT,  # guard checks the first draft failed, comma-separated
        "final_failures": TEXT,  # those the last draft still failed
        "length": INT,
    },
    # One row per planted foreshadow, as the canon ledger sees it after the last written
    # episode (DESIGN §13); `episode` is where it was planted.
    "foreshadows": {
        **_PLACE,
        "foreshadow_id": INT,
        "description": TEXT,
        "characters": TEXT,  # comma-separated
        "due_episode": INT,
        "due_source": TEXT,  # answer | window | season | author
        "status": TEXT,  # open | overdue | resolved | dropped
        "resolved_episode": INT,
        "late": BOOL,  # resolved after its due episode
        "due_soon": BOOL,
        "episodes_to_payoff": INT,
        "as_of_episode": INT,  # the last written episode the statuses are read against
    },
}
FRAME_KINDS = tuple(COLUMNS)


def check_kind(kind: str) -> str:
    if kind not in COLUMNS:
        raise BadInput(
            f"알 수 없는 프레임 종류입니다: {kind!r} (가능한 값: {', '.join(FRAME_KINDS)})"
        )
    return kind


def conform(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The frame with exactly the columns of `kind`, in order, with their dtypes."""
    # Imported here: every CLI process imports this module, few of them build a frame.
    import pandas as pd

    columns = COLUMNS[check_kind(kind)]
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise BadInput(f"{kind} 프레임에 열이 없습니다: {', '.join(missing)}")
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for name, dtype in columns.items():
        values = frame[name].reset_index(drop=True)
        if dtype == BOOL and values.dtype == object:
            # CSV carries booleans as text.
            values = values.map({"True": True, "False": False, True: True, False: False})
        out[name] = values.astype(dtype)
    return out
