"""Job commands: jobs, job, cancel — through the Workspace interface, so they read the same
rows whether this process owns the workspace or a running owner answers over its API."""

from __future__ import annotations

import click

from novelcraft.cli.app import AppContext, pass_app
from novelcraft.cli.common import open_workspace
from novelcraft.cli.output import print_json, print_table
from novelcraft.labels import job_type_label, status_label


def _percent(progress: float) -> str:
    return f"{progress * 100:.0f}%"


def _print_jobs(rows: list[dict]) -> None:
    print_table(
        ["작업 번호", "종류", "작품", "상태", "단계", "진행률", "오류"],
        [
            [r["id"], job_type_label(r["job_type"]), r.get("project") or "",
             status_label(r["status"]), r["step_label"], _percent(r["progress"]),
             (r.get("error") or "")[:60]]
            for r in rows
        ],
    )  # fmt: skip


@click.command(help="작업 목록을 최신순으로 보여 줍니다 (SLUG를 주면 그 작품만).")
@click.argument("slug", required=False)
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="보여 줄 작업 수."
)
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def jobs(app: AppContext, slug: str | None, limit: int, as_json: bool):
    """List jobs, newest first (of one project when SLUG is given)."""
    with open_workspace(app) as ws:
        rows = [j.brief() for j in ws.list_jobs(slug, limit=limit)]
    if as_json:
        print_json(rows)
    elif rows:
        _print_jobs(rows)
    else:
        click.echo("작업이 없습니다.")


@click.command(help="작업 하나의 상태, 단계, 진행률, 오류, 회차와 로그를 보여 줍니다.")
@click.argument("job_id")
@click.option("--log", "log_lines", type=click.IntRange(min=0), default=15, show_default=True,
              help="보여 줄 마지막 로그 줄 수.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="JSON만 출력합니다.")
@pass_app
def job(app: AppContext, job_id: str, log_lines: int, as_json: bool):
    """One job: status, step, progress, error, its episodes and its log."""
    with open_workspace(app) as ws:
        found = ws.get_job(job_id)
        info = found.brief()
        info.update(created_at=found.created_at, completed_at=found.completed_at,
                    input=found.input, output=found.output)  # fmt: skip
        children = [c.brief() for c in ws.list_jobs(parent=found.id, limit=None)]
        logs = ws.job_logs(found.id, last=log_lines) if log_lines else []
        lines = [f"{line.ts:%H:%M:%S} {line.message}" for line in logs]
    if as_json:
        print_json({**info, "children": children, "log": lines})
        return
    click.echo(f"{info['id']}  {job_type_label(info['job_type'])}  {status_label(info['status'])}")
    click.echo(f"  단계: {info['step_label']}  진행률: {_percent(info['progress'])}")
    if info.get("error"):
        click.echo(f"  오류: {info['error']}")
    if children:
        counts: dict[str, int] = {}
        for child in children:
            counts[child["status"]] = counts.get(child["status"], 0) + 1
        click.echo("  화: " + ", ".join(f"{status_label(s)} {n}" for s, n in counts.items()))
    for line in lines:
        click.echo(f"  | {line}")


@click.command(
    help="작업을 취소합니다. 단계 사이에서 멈추며(실행 중인 codex 호출은 끝냄) "
    "저장된 내용은 남습니다."
)
@click.argument("job_id")
@pass_app
def cancel(app: AppContext, job_id: str):
    """Cancel a job: it stops between steps (a running codex call is killed); saved work stays."""
    with open_workspace(app) as ws:
        info = ws.cancel_job(job_id)
    state = "취소됨" if info.status == "canceled" else "취소 요청됨 (다음 단계 전에 멈춥니다)"
    click.echo(f"{info.id}: {state}")


def register(cli: click.Group) -> None:
    for command in (jobs, job, cancel):
        cli.add_command(command)
