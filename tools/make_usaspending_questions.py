#!/usr/bin/env python3
"""Build eval/datasets/usaspending.jsonl from the two USAspending
"Contracts - Prime Award Summaries" downloads.

Every figure in the output is computed here from the CSV files (csv module).
Run:  python3 tools/make_usaspending_questions.py
It prints the computed values and rewrites usaspending.jsonl next to itself.

Semantics used:
  awarded on / awarded in year  -> award_base_action_date
  last modified                 -> award_latest_action_date
  obligated                     -> total_obligated_amount
  potential value               -> potential_total_value_of_award
  period of performance         -> period_of_performance_start_date /
                                   period_of_performance_current_end_date
The ICE awards to California local governments appear in both files with
identical rows; totals are computed over unique contract_award_unique_key.
"""
import csv
import json
import os.path
import sys
from collections import Counter, defaultdict
from pathlib import Path

# The samples sit in ../shared beside the checkout; a first argument names another folder.
SAMPLES = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2] / "shared" / "samples" / "usaspending")
US = "us-local-gov-ice-award-summaries.csv"
CA = "ca-local-gov-dhs-award-summaries.csv"
OUT = str(Path(__file__).resolve().parents[1] / "eval" / "datasets" / "usaspending.jsonl")

ICE = "U.S. Immigration and Customs Enforcement"
CBP = "U.S. Customs and Border Protection"
USCG = "U.S. Coast Guard"
USSS = "U.S. Secret Service"
USCIS = "U.S. Citizenship and Immigration Services"
TSA = "Transportation Security Administration"

KEY = "contract_award_unique_key"
OBL = "total_obligated_amount"
POT = "potential_total_value_of_award"
BASE = "award_base_action_date"
LATEST = "award_latest_action_date"
POP_START = "period_of_performance_start_date"
POP_END = "period_of_performance_current_end_date"
DESC = "prime_award_base_transaction_description"
PSC = "product_or_service_code_description"
RECIP = "recipient_name"
SUB = "awarding_sub_agency_name"
OFFICE = "awarding_office_name"


def load(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


ROWS = {US: load(US), CA: load(CA)}
FILES_OF = defaultdict(set)   # key -> files holding it
ALL = {}                      # key -> row (deduplicated)
for fname, rows in ROWS.items():
    seen = set()
    for r in rows:
        k = r[KEY]
        assert k not in seen, f"duplicate key inside {fname}: {k}"
        seen.add(k)
        if k in ALL:
            assert ALL[k] == r, f"rows differ between files for {k}"
        ALL[k] = r
        FILES_OF[k].add(fname)


def amt(r, col=OBL):
    v = r[col].strip()
    return float(v) if v else None


def rows_in(fname=None):
    return ROWS[fname] if fname else list(ALL.values())


def select(pred, fname=None):
    return [r for r in rows_in(fname) if pred(r)]


def total(rows, col=OBL):
    return round(sum(amt(r, col) or 0.0 for r in rows), 2)


def by_amount(rows, col=OBL):
    return sorted(rows, key=lambda r: (-(amt(r, col) or 0.0), r[KEY]))


def evidence(rows, limit=30, top=10):
    """All records if <= limit, else the `top` largest by obligation."""
    if len(rows) <= limit:
        chosen = by_amount(rows)
        return [f"record:{r[KEY]}" for r in chosen], False
    return [f"record:{r[KEY]}" for r in by_amount(rows)[:top]], True


def sources(rows):
    files = set()
    for r in rows:
        files |= FILES_OF[r[KEY]]
    return [f for f in (US, CA) if f in files]


def fr_num(s):
    # 1,234,567.89 -> 1 234 567,89
    return s.replace(",", " ").replace(".", ",")


def _millions(x):
    """Rounded 'N.NN million' forms within 1.5% of the exact figure (half-up)."""
    from decimal import Decimal, ROUND_HALF_UP
    m = Decimal(repr(x)) / Decimal(1_000_000)
    forms = []
    for q in ("0.001", "0.01", "0.1", "1"):
        r = m.quantize(Decimal(q), rounding=ROUND_HALF_UP)
        if q == "0.001" and r != m:
            continue  # three decimals only when exact (1.275 million)
        if abs(float(r) - float(m)) / float(m) <= 0.015:
            forms.append(f"{r} million")
    return forms


def money(x, fr=False):
    """Alternatives an answer would naturally use for an amount."""
    alts = [f"{x:,.2f}"]
    if abs(x - round(x)) < 1e-9:
        alts.append(f"{int(round(x)):,}")
    if x >= 1_000_000:
        alts += _millions(x)
    if fr:
        alts += [fr_num(a) if "million" not in a else a.replace(".", ",").replace("million", "millions")
                 for a in list(alts)]
    out = []
    for a in alts:
        if a not in out:
            out.append(a)
    return out


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
             "août", "septembre", "octobre", "novembre", "décembre"]


def date_alts(iso):
    iso = iso[:10]
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    dfr = "1er" if d == 1 else str(d)
    alts = [iso, f"{MONTHS_EN[m - 1]} {d}, {y}", f"{d} {MONTHS_EN[m - 1]} {y}",
            f"{dfr} {MONTHS_FR[m - 1]} {y}", f"{d} {MONTHS_FR[m - 1]} {y}",
            f"{m}/{d}/{y}"]
    return list(dict.fromkeys(alts))


def usd(x):
    return f"${x:,.2f}"


def one(rows, what):
    assert len(rows) == 1, f"{what}: expected 1 row, got {len(rows)}"
    return rows[0]


QUESTIONS = []


def add(question, lang, answer, facts, rows, note_top=True):
    ev, truncated = evidence(rows)
    if truncated and note_top:
        answer += (" Les preuves citent les 10 plus grosses de ces attributions." if lang == "fr"
                   else " The evidence lists the 10 largest of these awards by obligation.")
    QUESTIONS.append(dict(question=question, lang=lang, answerable=True, answer=answer,
                          facts=facts, sources=sources(rows), evidence=ev))


def abstain(question, lang, reason):
    QUESTIONS.append(dict(question=question, lang=lang, answerable=False,
                          answer="Not stated in the sources: " + reason,
                          facts=[], sources=[], evidence=[]))


def show(label, value):
    print(f"{label}: {value}")


def name_is(*names):
    return lambda r: r[RECIP] in names


def sub_is(sub):
    return lambda r: r[SUB] == sub


def both(*preds):
    return lambda r: all(p(r) for p in preds)


def desc_has(*words):
    return lambda r: any(w in r[DESC].upper() for w in words)


# ---------------------------------------------------------------- answerable

# 1 total per recipient
rows = select(name_is("TOWN OF LANCASTER"), US)
assert len(rows) == 5
t = total(rows)
show("Lancaster total", t)
add("How much has ICE obligated in total to the Town of Lancaster, New York?", "en",
    f"{usd(t)} obligated across {len(rows)} ICE awards (firing range rental and secure storage for the Buffalo field office).",
    [money(t)], rows)

# 2 total per recipient (fr)
hrpt = select(name_is("HUDSON RIVER PARK TRUST"), US)
assert len(hrpt) == 4
t_hrpt = total(hrpt)
show("Hudson River Park Trust total", t_hrpt)
add("Quel montant total ICE a-t-il engagé auprès du Hudson River Park Trust pour le stationnement de ses véhicules à New York ?",
    "fr", f"{usd(t_hrpt)} obligés sur {len(hrpt)} attributions (parking sécurisé pour le bureau de New York).",
    [money(t_hrpt, fr=True)], hrpt)

# 3 largest single ICE award to a local government
ice_us = ROWS[US]
top = by_amount(ice_us)[0]
assert top[RECIP] == "COUNTY OF LEHIGH"
show("largest ICE award", (top[KEY], top[RECIP], amt(top)))
add("What is the single biggest ICE award to a local government in the records, and who got it?", "en",
    f"{usd(amt(top))} obligated to the County of Lehigh (Pennsylvania) for technical support for a gang intelligence application, awarded {top[BASE]}.",
    [["Lehigh"], money(amt(top))], [top])

# 4 largest award in the California DHS file
top_ca = by_amount(ROWS[CA])[0]
assert top_ca[RECIP] == "SACRAMENTO, COUNTY OF" and top_ca[SUB] == USCG
show("largest CA award", (top_ca[KEY], amt(top_ca), top_ca[DESC]))
add("Which California local government received the largest DHS contract, and what was it for?", "en",
    f"Sacramento County: a Coast Guard award for airfield management and firefighting services, {usd(amt(top_ca))} obligated (awarded {top_ca[BASE]}).",
    [["Sacramento"], money(amt(top_ca)), ["firefighting", "fire fighting", "airfield"]], [top_ca])

# 5 smallest non-zero Coast Guard award (fr)
cg = select(sub_is(USCG), CA)
cg_nz = [r for r in cg if amt(r) > 0]
low = min(cg_nz, key=lambda r: (amt(r), r[KEY]))
assert sum(1 for r in cg_nz if amt(r) == amt(low)) == 1
show("smallest non-zero USCG", (low[KEY], low[RECIP], amt(low), low[DESC]))
add("Dans les données californiennes du DHS, quelle est la plus petite somme non nulle engagée par les garde-côtes (Coast Guard), et au profit de qui ?",
    "fr", f"{usd(amt(low))}, versés au California Department of Public Health (frais liés aux déchets médicaux), attribués le {low[BASE]}.",
    [["Public Health", "santé publique"], ["25", "25.00", "25,00"]], [low])

# 6 count per recipient
tf = select(name_is("TWIN FALLS, COUNTY OF"), US)
show("Twin Falls count", len(tf))
add("How many ICE awards went to Twin Falls County, Idaho?", "en",
    f"{len(tf)} awards, all for detention services (several at the Snake River juvenile detention facility); together {usd(total(tf))} obligated.",
    [[str(len(tf))]], tf)

# 7 total per awarding office
itd = select(lambda r: r[OFFICE] == "INFORMATION TECHNOLOGY DIVISION", US)
t_itd = total(itd)
show("IT Division", [(r[RECIP], amt(r)) for r in itd])
names = ", ".join(f"{r[RECIP]} ({usd(amt(r))})" for r in by_amount(itd))
add("How much did ICE's Information Technology Division obligate to local governments, and to whom?", "en",
    f"{usd(t_itd)} across {len(itd)} awards: {names}.",
    [money(t_itd), ["Lehigh"], ["Dade"], ["Oakland"]] if {r[RECIP] for r in itd} == {"COUNTY OF LEHIGH", "DADE COUNTY AVIATION", "OAKLAND, COUNTY OF"} else None,
    itd)
assert QUESTIONS[-1]["facts"] is not None, [r[RECIP] for r in itd]

# 8 awards made in a year: count + total (fr)
y22 = select(lambda r: r[BASE].startswith("2022"), US)
t22 = total(y22)
show("2022 ICE awards", [(r[RECIP], amt(r), r[BASE]) for r in y22])
add("Combien de contrats ICE ont été attribués à des collectivités locales au cours de l'année civile 2022, et pour quel montant engagé au total ?",
    "fr", f"{len(y22)} attributions en 2022 (date de l'action de base), pour {usd(t22)} obligés : "
    + "; ".join(f"{r[RECIP]} {usd(amt(r))}" for r in by_amount(y22)) + ".",
    [[str(len(y22))], money(t22, fr=True)], y22)

# 9 total for a year
y19 = select(lambda r: r[BASE].startswith("2019"), US)
t19 = total(y19)
show("2019 ICE awards", [(r[RECIP], amt(r)) for r in y19])
add("What did ICE obligate in total on awards it made to local governments during calendar year 2019?", "en",
    f"{usd(t19)} across {len(y19)} awards whose base action date falls in 2019.", [money(t19)], y19)

# 10 lookup by purpose: detention bed space, Ferry County
bed = one(select(both(name_is("COUNTY OF FERRY"), desc_has("DETENTION BED SPACE")), US), "Ferry bed space")
show("Ferry bed space", (bed[KEY], amt(bed), bed[BASE]))
add("What was the award for detention bed space with Ferry County, Washington worth, and when was it made?", "en",
    f"{usd(amt(bed))} obligated; awarded {bed[BASE]} (period of performance {bed[POP_START]} to {bed[POP_END]}).",
    [money(amt(bed)), date_alts(bed[BASE])], [bed])

# 11 date + potential value: Cottage Grove gun range
cgr = one(select(both(name_is("CITY OF COTTAGE GROVE"), desc_has("GUN RANGE")), US), "Cottage Grove")
show("Cottage Grove gun range", (cgr[KEY], cgr[BASE], cgr[POP_END], amt(cgr), amt(cgr, POT)))
add("When did ICE award Cottage Grove, Minnesota the gun range rental for the St. Paul area, and when does its period of performance end?",
    "en", f"Awarded {cgr[BASE]}; the period of performance runs {cgr[POP_START]} to {cgr[POP_END]}. {usd(amt(cgr))} obligated, potential value {usd(amt(cgr, POT))}.",
    [date_alts(cgr[BASE]), date_alts(cgr[POP_END])], [cgr])

# 12 potential value (fr)
lanc_st = one(select(both(name_is("TOWN OF LANCASTER"), desc_has("SECURE STORAGE"),
                          lambda r: r[BASE].startswith("2021")), US), "Lancaster storage 2021")
show("Lancaster storage 2021", (lanc_st[KEY], amt(lanc_st), amt(lanc_st, POT)))
add("Quelle est la valeur potentielle du contrat de 2021 de la ville de Lancaster (New York) pour le stockage sécurisé de l'équipe d'intervention d'ICE à Buffalo ?",
    "fr", f"Valeur potentielle {usd(amt(lanc_st, POT))} ; {usd(amt(lanc_st))} obligés à ce jour (attribué le {lanc_st[BASE]}).",
    [money(amt(lanc_st, POT), fr=True)], [lanc_st])

# 13 lookup by purpose: Operation Wagon Train
owt = one(select(desc_has("WAGON TRAIN")), "Wagon Train")
show("Wagon Train", (owt[KEY], owt[RECIP], amt(owt), owt[BASE]))
add('Which county held detainees for ICE during "Operation Wagon Train", and how much was obligated?', "en",
    f"Cache County (Utah): {usd(amt(owt))} obligated, awarded {owt[BASE]}.",
    [["Cache"], money(amt(owt))], [owt])

# 14 lookup by purpose: incineration, Bay County
burn = one(select(desc_has("BURN RUN")), "burn run")
show("burn run", (burn[KEY], burn[RECIP], amt(burn), burn[BASE]))
add("How much did ICE pay Bay County, Florida for the burn run to incinerate 50 tons, and when was it awarded?", "en",
    f"{usd(amt(burn))} obligated to the Bay County Board of County Commissioners, awarded {burn[BASE]}.",
    [money(amt(burn)), date_alts(burn[BASE])], [burn])

# 15 awards in a given year by a given recipient
sandag17 = select(both(name_is("SAN DIEGO ASSOCIATION OF GOVERNMENTS"), sub_is(ICE),
                       lambda r: r[BASE].startswith("2017")))
t_s17 = total(sandag17)
show("SANDAG ICE 2017", [(r[KEY], amt(r), r[DESC]) for r in sandag17])
add("What awards did ICE make to the San Diego Association of Governments in 2017?", "en",
    f"{len(sandag17)} awards, {usd(t_s17)} obligated in total: "
    + "; ".join(f"{usd(amt(r))} ({r[DESC].replace('IGF::CT::IGF ', '').replace('IGF::CL::IGF ', '').lower()}, {r[BASE]})" for r in by_amount(sandag17)) + ".",
    [money(amt(r)) for r in sandag17], sandag17)

# 16 difference between two recipients
hpa = select(name_is("HARTFORD PARKING AUTHORITY"), US)
t_hpa = total(hpa)
d = round(t_hrpt - t_hpa, 2)
show("HRPT - Hartford", (t_hrpt, t_hpa, d))
add("How much more did ICE obligate to the Hudson River Park Trust than to the Hartford Parking Authority?", "en",
    f"{usd(d)} more: {usd(t_hrpt)} to the Hudson River Park Trust ({len(hrpt)} awards) versus {usd(t_hpa)} to the Hartford Parking Authority ({len(hpa)} awards).",
    [money(d)], hrpt + hpa)

# 17 total per recipient, CBP (fr)
rh = select(both(name_is("RIO HONDO COMMUNITY COLLEGE DISTRICT"), sub_is(CBP)), CA)
t_rh = total(rh)
show("Rio Hondo CBP", [(amt(r), r[DESC]) for r in rh])
assert all("RANGE" in r[DESC].upper() for r in rh)
add("Combien le service des douanes et de la protection des frontières (CBP) a-t-il engagé au total auprès du Rio Hondo Community College District pour l'utilisation de son stand de tir ?",
    "fr", f"{usd(t_rh)} obligés sur {len(rh)} attributions (stand de tir, de 2008 à 2018).",
    [money(t_rh, fr=True)], rh)

# 18 list: DHS components that awarded to the County of Ventura
ven = select(name_is("COUNTY OF VENTURA", "VENTURA, COUNTY OF"))
subs = sorted({r[SUB] for r in ven})
show("Ventura components", Counter(r[SUB] for r in ven))
per_sub = [by_amount([r for r in ven if r[SUB] == s])[0] for s in subs]
short = {ICE: ["ICE", "Immigration and Customs"], USSS: ["Secret Service"], USCG: ["Coast Guard"]}
assert set(subs) == set(short), subs
add("Which DHS agencies have contracts with Ventura County, California?", "en",
    "Three: " + ", ".join(f"{s} ({sum(1 for r in ven if r[SUB] == s)} awards)" for s in subs)
    + ". The evidence lists the largest award from each.",
    [short[s] for s in subs], per_sub)

# 19 average
dh = select(name_is("DENVER HEALTH AND HOSPITALS AUTHORITY"), US)
avg = round(total(dh) / len(dh), 2)
show("Denver Health avg", (len(dh), total(dh), avg))
add("What is the average ICE obligation per award to Denver Health and Hospitals Authority?", "en",
    f"{usd(avg)} on average: {usd(total(dh))} over {len(dh)} awards (guard services for detainees at Denver Health).",
    [money(avg) + [f"{avg:,.0f}"]], dh)

# 20 period of performance end (fr)
lb = one(select(both(name_is("LONG BEACH, CITY OF"), sub_is(ICE), lambda r: r[BASE].startswith("2020")), US), "LB 2020")
latest_end = max(ice_us, key=lambda r: r[POP_END])
assert latest_end[KEY] == lb[KEY] and sum(1 for r in ice_us if r[POP_END] == lb[POP_END]) == 1
show("Long Beach 2020", (lb[KEY], lb[POP_END], amt(lb), amt(lb, POT)))
add("Quand se termine la période d'exécution du contrat ICE de 2020 avec la ville de Long Beach pour les qualifications au tir ?",
    "fr", f"Le {lb[POP_END]} (période du {lb[POP_START]} au {lb[POP_END]}) ; {usd(amt(lb))} obligés, valeur potentielle {usd(amt(lb, POT))}.",
    [date_alts(lb[POP_END])], [lb])

# 21 last modified
hr16 = one(select(both(name_is("HUDSON RIVER PARK TRUST"), lambda r: r[BASE].startswith("2016")), US), "HRPT 2016")
show("HRPT 2016 latest action", (hr16[KEY], hr16[LATEST]))
add("When was ICE's 2016 secure-parking award with the Hudson River Park Trust last modified?", "en",
    f"Last modified {hr16[LATEST]} (awarded {hr16[BASE]}; {usd(amt(hr16))} obligated).",
    [date_alts(hr16[LATEST])], [hr16])

# 22 list: pool rentals for the Coast Guard in Humboldt
pool = select(both(sub_is(USCG), lambda r: "POOL" in r[DESC].upper() or "SWIMMER" in r[DESC].upper()), CA)
show("pool", [(r[RECIP], amt(r)) for r in pool])
assert {r[RECIP] for r in pool} == {"CITY OF ARCATA", "NORTH HUMBOLDT RECREATION AND PARK DISTRICT"}
add("Which local bodies did the Coast Guard pay for swimming pool use around Humboldt Bay?", "en",
    f"The City of Arcata and the North Humboldt Recreation and Park District ({len(pool)} awards, {usd(total(pool))} obligated in total).",
    [["Arcata"], ["North Humboldt"]], pool)

# 23 total per recipient across name variants, CBP
lbc = select(both(name_is("LONG BEACH, CITY OF", "CITY OF LONG BEACH"), sub_is(CBP)), CA)
t_lbc = total(lbc)
show("Long Beach CBP", (len(lbc), t_lbc))
add("In total, how much has Customs and Border Protection obligated to the City of Long Beach?", "en",
    f"{usd(t_lbc)} across {len(lbc)} CBP awards (mostly narcotics/contraband destruction and facility user fees); the recipient appears as both 'LONG BEACH, CITY OF' and 'CITY OF LONG BEACH'.",
    [money(t_lbc)], lbc)

# 24 lookup by purpose, Secret Service DNA analysis (fr)
dna = select(both(sub_is(USSS), desc_has("DNA")), CA)
assert {r[RECIP] for r in dna} == {"GLENDALE, CITY OF"}
t_dna = total(dna)
show("DNA", [(r[KEY], amt(r), r[BASE]) for r in dna])
add("Combien le Secret Service a-t-il payé à la ville de Glendale pour des analyses ADN sur des skimmers ?", "fr",
    f"{usd(t_dna)} au total, sur {len(dna)} attributions de {min(r[BASE] for r in dna)[:4]} à {max(r[BASE] for r in dna)[:4]}.",
    [money(t_dna, fr=True)], dna)

# 25 lookup by purpose + potential value + end date: naturalization ceremonies
natz = one(select(both(name_is("CAMPBELL, CITY OF"), sub_is(USCIS), lambda r: r[BASE].startswith("2015")), CA), "Campbell 2015")
show("Campbell 2015", (natz[KEY], amt(natz), amt(natz, POT), natz[POP_END]))
add("What is USCIS's 2015 contract with the City of Campbell for naturalization ceremonies worth, and when does it end?", "en",
    f"{usd(amt(natz))} obligated, potential value {usd(amt(natz, POT))}; awarded {natz[BASE]}, period of performance ends {natz[POP_END]}.",
    [money(amt(natz)) + money(amt(natz, POT)), date_alts(natz[POP_END])], [natz])

# 26 count + total by purpose: Pinal County permits
pin = select(name_is("PINAL COUNTY ARIZONA"), US)
t_pin = total(pin)
show("Pinal", (len(pin), t_pin))
add("How many times did ICE pay Pinal County, Arizona for its annual air-quality/facility permit, and how much in total?", "en",
    f"{len(pin)} awards, {usd(t_pin)} obligated in total ({min(r[BASE] for r in pin)[:4]}-{max(r[BASE] for r in pin)[:4]}).",
    [[str(len(pin))], money(t_pin)], pin)

# 27 lookup by purpose (fr): E. coli testing Brownsville
eco = select(both(name_is("PUBLIC UTILITIES BOARD OF THE CITY OF BROWNSVILLE, TEXAS"), desc_has("E.COLI")), US)
t_eco = total(eco)
show("E coli", (len(eco), t_eco))
add("Combien ICE a-t-il versé au total au service public de Brownsville (Texas) pour les analyses d'E. coli ?", "fr",
    f"{usd(t_eco)} sur {len(eco)} attributions (analyses d'eau et d'eaux usées).",
    [money(t_eco, fr=True)], eco)

# 28 largest CBP award in the California file
cbp = select(sub_is(CBP), CA)
top_cbp = by_amount(cbp)[0]
show("top CBP", (top_cbp[KEY], top_cbp[RECIP], amt(top_cbp)))
add("Which California local agency got the biggest Customs and Border Protection award?", "en",
    f"The San Bernardino County Sheriff's Department: {usd(amt(top_cbp))} obligated, awarded {top_cbp[BASE]} (facilities and services).",
    [["San Bernardino"], money(amt(top_cbp))], [top_cbp])

# 29 grand total for the ICE file
t_ice = total(ice_us)
show("ICE total", (len(ice_us), t_ice))
add("What is the total amount ICE obligated across all of its awards to U.S. local governments in the data?", "en",
    f"{usd(t_ice)} across {len(ice_us)} awards.", [money(t_ice)], ice_us)

# 30 count per component (fr)
show("USCG count", (len(cg), total(cg)))
add("D'après ces données, combien de contrats les garde-côtes (Coast Guard) ont-ils attribués à des collectivités de Californie ?", "fr",
    f"{len(cg)} attributions, pour {usd(total(cg))} obligés au total.", [[str(len(cg))]], cg)

# 31 year with the most ICE awards
yc = Counter(r[BASE][:4] for r in ice_us)
(ybest, nbest), (y2, n2) = yc.most_common(2)
assert nbest > n2
ybest_rows = select(lambda r: r[BASE].startswith(ybest), US)
fy = Counter(r["award_base_action_date_fiscal_year"] for r in ice_us)
fybest, nfy = fy.most_common(1)[0]
show("ICE awards per year", sorted(yc.items()))
add("In which calendar year did ICE make the most awards to local governments, and how many?", "en",
    f"{ybest}, with {nbest} awards by base action date (next: {y2} with {n2}); by fiscal year the peak is FY{fybest} with {nfy}.",
    [[ybest], [str(nbest)]], ybest_rows)

# 32 date question, Rio Grande Valley radio network
rgv = one(select(name_is("RIO GRANDE VALLEY COMMUNICATIONS GROUP"), US), "RGV")
show("RGV", (rgv[KEY], rgv[BASE], amt(rgv), amt(rgv, POT), rgv[POP_END]))
add("When did ICE award the public safety radio network contract to the Rio Grande Valley Communications Group, and how much was obligated?",
    "en", f"Awarded {rgv[BASE]}; {usd(amt(rgv))} obligated (potential value {usd(amt(rgv, POT))}), performance through {rgv[POP_END]}.",
    [date_alts(rgv[BASE]), money(amt(rgv))], [rgv])

# 33 total by purpose (fr): CBP firing range with San Diego County
sdr = select(both(name_is("SAN DIEGO, COUNTY OF", "COUNTY OF SAN DIEGO"), sub_is(CBP), desc_has("RANGE")), CA)
t_sdr = total(sdr)
show("SD county CBP range", [(r[KEY], amt(r), r[DESC]) for r in sdr])
add("Combien CBP a-t-il engagé auprès du comté de San Diego pour la location de son stand de tir ?", "fr",
    f"{usd(t_sdr)} sur {len(sdr)} attributions ({min(r[BASE] for r in sdr)} à {max(r[BASE] for r in sdr)}).",
    [money(t_sdr, fr=True)], sdr)

# 34 total for one recipient from one component: Sacramento County / Coast Guard
sac = select(both(name_is("SACRAMENTO, COUNTY OF"), sub_is(USCG)), CA)
t_sac = total(sac)
show("Sacramento USCG", [(r[KEY], amt(r)) for r in sac])
add("How much has the Coast Guard obligated to Sacramento County altogether?", "en",
    f"{usd(t_sac)} over {len(sac)} awards (aircraft rescue, then airfield management and firefighting services).",
    [money(t_sac)], sac)

# -------------------------------------------------------------- unanswerable
# Checks that back the abstentions.
cols = set(ROWS[US][0].keys())
assert not any(c.startswith("contracting_officer") and c.endswith("name") for c in cols)
assert not any("termination" in c.replace("determination", "") for c in cols)
assert not any("revenue" in c for c in cols)
# the only *_officer_*_name columns (highly compensated officers) are empty
assert all(not r[c] for r in ALL.values() for c in cols if c.startswith("highly_compensated_officer"))
for absent in ("HARRIS", "MARICOPA"):
    assert not select(lambda r: absent in r[RECIP]), absent
assert not select(lambda r: r[SUB] == ICE and r[BASE].startswith("2023"))
assert not select(both(name_is("TWIN FALLS, COUNTY OF"), desc_has("RANGE", "FIREARM")))
assert not select(both(lambda r: "POMONA" in r[RECIP], desc_has("DETENTION", "BED")))
assert not select(both(sub_is(USCG), lambda r: "OAKLAND" in r[RECIP]))

abstain("Who was the contracting officer on ICE's gang intelligence application award to Lehigh County?", "en",
        "the award summaries have no contracting officer's name.")
abstain("Pourquoi ICE a-t-il résilié son contrat de détention avec le comté de Bonner ?", "fr",
        "no column gives a reason for a termination, and the records do not say the Bonner County awards were terminated.")
abstain("What is the San Diego Association of Governments' annual revenue?", "en",
        "the records hold award amounts only, not a recipient's revenue.")
abstain("How much did ICE pay Harris County, Texas for jail beds?", "en",
        "Harris County does not appear among the recipients.")
abstain("Quel montant ICE a-t-il versé au comté de Maricopa, en Arizona ?", "fr",
        "Maricopa County does not appear among the recipients.")
abstain("Which ICE contracts with local governments were awarded in 2023?", "en",
        "no ICE award in the files has a base action date in 2023 (the latest is in 2022).")
abstain("How many detainees did Latah County, Idaho hold for ICE?", "en",
        "the records give obligations and dates, not detainee counts.")
abstain("How much did ICE pay Twin Falls County for firing range use?", "en",
        "false premise: every Twin Falls County award is for detention services; none is for a firing range.")
abstain("Combien ICE a-t-il payé à la ville de Pomona pour des lits de détention ?", "fr",
        "false premise: the Pomona awards are for firing range use, not detention beds.")
abstain("What did the Coast Guard pay the City of Oakland?", "en",
        "no Coast Guard award to the City of Oakland is in the files.")
abstain("Comment s'appelle le shérif du comté d'Imperial qui a signé les contrats de détention ?", "fr",
        "the records do not name any sheriff or signatory.")

# ------------------------------------------------------------------- output
assert all(q["evidence"] or not q["answerable"] for q in QUESTIONS)
for i, q in enumerate(QUESTIONS, 1):
    q["id"] = f"usa-{i:03d}"
order = ["id", "question", "lang", "answerable", "answer", "facts", "sources", "evidence"]
with open(OUT, "w", encoding="utf-8") as fh:
    for q in QUESTIONS:
        fh.write(json.dumps({k: q[k] for k in order}, ensure_ascii=False) + "\n")

n_ans = sum(q["answerable"] for q in QUESTIONS)
langs = Counter(q["lang"] for q in QUESTIONS)
print(f"wrote {len(QUESTIONS)} questions to {OUT}: {n_ans} answerable, "
      f"{len(QUESTIONS) - n_ans} unanswerable, langs {dict(langs)}", file=sys.stderr)
