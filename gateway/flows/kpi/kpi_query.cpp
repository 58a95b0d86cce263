#include "gateway/flows/kpi/kpi_query.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::kpi {

namespace {
KpiAnswer problem(int status, const std::string& title, const std::string& detail) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("type");
  w.String("about:blank");
  w.Key("title");
  w.String(title.c_str());
  w.Key("status");
  w.Int(status);
  w.Key("detail");
  w.String(detail.c_str());
  w.EndObject();
  return {status, "application/problem+json", buf.GetString()};
}
}  // namespace

KpiAnswer answer_kpi_query(store::Database& db, const procedures::ProcedureCatalogue& catalogue,
                           const std::map<std::string, std::string>& query, const KpiOptions& options) {
  for (auto& [k, v] : query) {
    if (k != "period" && k != "by" && k != "indicator" && k != "format" && k != "group_as" && k != "as_of") {
      return problem(400, "Bad Request",
                     "unknown query parameter '" + k.substr(0, 40) +
                         "'; accepted: period, by, indicator, format, group_as, as_of");
    }
  }
  auto get = [&](const char* k, const char* fallback) {
    auto it = query.find(k);
    return it == query.end() ? std::string(fallback) : it->second;
  };
  if (!query.count("period")) {
    return problem(400, "Bad Request", "the query parameter 'period' is required, e.g. period=2023-Q2");
  }
  auto period = parse_period(get("period", ""));
  if (!period.ok()) return problem(400, "Bad Request", period.error().message);
  auto by = parse_group_by(get("by", "none"));
  if (!by.ok()) return problem(400, "Bad Request", by.error().message);
  auto ids = parse_indicators(get("indicator", "all"));
  if (!ids.ok()) return problem(400, "Bad Request", ids.error().message);
  auto group_as = parse_group_as(get("group_as", "received"));
  if (!group_as.ok()) return problem(400, "Bad Request", group_as.error().message);
  KpiOptions opts = options;
  opts.group_as = *group_as;
  if (query.count("as_of")) {
    if (*group_as != GroupAs::kNow) return problem(400, "Bad Request", "as_of applies only to group_as=now");
    auto d = vn_time::parse_date(get("as_of", ""));
    if (!d) return problem(400, "Bad Request", "as_of must be a date YYYY-MM-DD");
    opts.as_of_day = *d;
  }
  if (*group_as == GroupAs::kNow && !opts.code_tables)
    return problem(409, "Conflict",
                   "group_as=now needs the code tables, which this gateway has not loaded (config section "
                   "codes); use group_as=received");
  if (*group_as == GroupAs::kNow && !opts.as_of_day)
    return problem(400, "Bad Request", "group_as=now needs as_of=YYYY-MM-DD here");
  std::string format = get("format", "json");
  if (format != "json" && format != "csv") return problem(400, "Bad Request", "format must be json or csv");
  auto report = compute_kpi(db, catalogue, *period, *by, *ids, opts);
  if (!report.ok())
    return problem(503, "Service Unavailable", "the KPI could not be computed: store unavailable");
  if (format == "csv") return {200, "text/csv; charset=utf-8", to_csv(*report)};
  return {200, "application/json", to_json(*report)};
}

}  // namespace lienthong::kpi
