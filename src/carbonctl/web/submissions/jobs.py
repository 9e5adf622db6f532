"""The import worker (导入进程): a loop that claims queued :class:`ImportJob` rows from the
database and imports them — no broker, no Redis. ``carbonctl worker`` runs it; ``carbonctl
serve`` starts one beside gunicorn.

- Claiming is atomic: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, a compare-and-set
  ``UPDATE … WHERE status = 'queued'`` elsewhere (SQLite), so two workers never take one job.
- A running job's ``heartbeat_at`` is renewed every :data:`HEARTBEAT_SECONDS` by a thread; a job
  whose heartbeat is older than ``CARBONCTL_IMPORT_LEASE_SECONDS``, or whose worker process on
  this host is gone, was left by a killed worker: it is failed and its staged rows deleted
  (:func:`recover`), when a worker starts and every lease period after.
- SIGTERM (or SIGINT) stops the loop: an import in progress stops after its current chunk, its
  staged rows are deleted and the job goes back to the queue for the next worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from carbonctl.errors import InputErrors
from carbonctl.io import count_rows
from carbonctl.web.submissions import reading, services
from carbonctl.web.submissions.models import ImportJob, Submission

log = logging.getLogger("carbonctl.imports")

HEARTBEAT_SECONDS = 10.0
#: Shown for a job whose worker died: nothing of it was published.
LOST = (
    "导入中断：处理该文件的进程已停止，未发布任何数据，请重新上传。"
    " The import was interrupted (its worker stopped); nothing was published — upload the file"
    " again."
)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _lease() -> timedelta:
    return timedelta(seconds=settings.CARBONCTL_IMPORT_LEASE_SECONDS)


def _dead_here(worker: str) -> bool:
    """Whether ``worker`` names a process on this host that no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(name: str) -> ImportJob | None:
    """Take the oldest queued job for worker ``name``; None when the queue is empty."""
    now = timezone.now()
    running = {
        "status": ImportJob.Status.RUNNING,
        "worker": name,
        "started_at": now,
        "heartbeat_at": now,
    }
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job = queued.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            ImportJob.objects.filter(pk=job.pk).update(**running)
            pk = job.pk
    else:
        for pk in queued.values_list("pk", flat=True)[:10]:
            taken = ImportJob.objects.filter(pk=pk, status=ImportJob.Status.QUEUED).update(
                **running
            )
            if taken == 1:
                break
        else:
            return None
    return ImportJob.objects.select_related(
        "created_by", "region__parent__parent", "enterprise__county", "supersedes"
    ).get(pk=pk)


def _remove_file(job: ImportJob) -> None:
    if job.stored_name:
        (services.uploads_dir() / job.stored_name).unlink(missing_ok=True)


def _finish(job: ImportJob, *, errors: list | None = None, message: str = "") -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        errors=errors or [],
        message=message,
        finished_at=now,
        heartbeat_at=now,
        submission=None,
    )


def recover(name: str | None = None) -> int:
    """Fail the jobs left running by a dead worker and delete their staged rows; also removes
    staged submissions whose job is gone. Returns how many jobs were recovered."""
    now = timezone.now()
    cutoff = now - _lease()
    recovered = 0
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING):
        if job.worker == name:
            continue
        stale = job.heartbeat_at is None or job.heartbeat_at < cutoff or _dead_here(job.worker)
        if not stale:
            continue
        taken = ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=ImportJob.Status.FAILED, message=LOST, finished_at=now)
        if taken != 1:
            continue  # another worker recovered it, or it just moved on
        if job.submission_id:
            services.discard(job.submission_id)
        _remove_file(job)
        log.warning("import job %s (%s) failed: its worker %s stopped", job.pk, job, job.worker)
        recovered += 1
    orphans = (
        Submission.all_objects.filter(status=Submission.Status.IMPORTING, uploaded_at__lt=cutoff)
        .exclude(import_jobs__status=ImportJob.Status.RUNNING)
        .values_list("pk", flat=True)
    )
    for pk in list(orphans):
        services.discard(pk)
    return recovered


class _Heartbeat(threading.Thread):
    """Renews a running job's ``heartbeat_at`` until stopped (its own database connection)."""

    def __init__(self, job_id: int, every: float) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    ImportJob.objects.filter(
                        pk=self.job_id, status=ImportJob.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # a busy database: try again at the next beat
                    log.warning("heartbeat of import job %s failed", self.job_id, exc_info=True)
        finally:
            connection.close()


def _wanted(job: ImportJob) -> services.ImportRequest:
    region = job.enterprise.county if job.enterprise else job.region
    user = get_user_model().objects.get(pk=job.created_by_id)
    services._check_may_submit(user, job.enterprise, region)
    return services.ImportRequest(
        user=user,
        region=region,
        enterprise=job.enterprise,
        supersedes=job.supersedes,
        factor_set=services.factor_set(job.factor_set or None),
        grid_basis=job.grid_basis,
        sheet=job.sheet or None,
        file_name=job.file_name,
    )


def run_job(job: ImportJob, should_stop=None) -> str:
    """Import one claimed job; returns its final status (``queued`` again when stopped)."""
    path = services.uploads_dir() / job.stored_name
    beat = _Heartbeat(job.pk, HEARTBEAT_SECONDS)
    beat.start()
    status = ImportJob.Status.FAILED
    try:
        if not job.stored_name or not path.is_file():
            _finish(job, message="the uploaded file is gone; upload it again")
            return status
        limits = services.upload_limits()
        estimate = count_rows(
            path, job.sheet or None, limits.max_rows + 1, limits.max_xlsx_uncompressed
        )
        ImportJob.objects.filter(pk=job.pk).update(
            rows_total=estimate - 1 if estimate and estimate > 1 else None
        )
        services.import_file(_wanted(job), path, job=job, should_stop=should_stop)
        status = ImportJob.Status.DONE
    except services.ImportInterrupted:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.QUEUED,
            rows_done=0,
            submission=None,
            worker="",
            started_at=None,
            heartbeat_at=None,
        )
        log.info("import job %s stopped and queued again", job.pk)
        return ImportJob.Status.QUEUED
    except InputErrors as exc:
        _finish(
            job,
            errors=services.error_list(exc),
            message="invalid upload: nothing was written",
        )
    except PermissionDenied as exc:
        _finish(job, message=f"refused: {exc}")
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, message="internal error: nothing was published; the log has the details")
    finally:
        beat.stopped.set()
        beat.join()
    _remove_file(job)
    log.info("import job %s %s", job.pk, status)
    return status


def run_worker(
    *,
    burst: bool = False,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    parent_pid: int | None = None,
) -> int:
    """Claim and run jobs until ``stop`` is set (or, with ``burst``, until the queue is empty,
    or when the process ``parent_pid`` that started this worker is gone). Returns the number
    of jobs run."""
    stop = stop or threading.Event()
    name = worker_name()
    reading.start_helpers()  # the fork server of the reading processes, before any job
    recover(name)
    swept = time.monotonic()
    done = 0
    while not stop.is_set():
        if parent_pid is not None and os.getppid() != parent_pid:
            log.warning("the server that started this worker is gone; stopping")
            break
        if not connection.in_atomic_block:  # (a test's transaction keeps its connection)
            close_old_connections()
        job = claim(name)
        if job is None:
            if burst:
                break
            if time.monotonic() - swept > _lease().total_seconds():
                recover(name)
                swept = time.monotonic()
            stop.wait(poll)
            continue
        log.info("import job %s: %s", job.pk, job.file_name)
        run_job(job, should_stop=stop.is_set)
        done += 1
    return done
