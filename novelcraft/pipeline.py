"""The episode pipeline (DESIGN §6): context → outline → draft → guard/retry → edit → events →
summary, each step checkpointed on the episode so an interrupted run resumes where it stopped.

Steps are functions of their inputs; LLM calls go through `call_llm` (retries, schema checks)
and never touch the store; this module writes only through `store.generation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from novelcraft import ledger_steps, prompts
from novelcraft.backends.base import Backend, BackendCancelled
from novelcraft.backends.retry import CallResult, call_llm, task_policy
from novelcraft.context import assemble, voice_profiles
from novelcraft.errors import BadInput, NotFound
from novelcraft.field_problems import problem_text
from novelcraft.labels import step_label
from novelcraft.metrics import Measurement, measure
from novelcraft.metrics.measure_cache import measurements
from novelcraft.models import Bible, Episode, Outline
from novelcraft.parse_problems import json_problem
from novelcraft.prompts import BootstrapAnswer, EventsAnswer
from novelcraft.store import canon as canon_rows
from novelcraft.store import generation as gen
from novelcraft.store import projects as project_rows

STEPS = ("outline", "draft", "edit", "events", "summary")
# How far into an episode each step starts; the guard check sits between draft and edit.
STEP_PROGRESS = {name: i / len(STEPS) for i, name in enumerate(STEPS)} | {"guard": 0.3}
SUMMARY_LIMIT = 200

Log = Callable[[str, str], None]


class Canceled(Exception):
    """The job was asked to stop; what was saved stays saved."""


def _quiet(level: str, message: str) -> None:
    return None


@dataclass
class Run:
    """Everything one generation needs besides the episode number."""

    ws: object  # novelcraft.workspace.Workspace (not imported: the service imports us)
    slug: str
    backend: Backend
    with_editor: bool = True
    use_retry: bool = True
    instructions: str = ""
    job_id: str | None = None
    log: Log = _quiet
    should_stop: Callable[[], bool] | None = None
    on_step: Callable[[str, float], None] | None = None
    # Computes a measurement cache miss: `metrics.measure` unless the owner measures in a
    # helper process (`metrics.measure_pool.MeasurePool.measure`).
    measurer: Callable[..., Measurement] | None = None
    pid: int = field(init=False)
    bible: Bible = field(init=False)
    # (episode number, what its context read from the store): see `context`.
    _context_reads: tuple[int, dict] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.pid = project_rows.project_id(self.ws.store, self.slug)
        self.bible = project_rows.load_bible(self.ws.store, self.slug)

    @property
    def settings(self):
        return self.ws.settings

    def call(
        self, prompt: str, purpose: str, answer=None, *, episode: int | None = None
    ) -> CallResult:
        """One LLM task for episode `episode`; every attempt is logged in `llm_calls`."""
        self.check_stop()
        # What the step deferred (log lines, call records, metrics) is seen before the wait;
        # a call that returns at once is no wait, and a commit costs ~2 ms.
        if not self.backend.answers_at_once():
            self.ws.store.flush()
        try:
            return call_llm(
                self.backend,
                prompt,
                purpose=purpose,
                answer_model=answer,
                record=lambda r: gen.record_call(
                    self.ws.store, r, job_id=self.job_id, pid=self.pid, episode=episode
                ),
                should_stop=self.should_stop,
                policy=task_policy(purpose, self.settings.backend.call_timeout_seconds),
            )
        except BackendCancelled:
            raise Canceled("모델이 쓰는 동안 취소되었습니다") from None

    def check_stop(self) -> None:
        if self.should_stop and self.should_stop():
            raise Canceled("취소되었습니다")

    def step(self, name: str, number: int) -> None:
        self.log("info", f"{number}화: {step_label(name)}")
        if self.on_step:
            self.on_step(name, STEP_PROGRESS.get(name, 1.0))

    def measure(self, text: str) -> Measurement:
        """Measure with the project's characters and bans. By content hash: the edit step
        re-reads the text the draft step measured, and a resumed run the text it saved."""
        return measurements.measure(
            text,
            self.bible.characters,
            self.settings,
            banned_elements=self.bible.project.banned_elements,
            compute=self.measurer or measure,
        )

    def context(self, number: int, outline: Outline | None = None):
        """The budgeted context for episode `number` (seed §2-2)."""
        return assemble(
            self.bible,
            number,
            budget=self.settings.context.budget_chars,
            outline=outline,
            instructions=self.instructions,
            **self._context_inputs(number),
        )

    def _context_inputs(self, number: int) -> dict:
        """What episode `number`'s context reads from the store, read once per episode: the
        outline's and the draft's contexts differ only by the outline, and what they read
        (earlier episodes' summaries, events and foreshadows) is not written in between."""
        if self._context_reads is None or self._context_reads[0] != number:
            store = self.ws.store
            inputs = ledger_steps.context_inputs(store, self.pid, self.bible, self.settings, number)
            inputs["summaries"] = gen.previous_summaries(store, self.pid, number)
            self._context_reads = (number, inputs)
        return self._context_reads[1]

    def render(self, name: str, **variables) -> str:
        return prompts.render(name, variables, override_dir=self.ws.paths.prompts)


def _warnings_for_prompt(measurement) -> list[dict]:
    return [
        {"metric": w.metric, "actual": round(w.actual, 3), "expected": w.expected,
         "suggestion": w.suggestion}
        for w in measurement.warnings
    ]  # fmt: skip


def plan_outline(run: Run, number: int, *, force: bool = False) -> Outline:
    """The episode's outline: the stored one (an author's edit is used as is) or a new one.
    Nothing is written until a valid outline exists."""
    _check_number(number)
    return _plan(run, number, _stored(run, number), force=force)[0]


def _stored(run: Run, number: int) -> Episode | None:
    try:
        return run.ws.get_episode(run.slug, number)
    except NotFound:
        return None


def _plan(
    run: Run, number: int, current: Episode | None, *, force: bool = False
) -> tuple[Outline, int, dict | None]:
    """`plan_outline` given the stored episode (None when there is none): the outline, the
    episode's id and, when the outline was saved here, the pipeline state saved with it
    (None: the stored outline was used, and the state is the stored one)."""
    if current is not None and current.outline is not None and not force:
        return current.outline, current.id, None
    run.step("outline", number)
    context = run.context(number)
    retries = run.settings.generation.max_retries
    if run.settings.canon.repeat_action != "retry" or not run.use_retry:
        retries = 0
    feedback: list[str] = []
    for _attempt in range(retries + 1):
        prompt = run.render(
            "outline",
            episode_number=number,
            genre=run.bible.project.genre,
            synopsis=run.bible.project.synopsis,
            sections=context.sections,
            target_length=run.settings.generation.target_length,
            feedback=feedback,
        )
        outline = run.call(prompt, "outline", Outline, episode=number).parsed
        check_outline(outline, run.bible)
        # Repeated function (DESIGN §13): warned like a guard failure, retried when configured.
        repeat = ledger_steps.repetition_warning(
            run.ws.store, run.pid, run.bible, run.settings, number, outline
        )
        if repeat is None:
            break
        message = ledger_steps.repetition_message(repeat)
        run.log("warning", message)
        feedback = [message]
    return outline, *gen.save_outline(run.ws.store, run.pid, number, outline)


def _check_number(number: int) -> None:
    if number < 1:
        raise BadInput(f"회차 번호는 1 이상이어야 합니다 (입력값 {number})")


def parse_outline(text: str, source: str) -> Outline:
    """An author-edited outline (JSON): errors name the field, as bible errors do."""
    import json

    from pydantic import ValidationError

    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise BadInput(
            f"{source}:{line}: JSON 형식이 잘못되었습니다: {json_problem(getattr(exc, 'msg', ''))}"
        ) from None
    except RecursionError:
        raise BadInput(
            f"{source}:1: JSON 형식이 잘못되었습니다: 개요로 보기에는 중첩이 너무 깊습니다"
        ) from None
    try:
        return Outline.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(전체)"
        raise BadInput(f"{source}: {where}: {problem_text(err)}") from None


def set_outline(run: Run, number: int, outline: Outline) -> None:
    """Store an author's outline; generation then uses it as is (a repeat is only warned)."""
    _check_number(number)
    check_outline(outline, run.bible)
    repeat = ledger_steps.repetition_warning(
        run.ws.store, run.pid, run.bible, run.settings, number, outline
    )
    if repeat is not None:
        run.log("warning", ledger_steps.repetition_message(repeat))
    gen.save_outline(run.ws.store, run.pid, number, outline)


def check_outline(outline: Outline, bible: Bible) -> None:
    """Cross-checks pydantic cannot do alone: scene numbers in order, known characters only."""
    names = {c.name for c in bible.characters}
    for i, scene in enumerate(outline.scenes):
        if scene.scene_number != i + 1:
            raise BadInput(
                f"scenes[{i}].scene_number: {i + 1}이어야 합니다 (입력값 {scene.scene_number})"
            )
        for name in scene.characters:
            if names and name not in names:
                raise BadInput(f"scenes[{i}].characters: 바이블에 없는 인물입니다: {name!r}")


def generate_episode(run: Run, number: int) -> Episode:
    """Run every unfinished step of episode `number` and return the saved episode."""
    _check_number(number)
    outline, episode_id, state = _plan(run, number, _stored(run, number))
    if state is None:
        state = gen.pipeline_state(run.ws.store, episode_id)
    # The text each step saved goes on to the next one; a resumed run reads it from the store.
    text: str | None = None
    if state.get("step") in (None, "outline"):
        text = _draft(run, number, episode_id, outline, state)
    if state.get("step") == "draft":
        text = _edit(run, number, episode_id, state, text)
    if state.get("step") == "edit":
        _events(run, number, episode_id, state, text)
    if state.get("step") == "events":
        _summary(run, number, episode_id, state, text)
    run.log("info", f"{number}화: 완료")
    return run.ws.get_episode(run.slug, number)


def _draft(run: Run, number: int, episode_id: int, outline: Outline, state: dict) -> str:
    run.step("draft", number)
    settings = run.settings
    context = run.context(number, outline)
    attempts = 1 + (settings.generation.max_retries if run.use_retry else 0)
    feedback: list[str] = []
    history = []
    for attempt in range(1, attempts + 1):
        prompt = run.render(
            "episode",
            episode_number=number,
            genre=run.bible.project.genre,
            tone=run.bible.project.tone,
            sections=context.sections,
            banned_elements=", ".join(run.bible.project.banned_elements),
            min_length=settings.generation.min_length,
            max_length=settings.generation.max_length,
            target_length=settings.generation.target_length,
            feedback=feedback,
        )
        sizes = context.measure(prompt)
        text = run.call(prompt, "draft", episode=number).text
        run.step("guard", number)
        m = run.measure(text)
        gen.record_metrics(run.ws.store, run.pid, episode_id, number, "pass1", attempt, m)
        history.append(
            {
                "attempt": attempt,
                "passed": m.passed,
                "length": m.length,
                "failures": [f.model_dump() for f in m.guard.failures],
            }
        )
        run.log(
            "info" if m.passed else "warning",
            f"{number}화 초고 {attempt}차: "
            + ("가드 통과" if m.passed else "가드 실패 — " + "; ".join(m.guard.reasons())),
        )
        if m.passed:
            break
        feedback = m.guard.reasons()
    state.update(
        step="draft", attempts=history, passed_pass1=m.passed, writer=run.backend.backend_id
    )
    # The draft and what its context included: one commit.
    with run.ws.store.transaction():
        gen.save_text(
            run.ws.store,
            episode_id,
            text,
            "pass1",
            state,
            note=f"{attempt}차 초고",
            generation_prompt=prompt,
            context_sizes=sizes,
            passed=m.passed,
            status="generating",
        )
        ledger_steps.record_context(run.ws.store, run.pid, number, context)
    return text


def _content(run: Run, number: int, text: str | None) -> str:
    """The text the previous step saved: handed on, or read back when a run resumes."""
    return run.ws.get_episode(run.slug, number).content if text is None else text


def _edit(run: Run, number: int, episode_id: int, state: dict, text: str | None = None) -> str:
    store, settings = run.ws.store, run.settings
    text = _content(run, number, text)
    first = run.measure(text)
    final, kept_reason = text, ""
    if run.with_editor and first.warnings:
        run.step("edit", number)
        prompt = run.render(
            "style",
            content=text,
            warnings=_warnings_for_prompt(first),
            voices=voice_profiles(run.bible.characters, 4000),
        )
        edited = run.call(prompt, "style", episode=number).text
        after = run.measure(edited)
        change = abs(after.length - first.length) / max(first.length, 1)
        if first.passed and not after.passed:
            kept_reason = "교정본이 가드를 통과하지 못해 1패스 원고를 유지"
        elif change > settings.generation.edit_max_length_change:
            kept_reason = f"교정본의 분량 변화({change:.0%})가 커서 1패스 원고를 유지"
        else:
            final = edited
        if kept_reason:
            run.log("warning", f"{number}화: {kept_reason}")
    m = run.measure(final)
    gen.record_metrics(store, run.pid, episode_id, number, "final", 1, m)
    state.update(step="edit", edit_kept_pass1=kept_reason or None)
    columns = {"passed": m.passed, "style_metrics": m.to_json()}
    if final is not text:
        gen.save_text(store, episode_id, final, "pass2", state, **columns)
    else:
        gen.save_state(store, episode_id, state, **columns)
    return final


def _events(run: Run, number: int, episode_id: int, state: dict, text: str | None = None) -> None:
    run.step("events", number)
    store = run.ws.store
    content = _content(run, number, text)
    foreshadows = canon_rows.open_foreshadows(store, run.pid, number)
    prompt = run.render(
        "events",
        episode_number=number,
        content=content,
        characters=[c.name for c in run.bible.characters],
        open_foreshadows=foreshadows,
    )
    answer: EventsAnswer = run.call(prompt, "events", EventsAnswer, episode=number).parsed
    known = {f["id"] for f in foreshadows}
    resolved = [i for i in answer.resolved_foreshadows if i in known]
    events = ledger_steps.events_with_due(answer.events, number, run.bible, run.settings)
    with store.transaction():  # the events and the checkpoint that says they exist: one commit
        canon_rows.replace_events(store, run.pid, episode_id, number, events, resolved)
        state["step"] = "events"
        gen.save_state(store, episode_id, state)


def _summary(
    run: Run,
    number: int,
    episode_id: int,
    state: dict,
    text: str | None = None,
    status: str | None = "generated",
) -> None:
    run.step("summary", number)
    content = _content(run, number, text)
    prompt = run.render("summary", episode_number=number, content=content)
    summary = run.call(prompt, "summary", episode=number).text.strip()[:SUMMARY_LIMIT]
    state["step"] = "summary"
    columns = {"status": status} if status else {}
    # The episode's last checkpoint: its log lines and call records land with it.
    with run.ws.store.transaction(flush=True):
        gen.save_state(
            run.ws.store, episode_id, state, summary=summary, context_stale=False, **columns
        )


def rederive(run: Run, number: int) -> int:
    """After an author edits an episode: new events and summary, later episodes marked stale."""
    episode = run.ws.get_episode(run.slug, number)
    state = gen.pipeline_state(run.ws.store, episode.id)

    def again() -> None:
        _events(run, number, episode.id, state)
        _summary(run, number, episode.id, state, status=None)

    # The cascade (DESIGN §13): which later contexts used an event or summary that changed.
    reasons = ledger_steps.with_cascade(run.ws.store, run.pid, number, episode.id, again)
    for later in sorted({r.episode_number for r in reasons}):
        run.log("warning", f"{number}화 수정의 영향: {later}화 다시 만들기 필요")
    return gen.mark_later_stale(run.ws.store, run.pid, number)


def edit_episode(run: Run, number: int, content: str, *, expected_revision: int) -> Episode:
    """An author's own edit: saved as a `user` version (refused if another save won the race),
    measured, then its events and summary re-derived and later episodes marked stale."""
    if not content.strip():
        raise BadInput("회차 본문이 비어 있으면 안 됩니다")
    m = run.measure(content)
    saved = run.ws.save_episode(
        run.slug, number, content, expected_revision=expected_revision, kind="user", status="edited"
    )
    # The metrics row first: it is deferred and commits with the checkpoint below.
    gen.record_metrics(run.ws.store, run.pid, saved.id, number, "final", 1, m)
    gen.save_state(
        run.ws.store,
        saved.id,
        gen.pipeline_state(run.ws.store, saved.id),
        passed=m.passed,
        style_metrics=m.to_json(),
    )
    rederive(run, number)
    return run.ws.get_episode(run.slug, number)


def revise_episode(run: Run, number: int, instruction: str) -> Episode:
    if not instruction.strip():
        raise BadInput("--instruction(고쳐 쓰기 지시문)이 비어 있으면 안 됩니다")
    episode = run.ws.get_episode(run.slug, number)
    if not episode.content.strip():
        raise NotFound(f"{number}화에는 아직 고쳐 쓸 본문이 없습니다")
    prompt = run.render(
        "revise",
        content=episode.content,
        voices=voice_profiles(run.bible.characters, 4000),
        instruction=instruction.strip(),
        min_length=run.settings.generation.min_length,
        max_length=run.settings.generation.max_length,
    )
    text = run.call(prompt, "revise", episode=number).text
    m = run.measure(text)
    state = gen.pipeline_state(run.ws.store, episode.id)
    state["writer"] = run.backend.backend_id
    gen.record_metrics(run.ws.store, run.pid, episode.id, number, "final", 1, m)
    gen.save_text(
        run.ws.store,
        episode.id,
        text,
        "revise",
        state,
        note=instruction[:200],
        passed=m.passed,
        status="edited",
    )
    rederive(run, number)
    return run.ws.get_episode(run.slug, number)


def bootstrap_bible(backend: Backend, concept: dict, record=None) -> Bible:
    """Concept → Story Bible (seed 003 §2-1), validated like an imported one."""
    from novelcraft.bible import dump_bible, parse_bible
    from novelcraft.models import ProjectInfo

    prompt = prompts.render("bootstrap", concept)
    answer: BootstrapAnswer = call_llm(
        backend, prompt, purpose="bootstrap", answer_model=BootstrapAnswer, record=record
    ).parsed
    bible = Bible(
        project=ProjectInfo(
            name=concept["name"],
            genre=concept["genre"],
            tone=concept["tone"],
            synopsis=answer.synopsis,
            worldbuilding=answer.worldbuilding,
            plot_outline=answer.plot_outline,
            banned_elements=[x for x in concept.get("banned_list", []) if x],
            notes=concept.get("notes", ""),
        ),
        seasons=answer.seasons,
        characters=answer.characters,
        relationships=answer.relationships,
    )
    # The same rules as an imported bible (duplicate names and so on) apply to a generated one.
    return parse_bible(dump_bible(bible), "부트스트랩 답")
