#!/usr/bin/env python3
"""Generate the national administrative-unit tables under mappings/codes/national/.

Source: a clone of https://github.com/thanglequoc/vietnamese-provinces-database
(git clone https://github.com/thanglequoc/vietnamese-provinces-database SRC).
The script reads three revisions of that clone with `git show` (nothing is copied):

  --before  tag with the 63 provinces, their districts and communes as they stood
            before 1 July 2025 (default v2.4.1: data cut-off before 19/2025/QD-TTg)
  --after   tag with the 34 provinces and their communes from 1 July 2025
            (default v3.0.2: 19/2025/QD-TTg, effective 2025-07-01)
  --relation revision holding dataset-generation-scripts/bando_co_dvch.sql, the
            "truocsapnhap" (units before the merger) text of every new province and
            commune, as published by sapnhap.bando.com.vn (default HEAD)

Output (the project's code-table format, docs/codes.md), in OUT (default
mappings/codes/national):
  units.json   every former province, district and commune, valid until 2025-07-01,
               with replaced_by (one successor: merged/renamed/kept; several: split),
               and every current province and commune from 2025-07-01
  GENERATED.md the source repository, revisions, commit dates, the counts and the
               former communes left without a successor

Usage: python3 scripts/gen_admin_units.py SRC [--out DIR] [--before REV]
       [--after REV] [--relation REV]
Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata

EFFECTIVE = "2025-07-01"
# The source has no creation date for the former units; they are valid from this
# placeholder (documented in mappings/codes/README.md) until EFFECTIVE.
FORMER_FROM = "1900-01-01"

TUPLE = re.compile(r"\(((?:'(?:[^']|'')*'|NULL|-?\d+)(?:\s*,\s*(?:'(?:[^']|'')*'|NULL|-?\d+))*)\)")
FIELD = re.compile(r"'((?:[^']|'')*)'|(NULL)|(-?\d+)")


def git_show(src, rev, path):
    try:
        out = subprocess.run(["git", "-C", src, "show", f"{rev}:{path}"], check=True,
                             capture_output=True)
    except subprocess.CalledProcessError as e:
        sys.exit(f"gen_admin_units: cannot read {rev}:{path} in {src}: "
                 f"{e.stderr.decode(errors='replace').strip()}")
    return out.stdout.decode("utf-8")


def git_commit(src, rev):
    out = subprocess.run(["git", "-C", src, "log", "-1", "--format=%H %cI", rev], check=True,
                         capture_output=True, text=True).stdout.split()
    return {"rev": rev, "commit": out[0], "date": out[1]}


def fields(text):
    vals = []
    for m in FIELD.finditer(text):
        if m.group(2):
            vals.append(None)
        elif m.group(3) is not None and m.group(1) is None:
            vals.append(int(m.group(3)))
        else:
            vals.append(m.group(1).replace("''", "'"))
    return vals


def inserts(sql, table):
    """Rows of every INSERT INTO table(...) VALUES ... statement, as dicts."""
    rows = []
    head = re.compile(r"INSERT INTO " + table + r"\s*\(([^)]*)\)\s*VALUES", re.I)
    for m in head.finditer(sql):
        cols = [c.strip() for c in m.group(1).split(",")]
        end = sql.find(";\n", m.end())
        end = len(sql) if end < 0 else end
        body = sql[m.end():end]
        for t in TUPLE.finditer(body):
            vals = fields(t.group(1))
            if len(vals) != len(cols):
                sys.exit(f"gen_admin_units: {table}: {len(vals)} values for {len(cols)} columns")
            rows.append(dict(zip(cols, vals)))
    return rows


def key(name):
    """Name key: no tone marks, no case, one space (sources differ in hoà/hòa)."""
    s = unicodedata.normalize("NFD", name)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "D").lower().replace("-", " ").replace("–", " ")
    return " ".join(s.split())


PROVINCE_PREFIX = re.compile(r"^(thu do|thanh pho|tinh|tp\.?)\s+")


def province_key(name):
    k = key(name)
    k = PROVINCE_PREFIX.sub("", k)
    return {"tphcm": "ho chi minh"}.get(k, k)


UNIT_TYPES = ("phuong", "xa", "thi tran", "dac khu")


def split_unit(k):
    for t in UNIT_TYPES:
        if k.startswith(t + " "):
            return t, k[len(t) + 1:]
    return None, k


def parse_before_list(text):
    """'Phường A, Lê Lợi, Xã B (huyện C), Xã D (phần còn lại sau khi ...)' ->
    [(type, name, qualifier, partial)]; a name without a type takes the previous one."""
    parts, depth, cur = [], 0, ""
    for ch in text.replace(" và ", ", "):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch in ",;" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out, last_type = [], None
    for p in parts:
        p = p.strip().rstrip(".")
        if not p:
            continue
        quals = re.findall(r"\(([^)]*)\)", p)
        base = re.sub(r"\([^)]*\)", "", p).strip()
        partial = any("phan con lai" in key(q) or "mot phan" in key(q) for q in quals)
        partial = partial or key(base).startswith("mot phan")
        base_k = re.sub(r"^mot phan (dien tich[^ ]* )?(cua )?", "", key(base))
        t, n = split_unit(base_k)
        if t is None:
            t = last_type
        last_type = t
        qual = " ".join(key(q) for q in quals if "phan con lai" not in key(q))
        out.append((t, n, qual, partial))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", help="clone of thanglequoc/vietnamese-provinces-database")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "mappings",
                                                  "codes", "national"))
    ap.add_argument("--before", default="v2.4.1")
    ap.add_argument("--after", default="v3.0.2")
    ap.add_argument("--relation", default="HEAD")
    a = ap.parse_args()

    old_sql = git_show(a.src, a.before, "postgresql/ImportData_vn_units.sql")
    new_sql = git_show(a.src, a.after, "postgresql/ImportData_vn_units.sql")
    rel_sql = git_show(a.src, a.relation, "dataset-generation-scripts/bando_co_dvch.sql")

    old_p = inserts(old_sql, "provinces")
    old_d = inserts(old_sql, "districts")
    old_w = inserts(old_sql, "wards")
    new_p = inserts(new_sql, "provinces")
    new_w = inserts(new_sql, "wards")
    bando = inserts(rel_sql, "bando_co_dvch")

    # --- provinces: bando "ti" rows name the former provinces of each new one
    new_p_by_key = {province_key(p["name"]): p for p in new_p}
    old_p_by_key = {province_key(p["name"]): p for p in old_p}
    province_succ = {}  # old province code -> new province code
    ti_to_new = {}
    for b in bando:
        if not b["ma"].startswith("ti"):
            continue
        np_ = new_p_by_key.get(province_key(b["ten"]))
        if np_ is None:
            sys.exit(f"gen_admin_units: province {b['ten']!r} of the relation is not in {a.after}")
        ti_to_new[b["ma"]] = np_["code"]
        text = b["truocsapnhap"] or ""
        names = [np_["name"]] if key(text) == "giu nguyen" else \
            [n for n in re.split(r",| và ", text) if n.strip()]
        for n in names:
            op = old_p_by_key.get(province_key(n.strip()))
            if op is None:
                sys.exit(f"gen_admin_units: former province {n.strip()!r} (of {b['ten']}) "
                         f"is not in {a.before}")
            province_succ[op["code"]] = np_["code"]
    missing = [p["name"] for p in old_p if p["code"] not in province_succ]
    if missing:
        sys.exit(f"gen_admin_units: former provinces without a successor: {missing}")

    # --- communes: match each bando "xa" row to a new ward, then its list to old wards
    district_of = {d["code"]: d for d in old_d}
    new_w_by_prov = {}
    for w in new_w:
        new_w_by_prov.setdefault(w["province_code"], {})[key(w["full_name"])] = w
    old_by_newprov = {}  # new province -> name key -> [old wards]
    for w in old_w:
        prov = district_of[w["district_code"]]["province_code"]
        t, n = split_unit(key(w["full_name"]))
        old_by_newprov.setdefault(province_succ[prov], {}).setdefault(n, []).append(w)

    succ = {}  # old ward code -> {new ward codes}
    unmatched_new, ambiguous, not_found = [], 0, 0
    pending = []  # (new ward code, [candidates], districts of the list's resolved names)
    lists = []
    for b in bando:
        if not b["ma"].startswith("xa"):
            continue
        nprov = ti_to_new.get(b["magoc"])
        nw = new_w_by_prov.get(nprov, {}).get(key(b["ten"]))
        if nw is None:
            unmatched_new.append(b["ten"])
            continue
        lists.append((nprov, nw, parse_before_list(b["truocsapnhap"] or "")))
    # Pass 1: names that are unique in the new province, or made unique by their type or
    # by a district named in brackets ("Phường Quang Trung (quận Đống Đa)").
    for nprov, nw, items in lists:
        resolved_districts, open_items = set(), []
        for t, n, qual, _partial in items:
            cands = old_by_newprov.get(nprov, {}).get(n, [])
            if t is not None and len(cands) > 1:
                typed = [c for c in cands if split_unit(key(c["full_name"]))[0] == t]
                cands = typed or cands
            if len(cands) > 1 and qual:
                qd = [c for c in cands
                      if split_unit(key(district_of[c["district_code"]]["full_name"]))[1] in qual
                      or key(district_of[c["district_code"]]["name"]) in qual]
                cands = qd or cands
            if len(cands) == 1:
                succ.setdefault(cands[0]["code"], set()).add(nw["code"])
                resolved_districts.add(cands[0]["district_code"])
            elif cands:
                open_items.append(cands)
            else:
                not_found += 1
        pending.append((nw, open_items, resolved_districts))
    # Pass 2: a name shared by several former communes of the new province, given without
    # district: the candidate in a district of the same list's resolved names, else the
    # only candidate that no list has claimed yet.
    for nw, open_items, districts in pending:
        for cands in open_items:
            near = [c for c in cands if c["district_code"] in districts]
            if len(near) != 1:
                free = [c for c in (near or cands) if c["code"] not in succ]
                near = free if len(free) == 1 else near
            if len(near) == 1:
                succ.setdefault(near[0]["code"], set()).add(nw["code"])
            else:
                ambiguous += 1

    entries = []
    for p in old_p:
        entries.append({"code": p["code"], "name": p["full_name"], "kind": "province",
                        "valid_from": FORMER_FROM, "valid_to": EFFECTIVE,
                        "replaced_by": [province_succ[p["code"]]]})
    # The district level was abolished on 2025-07-01: districts end without successor.
    for d in old_d:
        entries.append({"code": d["code"], "name": d["full_name"], "kind": "district",
                        "parent": d["province_code"], "valid_from": FORMER_FROM,
                        "valid_to": EFFECTIVE})
    unresolved = []
    for w in old_w:
        e = {"code": w["code"], "name": w["full_name"], "kind": "commune",
             "parent": w["district_code"], "valid_from": FORMER_FROM, "valid_to": EFFECTIVE}
        if w["code"] in succ:
            e["replaced_by"] = sorted(succ[w["code"]])
        else:
            unresolved.append(w["code"])
        entries.append(e)
    for p in new_p:
        entries.append({"code": p["code"], "name": p["full_name"], "kind": "province",
                        "valid_from": EFFECTIVE})
    for w in new_w:
        entries.append({"code": w["code"], "name": w["full_name"], "kind": "commune",
                        "parent": w["province_code"], "valid_from": EFFECTIVE})

    counts = {
        "provinces_before": len(old_p), "districts_before": len(old_d),
        "communes_before": len(old_w), "provinces_after": len(new_p),
        "communes_after": len(new_w),
        "communes_before_resolved": len(old_w) - len(unresolved),
        "communes_before_split": sum(1 for v in succ.values() if len(v) > 1),
        "communes_before_unresolved": len(unresolved),
        "relation_rows_unmatched": len(unmatched_new),
        "relation_names_ambiguous": ambiguous, "relation_names_not_found": not_found,
    }
    os.makedirs(a.out, exist_ok=True)
    units = {
        "comment": "GENERATED by scripts/gen_admin_units.py from thanglequoc/"
                   "vietnamese-provinces-database (see GENERATED.md and ../README.md); "
                   "do not edit by hand. Former units valid until 2025-07-01 with their "
                   "successors; current provinces and communes from 2025-07-01.",
        "entries": entries,
    }
    with open(os.path.join(a.out, "units.json"), "w", encoding="utf-8") as f:
        f.write('{\n  "comment": ' + json.dumps(units["comment"], ensure_ascii=False) +
                ',\n  "entries": [\n')
        f.write(",\n".join("    " + json.dumps(e, ensure_ascii=False, separators=(",", ":"))
                           for e in entries))
        f.write("\n  ]\n}\n")
    # Provenance beside the table, not *.json (a table directory loads every *.json).
    lines = ["# Generated national administrative-unit tables", "",
             "Generated by `scripts/gen_admin_units.py`; do not edit by hand. How to "
             "regenerate: `mappings/codes/README.md`.", "",
             "Source: https://github.com/thanglequoc/vietnamese-provinces-database", ""]
    for role, rev in (("before 2025-07-01", a.before), ("from 2025-07-01", a.after),
                      ("old-new relation (bando_co_dvch.sql)", a.relation)):
        c = git_commit(a.src, rev)
        lines.append(f"- {role}: `{c['rev']}` = commit `{c['commit']}` ({c['date']})")
    lines += ["", "| count | value |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in counts.items()]
    lines += ["", "Former communes the relation text does not name (or names ambiguously); "
              "they keep valid_to 2025-07-01 without replaced_by and `translate` refuses them:",
              "", "```"]
    lines += [" ".join(unresolved[i:i + 12]) for i in range(0, len(unresolved), 12)]
    lines += ["```", ""]
    with open(os.path.join(a.out, "GENERATED.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(json.dumps(counts, indent=2))


if __name__ == "__main__":
    main()
