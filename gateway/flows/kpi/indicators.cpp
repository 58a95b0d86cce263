#include "gateway/flows/kpi/indicators.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/flows/codes/code_tables.hpp"
#include "gateway/flows/kpi/monitors.hpp"
#include "gateway/flows/kpi/targets.hpp"

namespace lienthong::kpi {

Result<GroupBy> parse_group_by(std::string_view s) {
  if (s == "none") return GroupBy::kNone;
  if (s == "agency") return GroupBy::kAgency;
  if (s == "level") return GroupBy::kLevel;
  if (s == "procedure") return GroupBy::kProcedure;
  return Error(ErrorKind::kParse,
               "by '" + std::string(s.substr(0, 32)) + "' is not one of none, agency, level, procedure");
}

std::string_view to_string(GroupBy g) {
  switch (g) {
    case GroupBy::kNone:
      return "none";
    case GroupBy::kAgency:
      return "agency";
    case GroupBy::kLevel:
      return "level";
    case GroupBy::kProcedure:
      return "procedure";
  }
  return "none";
}

Result<GroupAs> parse_group_as(std::string_view s) {
  if (s == "received") return GroupAs::kReceived;
  if (s == "now") return GroupAs::kNow;
  return Error(ErrorKind::kParse,
               "group-as '" + std::string(s.substr(0, 32)) + "' is not one of received, now");
}

std::string_view to_string(GroupAs g) {
  return g == GroupAs::kNow ? "now" : "received";
}

const std::vector<std::string>& indicator_ids() {
  static const std::vector<std::string> ids = {"on_time",
                                               "online_full",
                                               "online_payment_procedures",
                                               "online_payment_dossiers",
                                               "digitised_dossiers",
                                               "digitised_results"};
  return ids;
}

Result<std::vector<std::string>> parse_indicators(std::string_view s) {
  if (s.empty() || s == "all") return indicator_ids();
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string id(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    const auto& ids = indicator_ids();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      return Error(ErrorKind::kParse, "indicator '" + id.substr(0, 40) +
                                          "' is unknown; use all or some of on_time, online_full, "
                                          "online_payment_procedures, online_payment_dossiers, "
                                          "digitised_dossiers, digitised_results");
    }
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<std::string> retired_without_successor(const codes::CodeTables& tables,
                                                     const std::string& agency, int64_t received_day,
                                                     int64_t as_of_day) {
  auto then = tables.lookup("agency", agency, received_day);
  if (!then.ok()) return std::nullopt;
  const codes::Entry* e = *then;
  if (!e->valid_to || *e->valid_to > as_of_day || !e->replaced_by.empty()) return std::nullopt;
  return e->code + " " + e->name;
}

namespace {

struct Dossier {
  std::string code, procedure, agency, level;
  std::string key;        // the group it counts in
  std::string level_key;  // the level group it counts in (digitisation is set by level)
  int channel = 0, status = 0;
  int64_t received_at = 0, due_at = 0, completed = 0;
  bool online_payment = false, digitised = false;
  int64_t fee_total = 0;
  bool resolved() const { return status == 9 || status == 10; }
  bool accepted() const { return status != 1 && status != 3; }
};

std::optional<int64_t> opt(const store::Row& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional<int64_t>(r.i64(i));
}

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kVietnamOffsetMs = 7 * 3'600'000;

// The Vietnam civil date of an instant, as days since 1970-01-01.
int64_t vietnam_day(int64_t ms) {
  int64_t local = ms + kVietnamOffsetMs;
  return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
}

// Places dossiers in groups by agency or level, as received or as now, caching lookups in
// the code tables (a period holds many dossiers of few agencies).
class Grouper {
 public:
  Grouper(GroupBy by, const KpiOptions& o) : by_(by), o_(o) {}

  std::string key(const Dossier& d) {
    switch (by_) {
      case GroupBy::kNone:
        return "total";
      case GroupBy::kProcedure:
        return d.procedure;
      case GroupBy::kAgency:
      case GroupBy::kLevel:
        break;
    }
    const int64_t day = vietnam_day(d.received_at);
    if (o_.group_as == GroupAs::kNow) {
      const auto& [code, level] = current(d.agency, day);
      if (code.empty()) {
        if (auto retired = retired_without_successor(*o_.code_tables, d.agency, day, *o_.as_of_day))
          return std::string(kRetiredPrefix) + *retired;
        return std::string(kUntranslatablePrefix) + d.agency;
      }
      return by_ == GroupBy::kAgency ? code : level;
    }
    if (by_ == GroupBy::kAgency) return d.agency;
    if (!level_in_force(d.level, day)) return std::string(kLevelNotInForcePrefix) + d.level + ":" + d.agency;
    return d.level;
  }

 private:
  // Today's (code, level) for the agency code as of `day`; empty code when it has none.
  const std::pair<std::string, std::string>& current(const std::string& agency, int64_t day) {
    auto [it, fresh] = translated_.try_emplace({agency, day});
    if (!fresh) return it->second;
    auto now = o_.code_tables->translate("agency", agency, day, *o_.as_of_day);
    if (!now.ok()) return it->second;
    auto e = o_.code_tables->lookup("agency", *now, *o_.as_of_day);
    if (!e.ok()) return it->second;
    it->second = {*now, (*e)->level};
    return it->second;
  }

  // Whether units of `level` (a unit kind: province, district, commune) existed on `day`,
  // per the code tables: a level whose every entry ended (districts, abolished on 1 July
  // 2025) did not exist after its last entry's valid_to. A level the tables do not hold
  // as a unit kind (or no tables at all) cannot be judged and is taken as recorded.
  bool level_in_force(const std::string& level, int64_t day) {
    if (!o_.code_tables) return true;
    auto [it, fresh] = in_force_.try_emplace({level, day}, true);
    if (!fresh) return it->second;
    auto units = units_of(level);
    if (units.empty()) return true;
    bool any = false;
    for (const auto& code : units) {
      if (o_.code_tables->lookup(level, code, day).ok()) {
        any = true;
        break;
      }
    }
    it->second = any;
    return any;
  }

  // Every code of unit kind `level` the tables hold at any time (via their creations).
  const std::vector<std::string>& units_of(const std::string& level) {
    auto [it, fresh] = units_.try_emplace(level);
    if (!fresh) return it->second;
    if (level != "province" && level != "district" && level != "commune") return it->second;
    std::set<std::string> codes;
    for (const auto& c : o_.code_tables->diff(INT64_MIN / 4, INT64_MAX / 4)) {
      if (c.kind != level) continue;
      codes.insert(c.from.begin(), c.from.end());
      codes.insert(c.to.begin(), c.to.end());
    }
    it->second.assign(codes.begin(), codes.end());
    return it->second;
  }

  GroupBy by_;
  const KpiOptions& o_;
  std::map<std::pair<std::string, int64_t>, std::pair<std::string, std::string>> translated_;
  std::map<std::pair<std::string, int64_t>, bool> in_force_;
  std::map<std::string, std::vector<std::string>> units_;
};

// Per group (total, qualifying) = (a, b) as the decision writes them.
struct Counter {
  std::map<std::string, std::pair<int64_t, int64_t>> groups;  // key -> (a total, b qualifying)
  std::pair<int64_t, int64_t> total{0, 0};
  void add(const std::string& key, bool qualifies) {
    auto& g = groups[key];
    g.first += 1;
    total.first += 1;
    if (qualifies) {
      g.second += 1;
      total.second += 1;
    }
  }
};

// Whether any status-9/10 event of the dossier carries a result document with a URL.
Result<bool> has_electronic_result(store::Database& db, const std::string& code) {
  auto rows =
      db.query("SELECT payload FROM dossier_events WHERE dossier_code = ? AND status IN (9, 10)", {code});
  if (!rows.ok()) return rows.error();
  for (auto& r : *rows) {
    auto e = model::from_json_string(r.str(0));
    if (!e.ok()) continue;  // the store only holds validated events; an unreadable one has no result
    for (auto& doc : e->results) {
      if (!doc.url.empty()) return true;
    }
  }
  return false;
}

// The target of one row: from the targets file for the period's year (per level when the
// file sets it per level and the row is a level), else the configured on-time target.
std::optional<double> row_target(const KpiOptions& o, const std::string& id, int year,
                                 const std::string& level) {
  if (o.targets) {
    if (o.targets->by_level(id, year))
      return level.empty() ? std::nullopt : o.targets->target(id, year, level);
    return o.targets->target(id, year);
  }
  if (id == "on_time") return o.on_time_target;
  return std::nullopt;
}

void emit(KpiReport& report, const std::string& id, const Counter& c, bool group_rows, bool groups_are_levels,
          const KpiOptions& o, int year) {
  auto row = [&](const std::string& group, std::pair<int64_t, int64_t> ab, const std::string& level) {
    IndicatorRow r;
    r.indicator = id;
    r.group = group;
    r.a = ab.first;
    r.b = ab.second;
    if (r.a > 0) r.ratio = static_cast<double>(r.b) / static_cast<double>(r.a);
    r.target = row_target(o, id, year, level);
    report.rows.push_back(std::move(r));
  };
  if (group_rows) {
    for (auto& [k, ab] : c.groups) row(k, ab, groups_are_levels ? k : std::string());
  }
  row("total", c.total, "");
}

}  // namespace

Result<KpiReport> compute_kpi(store::Database& db, const procedures::ProcedureCatalogue& catalogue,
                              const Period& period, GroupBy by, const std::vector<std::string>& indicators,
                              const KpiOptions& options) {
  if (options.group_as == GroupAs::kNow && (!options.code_tables || !options.as_of_day)) {
    return Error(ErrorKind::kConfig,
                 "grouping as now needs the code tables (config section codes.dir, default "
                 "mappings/codes) and an as-of date; or group as received");
  }
  const int64_t from = period.from_ms(), to = period.to_ms();
  auto rows = db.query(
      "SELECT dossier_code, procedure_code, agency_code, agency_level, channel, status, received_at_ms, "
      "due_at_ms,"
      " finished_at_ms, returned_at_ms, status_at_ms, online_payment, digitised, fee_total_vnd FROM dossiers"
      " WHERE (received_at_ms >= ? AND received_at_ms < ?) OR (status IN (9, 10) AND"
      " COALESCE(finished_at_ms, returned_at_ms, status_at_ms) >= ? AND"
      " COALESCE(finished_at_ms, returned_at_ms, status_at_ms) < ?) ORDER BY dossier_code",
      {from, to, from, to});
  if (!rows.ok()) return rows.error();
  std::vector<Dossier> received, resolved;
  Grouper grouper(by, options);
  Grouper level_grouper(GroupBy::kLevel, options);
  for (auto& r : *rows) {
    Dossier d;
    d.code = r.str(0);
    d.procedure = r.str(1);
    d.agency = r.str(2);
    d.level = r.str(3);
    d.channel = static_cast<int>(r.i64(4));
    d.status = static_cast<int>(r.i64(5));
    d.received_at = r.i64(6);
    d.due_at = r.i64(7);
    d.completed = completed_at(opt(r, 8), opt(r, 9), r.i64(10));
    d.online_payment = r.i64(11) != 0;
    d.digitised = r.i64(12) != 0;
    d.fee_total = r.i64(13);
    d.key = grouper.key(d);
    d.level_key = by == GroupBy::kLevel ? d.key : level_grouper.key(d);
    if (d.received_at >= from && d.received_at < to && d.accepted()) received.push_back(d);
    if (d.resolved() && d.completed >= from && d.completed < to) resolved.push_back(d);
  }

  KpiReport report;
  report.period = period;
  report.by = by;
  report.group_as = options.group_as;
  if (options.group_as == GroupAs::kNow) report.as_of_day = options.as_of_day;
  int year = 0, month = 0, mday = 0;
  vn_time::civil_from_days(period.first_day, year, month, mday);
  for (const auto& id : indicators) {
    Counter c;
    bool group_rows = by != GroupBy::kNone, levels = by == GroupBy::kLevel;
    if (id == "on_time") {
      // a: resolved in the period with a due date; b: of a, completed at or before it.
      for (auto& d : resolved) {
        if (d.due_at > 0) c.add(d.key, d.completed <= d.due_at);
      }
    } else if (id == "online_full") {
      // a: resolved in the period, of end-to-end online procedures, online and not online
      // together; b: of a, submitted online.
      for (auto& d : resolved) {
        const auto* p = catalogue.find(d.procedure);
        if (p && p->full_online) c.add(d.key, d.channel == 2);
      }
    } else if (id == "online_payment_procedures") {
      // a: every procedure of the catalogue deploying online payment; b: of a, those with a
      // dossier received in the period and paid online. A cut counts, per group, the
      // procedures that had dossiers there (the catalogue does not say which agency
      // provides a procedure); the total row follows the decision.
      std::map<std::pair<std::string, std::string>, bool> seen;
      std::map<std::string, bool> paid_total;
      for (auto& d : received) {
        const auto* p = catalogue.find(d.procedure);
        if (!p || !p->online_payment) continue;
        seen[{d.key, d.procedure}] |= d.online_payment;
        paid_total[d.procedure] |= d.online_payment;
      }
      for (auto& [k, paid] : seen) {
        auto& g = c.groups[k.first];
        g.first += 1;
        g.second += paid ? 1 : 0;
      }
      for (const auto& p : catalogue.all()) {
        if (!p.online_payment) continue;
        c.total.first += 1;
        auto it = paid_total.find(p.code);
        c.total.second += it != paid_total.end() && it->second ? 1 : 0;
      }
    } else if (id == "online_payment_dossiers") {
      // a: resolved in the period, of catalogue procedures that charge a fee and offer
      // online payment; b: of a, paid online.
      for (auto& d : resolved) {
        const auto* p = catalogue.find(d.procedure);
        if (p && p->requires_fee && p->online_payment) c.add(d.key, d.online_payment);
      }
    } else if (id == "digitised_dossiers") {
      // Set by level in the decision: without another cut the rows are the levels.
      if (by == GroupBy::kNone) group_rows = levels = true;
      for (auto& d : received) c.add(by == GroupBy::kNone ? d.level_key : d.key, d.digitised);
    } else if (id == "digitised_results") {
      for (auto& d : resolved) {
        auto e = has_electronic_result(db, d.code);
        if (!e.ok()) return e.error();
        c.add(d.key, *e);
      }
    } else {
      return Error(ErrorKind::kParse, "indicator '" + id + "' is unknown");
    }
    emit(report, id, c, group_rows, levels, options, year);
  }
  return report;
}

namespace {
std::string ratio_text(const std::optional<double>& r) {
  if (!r) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *r);
  return buf;
}
std::string as_of_text(const KpiReport& r) {
  return r.as_of_day ? vn_time::format_date(*r.as_of_day) : "";
}

}  // namespace

std::string to_csv(const KpiReport& r) {
  std::string out = "period,from,to,by,group_as,as_of,indicator,group,a,b,ratio,target\r\n";
  for (auto& row : r.rows) {
    out +=
        csv_row({r.period.label, vn_time::format_date(r.period.first_day),
                 vn_time::format_date(r.period.last_day), std::string(to_string(r.by)),
                 std::string(to_string(r.group_as)), as_of_text(r), row.indicator, row.group,
                 std::to_string(row.a), std::to_string(row.b), ratio_text(row.ratio), ratio_text(row.target)},
                "\r\n");
  }
  return out;
}

std::string to_json(const KpiReport& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("period");
  w.StartObject();
  w.Key("label");
  w.String(r.period.label.c_str());
  w.Key("from");
  w.String(vn_time::format_date(r.period.first_day).c_str());
  w.Key("to");
  w.String(vn_time::format_date(r.period.last_day).c_str());
  w.EndObject();
  w.Key("by");
  w.String(std::string(to_string(r.by)).c_str());
  w.Key("group_as");
  w.String(std::string(to_string(r.group_as)).c_str());
  if (r.as_of_day) {
    w.Key("as_of");
    w.String(as_of_text(r).c_str());
  }
  w.Key("rows");
  w.StartArray();
  for (auto& row : r.rows) {
    w.StartObject();
    w.Key("indicator");
    w.String(row.indicator.c_str());
    w.Key("group");
    w.String(row.group.c_str());
    w.Key("a");
    w.Int64(row.a);
    w.Key("b");
    w.Int64(row.b);
    w.Key("ratio");
    if (row.ratio) {
      w.Double(*row.ratio);
    } else {
      w.Null();
    }
    if (row.target) {
      w.Key("target");
      w.Double(*row.target);
      w.Key("meets_target");
      if (row.ratio) {
        w.Bool(*row.ratio >= *row.target);
      } else {
        w.Null();
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string to_table(const KpiReport& r) {
  std::vector<std::vector<std::string>> cells = {{"indicator", "group", "a", "b", "ratio", "target"}};
  for (auto& row : r.rows) {
    std::string ratio = "-";
    if (row.ratio) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f%%", *row.ratio * 100);
      ratio = buf;
    }
    std::string target = "";
    if (row.target) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.0f%%%s", *row.target * 100,
                    row.ratio ? (*row.ratio >= *row.target ? " met" : " not met") : "");
      target = buf;
    }
    cells.push_back({row.indicator, row.group, std::to_string(row.a), std::to_string(row.b), ratio, target});
  }
  std::vector<size_t> width(6, 0);
  for (auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string out = "period " + r.period.label + " (" + vn_time::format_date(r.period.first_day) + " .. " +
                    vn_time::format_date(r.period.last_day) + "), by " + std::string(to_string(r.by)) +
                    ", units as " +
                    (r.group_as == GroupAs::kNow ? "now (codes translated to " + as_of_text(r) + ")"
                                                 : std::string("received")) +
                    "\n";
  for (auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      bool right = i >= 2 && i <= 4;
      std::string pad(width[i] - line[i].size(), ' ');
      text += right ? pad + line[i] : line[i] + pad;
      if (i + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace lienthong::kpi
