"""Migrations that move official data keep every value: run on a database file of its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest


def _migrate(env: dict[str, str], target: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "submissions", target, "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.own_database
def test_results_move_into_their_activity_rows_unchanged(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARBONCTL_", "DJANGO_"))}
    env.update(
        CARBONCTL_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="carbonctl.web.settings_test"
    )
    _migrate(env, "0003")
    db = sqlite3.connect(tmp_path / "carbonctl.sqlite3")
    with db:
        db.execute(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, last_login) VALUES (1, '', 0, 'u', '', '',"
            " '', 0, 1, '2026-01-01', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO submissions_factorset (id, code, title_zh, title_en, status, source)"
            " VALUES (1, 'GB/T 32150-2015', '', '', '', '')"
        )
        db.execute(
            "INSERT INTO submissions_submission (id, region_id, file_name, status, version,"
            " factor_set_id, grid_basis, total_tco2, rows, uploaded_by_id, uploaded_at,"
            " review_note, warnings) VALUES (1, '140000', 'a.csv', 'pending', 1, 1,"
            " 'provincial', 0, 2, 1, '2026-01-01', '', '[]')"
        )
        for i, (tco2, status, basis) in enumerate(
            [(2.86, "SECONDARY", "default"), (1234.5, "UNCONFIRMED", "measured: ncv")], start=1
        ):
            db.execute(
                "INSERT INTO submissions_activityrecord (id, submission_id, row_id, subject,"
                " period, year, category, item, amount, unit, region, parameters) VALUES"
                " (?, 1, ?, '企业', '2023', 2023, 'combustion', '焦炭', 1.0, '吨', '', '{}')",
                (i, i + 1),
            )
            db.execute(
                "INSERT INTO submissions_emissionresult (activity_id, factor_set_id, item_id,"
                " activity_amount, activity_unit, emission_factor, ef_unit, tco2, tco2_market,"
                " tce, parameters, factor_id, factor_status, provisional, note) VALUES"
                " (?, 1, 'coke', 1.0, 't', ?, 'tCO2/t', ?, ?, NULL, ?, 'fuel:coke', ?, ?, 'n')",
                (i, tco2, tco2, tco2 / 2, basis, status, i == 2),
            )
    db.close()
    _migrate(env, "0004")
    db = sqlite3.connect(tmp_path / "carbonctl.sqlite3")
    rows = db.execute(
        "SELECT row_id, tco2, tco2_market, emission_factor, factor_status, parameter_basis,"
        " provisional, factor_id, ef_unit, tce, note FROM submissions_activityrecord ORDER BY id"
    ).fetchall()
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert rows == [
        (2, 2.86, 1.43, 2.86, "SECONDARY", "default", 0, "fuel:coke", "tCO2/t", None, "n"),
        (
            3,
            1234.5,
            617.25,
            1234.5,
            "UNCONFIRMED",
            "measured: ncv",
            1,
            "fuel:coke",
            "tCO2/t",
            None,
            "n",
        ),
    ]
    assert "submissions_emissionresult" not in tables
