"""Award Summaries CSVs of any length for the streaming tests, made up here (USAspending's column names,
invented values), as wide as a real export's rows."""
from __future__ import annotations

import csv
from pathlib import Path

COLUMNS = ["contract_award_unique_key", "award_id_piid", "total_obligated_amount", "potential_total_value_of_award",
           "award_base_action_date", "award_latest_action_date", "period_of_performance_start_date",
           "period_of_performance_current_end_date", "awarding_agency_name", "awarding_sub_agency_name",
           "awarding_office_name", "recipient_name", "recipient_city_name", "recipient_state_name",
           "prime_award_base_transaction_description", "product_or_service_code_description", "naics_description",
           *[f"detail_{n:02d}" for n in range(40)]]
_AGENCIES = ("U.S. Immigration and Customs Enforcement", "U.S. Coast Guard", "U.S. Customs and Border Protection")
_THINGS = ("detention bed space", "firing range use", "secure parking", "vehicle maintenance", "translation services")


def award_row(n: int) -> dict[str, str]:
    thing = _THINGS[n % len(_THINGS)]
    return {
        "contract_award_unique_key": f"CONT_AWD_TEST{n:07d}_7012", "award_id_piid": f"TEST{n:07d}",
        "total_obligated_amount": f"{1000 + (n * 7919) % 900_000}.{n % 100:02d}",
        "potential_total_value_of_award": f"{2000 + (n * 104729) % 1_900_000}.00",
        "award_base_action_date": f"{2008 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "award_latest_action_date": f"{2009 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "period_of_performance_start_date": f"{2008 + n % 15}-{1 + n % 12:02d}-01",
        "period_of_performance_current_end_date": f"{2010 + n % 15}-{1 + n % 12:02d}-28",
        "awarding_agency_name": "Department of Homeland Security", "awarding_sub_agency_name": _AGENCIES[n % 3],
        "awarding_office_name": f"Office {n % 40}", "recipient_name": f"County of Test {n % 500}",
        "recipient_city_name": f"Testville {n % 90}", "recipient_state_name": "CALIFORNIA",
        "prime_award_base_transaction_description": f"{thing.upper()} FOR THE COUNTY, ORDER {n}",
        "product_or_service_code_description": thing.upper(), "naics_description": "FACILITIES SUPPORT SERVICES",
        **{f"detail_{k:02d}": f"value {k} of award {n}" for k in range(40)},
    }


def write_awards(path: Path, rows: int, bad: dict[int, dict[str, str]] | None = None,
                 ragged: int | None = None) -> Path:
    """``rows`` data rows; ``bad`` replaces cells of the given data rows (1-based; file line = n + 1);
    ``ragged`` drops the last cells of that data row."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            row = {**award_row(n), **(bad or {}).get(n, {})}
            cells = [row[c] for c in COLUMNS]
            writer.writerow(cells[:-5] if n == ragged else cells)
    return path
