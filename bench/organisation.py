"""Time and peak memory of loading the official units and importing people at national scale.

    .venv/bin/python bench/organisation.py [--people 150000] [--formats csv,xlsx]

Uses a fresh SQLite database under var/bench/ (or the PostgreSQL database named by
DATABASE_URL, which it empties first). Each step runs as its own `manage.py` process, so
its peak resident memory (ru_maxrss) is the process's own. Importing 1/10 of the rows as well
shows whether memory grows with the file.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = ["An", "Ánh", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai"]
CATEGORIES = ["chuyen-trach", "khong-chuyen-trach", "truong-ban-cong-tac-mat-tran", "uy-vien-uy-ban"]
HEADERS = ["Mã định danh", "Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Phân loại", "Điện thoại"]


def run(env, *args):
    """Run one manage.py command; return its wall time (s) and peak memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    output = process.stdout.read().decode().strip()
    if status:
        raise SystemExit(f"manage.py {' '.join(args)} failed: {output}")
    return elapsed, usage.ru_maxrss / 1024, output


def manage_output(env, *args):
    return subprocess.check_output([sys.executable, "manage.py", *args], cwd=ROOT, env=env)


def unit_codes(env):
    script = "from lms.models import Unit; print(*Unit.objects.filter(level='commune').values_list('code', flat=True))"
    return subprocess.check_output(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script], cwd=ROOT, env=env
    ).split()


def people_rows(count, codes):
    generator = random.Random(2026)
    for number in range(count):
        yield [
            f"B{number:07d}",
            f"{generator.choice(FAMILY)} {generator.choice(MIDDLE)} {generator.choice(GIVEN)}",
            generator.choice(["Nam", "Nữ"]),
            f"{generator.randint(1, 28):02d}/{generator.randint(1, 12):02d}/{generator.randint(1960, 2000)}",
            generator.choice(codes).decode(),
            "Cán bộ",
            generator.choice(CATEGORIES),
            f"09{number:08d}",
        ]


def write_people(path, count, codes):
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(people_rows(count, codes))
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADERS)
        for row in people_rows(count, codes):
            sheet.append(row)
        workbook.save(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--formats", default="csv,xlsx")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    # DEBUG off, as in production: with it on, Django keeps every query's SQL in memory.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false"}
    if "DATABASE_URL" in env:
        script = (
            "from django.db import connection;"
            "connection.cursor().execute('DROP SCHEMA public CASCADE; CREATE SCHEMA public')"
        )
        manage_output(env, "shell", "-v", "0", "-c", script)
        database = env["DATABASE_URL"].split("@")[-1]
    else:
        database_file = WORK / "bench.sqlite3"
        for leftover in WORK.glob("bench.sqlite3*"):
            leftover.unlink()
        env["DATABASE_URL"] = f"sqlite:///{database_file}"
        database = "SQLite"
    run(env, "migrate", "--no-input", "-v", "0")
    print(f"database: {database}")
    print(f"{'step':<48} {'seconds':>8} {'peak MB':>8}")

    def report(step, *args):
        elapsed, peak, output = run(env, *args)
        print(f"{step:<48} {elapsed:8.1f} {peak:8.0f}   {output.splitlines()[-1] if output else ''}")

    report("load_admin_units (whole country)", "load_admin_units")
    report("load_admin_units again (nothing to do)", "load_admin_units")
    codes = unit_codes(env)
    for suffix in options.formats.split(","):
        small, large = options.people // 10, options.people
        for count in (small, large):
            path = WORK / f"people-{count}.{suffix}"
            if not path.exists():
                write_people(path, count, codes)
            report(f"import_people {count:,} rows .{suffix} (dry run)", "import_people", str(path), "--dry-run")
        report(f"import_people {large:,} rows .{suffix}", "import_people", str(WORK / f"people-{large}.{suffix}"))
        report(
            f"import_people {large:,} rows .{suffix} again",
            "import_people",
            str(WORK / f"people-{large}.{suffix}"),
        )


if __name__ == "__main__":
    main()
