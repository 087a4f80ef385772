"""Print the test counts of each CI run from pytest's JUnit reports; fail if the browser tests did not all run."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def counts(report):
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped"))
    return {"passed": tests - failures - errors - skipped, "failed": failures + errors, "skipped": skipped}


def main(reports_dir):
    total = {"passed": 0, "failed": 0, "skipped": 0}
    problems = []
    print(f"{'database':<12} {'tests':<8} {'passed':>7} {'failed':>7} {'skipped':>8}")
    for database in ("sqlite", "postgresql"):
        for part in ("suite", "browser"):
            report = Path(reports_dir) / database / f"{part}.xml"
            if not report.exists():
                problems.append(f"no report for {database}/{part}")
                continue
            found = counts(report)
            print(f"{database:<12} {part:<8} {found['passed']:>7} {found['failed']:>7} {found['skipped']:>8}")
            for key in total:
                total[key] += found[key]
            if part == "browser" and (found["passed"] == 0 or found["skipped"]):
                problems.append(f"browser tests did not all run on {database}")
    for problem in problems:
        print(f"CI FAILURE: {problem}")
    print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 1 if problems or total["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
