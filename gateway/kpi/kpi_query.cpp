#include "gateway/kpi/kpi_query.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
    if (k != "period" && k != "by" && k != "indicator" && k != "format") {
      return problem(
          400, "Bad Request",
          "unknown query parameter '" + k.substr(0, 40) + "'; accepted: period, by, indicator, format");
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
  std::string format = get("format", "json");
  if (format != "json" && format != "csv") return problem(400, "Bad Request", "format must be json or csv");
  auto report = compute_kpi(db, catalogue, *period, *by, *ids, options);
  if (!report.ok())
    return problem(503, "Service Unavailable", "the KPI could not be computed: store unavailable");
  if (format == "csv") return {200, "text/csv; charset=utf-8", to_csv(*report)};
  return {200, "application/json", to_json(*report)};
}

}  // namespace lienthong::kpi
