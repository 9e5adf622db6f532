"""Benchmark: activity files through the input path before any database (read + validate +
account, chunk by chunk with :func:`carbonctl.io.iter_activities`), CSV and XLSX separately.

Goal on the 2-core machine: ≥ 150,000 rows/s for CSV, ≥ 60,000 rows/s for XLSX, peak RSS while
iterating a 1,000,000-row file ≤ 600 MB. Each measurement runs in a fresh process so its peak
RSS is its own. Run: ``python benchmarks/bench_read.py [--rows 200000 1000000] [--dir DIR]``.
Files are generated once into ``--dir`` (XLSX written directly as XML, since openpyxl needs
minutes for a million rows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

COLUMNS = [
    "subject",
    "period",
    "category",
    "item",
    "amount",
    "unit",
    "region",
    "ncv",
    "carbon_content",
    "oxidation_rate",
    "purity",
    "cao_fraction",
    "mgo_fraction",
]


def _frame(n: int):
    from bench_accounting import make_rows

    frame = make_rows(n)[COLUMNS]
    frame["amount"] = frame["amount"].round(3)
    return frame


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, header: list[str], rows) -> None:
    """A minimal XLSX with shared strings, as Excel lays it out (r= on every cell)."""
    strings: dict[str, int] = {}
    letters = [_column_letter(i) for i in range(len(header))]

    def row_xml(r: int, values) -> str:
        cells = []
        for letter, v in zip(letters, values, strict=True):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, str):
                index = strings.setdefault(v, len(strings))
                cells.append(f'<c r="{letter}{r}" t="s"><v>{index}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}"><v>{v!r}</v></c>')
        return f'<row r="{r}">{"".join(cells)}</row>'

    body = [row_xml(1, header)] + [row_xml(i, v) for i, v in enumerate(rows, start=2)]
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
        f'<dimension ref="A1:{letters[-1]}{len(body)}"/><sheetData>{"".join(body)}</sheetData>'
        "</worksheet>"
    )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
        'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}"><Relationship '
        f'Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="活动数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)


def generate(folder: Path, n: int) -> dict[str, Path]:
    paths = {"csv": folder / f"activities_{n}.csv", "xlsx": folder / f"activities_{n}.xlsx"}
    if all(p.exists() for p in paths.values()):
        return paths
    frame = _frame(n)
    frame.to_csv(paths["csv"], index=False)
    write_xlsx(
        paths["xlsx"],
        COLUMNS,
        frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None),
    )
    return paths


def _peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM): ru_maxrss would carry over the parent's peak, which
    survives fork and exec on Linux, and the parent has just generated the files."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: str) -> dict[str, float]:
    """Run in a child process: iterate, validate and account the file; report time and RSS."""
    from carbonctl.accounting import account
    from carbonctl.io import iter_activities, validate_activities

    # warm the caches (reference tables, pint) as a running worker has them
    account(validate_activities(_frame(200).astype(str).replace("nan", "")))
    start = time.perf_counter()
    cpu = time.process_time()
    rows = 0
    tco2 = 0.0
    for chunk in iter_activities(path, source=Path(path).name):
        rows += len(chunk)
        tco2 += account(chunk).total_tco2
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        # CPU time, not wall time: on a shared machine the wall clock counts other work
        "rate": rows / cpu,
        "rss_mib": _peak_rss_mib(),
        "tco2": tco2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_read")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    goals = {"csv": 150_000, "xlsx": 60_000}
    print(
        f"{'file':<28}{'rows':>12}{'wall s':>8}{'CPU s':>8}{'rows/CPU s':>12}{'goal':>8}"
        f"{'peak RSS':>14}"
    )
    for n in args.rows:
        for kind, path in generate(args.dir, n).items():
            output = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            verdict = "OK" if result["rate"] >= goals[kind] else "MISSED"
            rss = f"{result['rss_mib']:.0f} MiB"
            if n >= 1_000_000:
                rss += " OK" if result["rss_mib"] <= 600 else " MISSED"
            print(
                f"{path.name:<28}{result['rows']:>12,}{result['seconds']:>8.1f}"
                f"{result['cpu']:>8.1f}{result['rate']:>12,.0f}{verdict:>8}{rss:>14}"
            )


if __name__ == "__main__":
    main()
