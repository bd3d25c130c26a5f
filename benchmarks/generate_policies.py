"""Write a payer policy table (``docs/imports.md``) of N rows, seeded, for benchmarks.

The table looks like what payers publish, flattened to one row per code, payer and line of
business: several payers (some written with their aliases: UHC, BCBS, Cigna Healthcare), each
with policy numbers in its own style (``CPB-0179``, ``UHC-2025T012``, ``L33456``), each policy in
one to three dated versions (the older ones closed the day before the next starts), each
version covering a set of codes (CPT Category I and III, HCPCS Level II) for one or more lines
of business, with supporting and excluding ICD-10-CM lists, modifiers, places of service and a
documentation note (some with commas and quotes, a few over two lines). The same N and seed
always give the same bytes.

    python -m benchmarks.generate_policies 100000 /tmp/policies-100k.csv [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

COLUMNS = (
    "code_system", "code", "payer", "line_of_business", "status", "prior_auth", "policy_id", "policy_title",
    "policy_url", "effective_from", "effective_through", "supporting_icd10", "excluding_icd10", "documentation",
    "modifiers", "place_of_service",
)

# (the payer's names as rows write them (aliases of ``data/vocab/payer-aliases.csv`` after the
# first), weight, lines of business, policy number style, URL host)
PAYERS = (
    (("Aetna", "Aetna Inc."), 18, ("commercial", "medicare-advantage", "medicaid"), "CPB-{serial:04d}", "aetna"),
    (("UnitedHealthcare", "UHC", "United Healthcare"), 20, ("commercial", "medicare-advantage", "medicaid"), "UHC-{year}T{serial:03d}", "uhc"),
    (("Cigna", "Cigna Healthcare"), 12, ("commercial", "medicare-advantage"), "CIG-{serial:04d}", "cigna"),
    (("Blue Cross Blue Shield", "BCBS"), 16, ("commercial", "medicare-advantage", "medicaid"), "BCBS-{major}.01.{minor:02d}", "bcbs"),
    (("Humana",), 10, ("commercial", "medicare-advantage", "medicaid"), "HUM-{serial:04d}-{year}", "humana"),
    (("Medicare", "CMS"), 12, ("medicare-ffs",), "L{serial:05d}", "cms"),
    (("Texas Medicaid",), 3, ("medicaid",), "PH-{serial:03d}", "tmhp"),
    (("Ohio Medicaid",), 3, ("medicaid",), "OH-{serial:04d}", "ohio-medicaid"),
    (("Georgia Medicaid",), 2, ("medicaid",), "GA-{serial:04d}", "georgia-medicaid"),
    (("Kaiser Permanente",), 4, ("commercial", "medicare-advantage"), "KP-{serial:04d}", "kp"),
)
TOPICS = (
    "Arthrocentesis and joint injections", "Viscosupplementation", "Emerging technology services", "Spinal procedures",
    "Physician-administered drugs", "Cellular and tissue-based therapies", "Platelet-rich plasma", "Epidural steroid injections",
    "Facet joint interventions", "Office visits and consultations", "Imaging-guided procedures", "Category III codes",
    "Bone marrow aspirate concentrate", "Regenerative medicine", "Outpatient surgery", "Laboratory services",
)
STATUSES = (("covered", 45), ("conditional", 30), ("not-covered", 10), ("experimental", 10), ("not-stated", 4),
            ("source-declares-unavailable", 1))
PRIOR_AUTH = (("required", 35), ("not-required", 30), ("unknown", 15), ("yes", 8), ("no", 7), ("", 5))
ICD10 = (
    "M17.0", "M17.11", "M17.12", "M17.9", "M51.36", "M51.37", "M54.16", "M54.17", "M54.50", "M47.816", "M47.817", "M48.061",
    "M75.100", "M75.101", "M75.102", "M25.561", "M25.562", "M79.604", "G89.29", "G89.4", "R15.0", "R15.2", "R15.9", "K62.89",
    "I73.9", "I70.213", "L94.0", "M34.0", "M34.1", "S83.241A", "S83.242A", "S46.011A", "M65.4", "M72.2", "M77.10", "M19.011",
    "M19.012", "M16.11", "M16.12", "E11.9", "E11.42", "Z96.651", "Z96.652", "T84.84XA", "C50.911", "D64.9",
)
MODIFIERS = ("25", "59", "RT", "LT", "50", "JZ", "JW", "KX", "GA", "GZ", "XS", "26", "TC", "XU")
PLACES = ("11", "19", "22", "24", "21", "23", "49", "12", "02", "10")
NOTES = (
    "Imaging-confirmed diagnosis",
    "Radiographic knee osteoarthritis, and knee pain not relieved by 3 months of conservative therapy",
    "Failure of at least 6 months of conservative therapy; documented functional limitation",
    'Prior "step therapy" with a corticosteroid injection, documented in the record',
    "Office notes, imaging report and the treatment plan",
    "Limited to one injection per joint per 6 months, and no more than 3 per year",
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _codes(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(code_system, code) for ``count`` distinct codes: CPT Category I and III and HCPCS Level II."""
    pool = ([("CPT", f"{n:05d}") for n in rng.sample(range(10004, 99500), count)]
            + [("CPT", f"{n:04d}T") for n in rng.sample(range(1, 1051), min(1050, count // 4))]
            + [("HCPCS", f"{letter}{n:04d}") for letter, n in
               zip(rng.choices("JJJJJACEGKLQ", k=count // 2), rng.sample(range(100, 10000), count // 2), strict=True)])
    rng.shuffle(pool)
    return pool[:count]


def rows(count: int, seed: int = 7):
    """The table's rows (each a tuple in COLUMNS order), as many as asked."""
    rng = random.Random(seed)
    universe = _codes(rng, max(200, min(20000, count // 10)))
    weights = [payer[1] for payer in PAYERS]
    made = 0
    serial = 0
    while made < count:
        names, _weight, lobs, style, host = rng.choices(PAYERS, weights)[0]
        serial += 1
        first_year = rng.randrange(2019, 2025)
        number = style.format(serial=serial, year=first_year, major=serial // 100, minor=serial % 100)
        topic = rng.choice(TOPICS)
        covered = rng.sample(universe, rng.randrange(3, 120))
        policy_lobs = rng.sample(lobs, rng.randrange(1, len(lobs) + 1))
        starts = sorted({date(first_year, 1, 1) + timedelta(days=rng.randrange(0, 365 * (k + 1))) for k in range(rng.randrange(1, 4))})
        for index, start in enumerate(starts):
            through = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else None
            title = f"{topic} (version {index + 1})" if rng.random() < 0.3 else topic
            url = f"https://example.org/{host}/{number.lower()}" if rng.random() < 0.9 else ""
            for system, code in covered:
                for lob in policy_lobs:
                    if made >= count:
                        return
                    status = _pick(rng, STATUSES)
                    supporting = rng.sample(ICD10, rng.randrange(0, 9)) if status in ("covered", "conditional") else []
                    excluding = rng.sample(ICD10, rng.randrange(0, 3)) if status == "conditional" else []
                    note = rng.choice(NOTES) if status == "conditional" and rng.random() < 0.7 else ""
                    if note and rng.random() < 0.01:
                        note = note.replace(", ", ",\n", 1)  # a cell over two lines, quoted
                    yield (
                        "HCPCS Level II" if system == "HCPCS" and rng.random() < 0.1 else system,
                        code.lower() if rng.random() < 0.02 else code,
                        rng.choice(names),
                        lob,
                        status.replace("-", " ").title() if rng.random() < 0.1 else status,
                        _pick(rng, PRIOR_AUTH),
                        number,
                        title,
                        url,
                        start.isoformat() if rng.random() < 0.95 else start.strftime("%m/%d/%Y"),
                        through.isoformat() if through else "",
                        ";".join(code.replace(".", "") if rng.random() < 0.05 else code for code in supporting),
                        ";".join(excluding),
                        note,
                        ";".join(rng.sample(MODIFIERS, rng.randrange(0, 4))) if rng.random() < 0.4 else "",
                        ";".join(rng.sample(PLACES, rng.randrange(1, 4))) if rng.random() < 0.5 else "",
                    )
                    made += 1


def generate(count: int, path: Path, seed: int = 7) -> Path:
    """Write ``count`` rows (and the header) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(count, seed))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.count, args.path, args.seed)
    print(f"wrote {args.count} rows to {args.path}")


if __name__ == "__main__":
    main()
