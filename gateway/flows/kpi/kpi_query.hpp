// GET /v1/kpi?period=2023-Q2&by=agency&indicator=on_time,online_full&format=json|csv
// as a plain function of the query parameters, so that it is tested without a server and
// the route registration stays one line. Errors are RFC 9457 problem documents.
#pragma once

#include <map>
#include <string>

#include "gateway/flows/kpi/indicators.hpp"

namespace lienthong::kpi {

struct KpiAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
};

// `period` is required; `by` defaults to none, `indicator` to all, `format` to json,
// `group_as` to received (now: `as_of` defaults to options.as_of_day, the server's date).
// Unknown parameters are refused (400) so that a typo is not silently ignored.
KpiAnswer answer_kpi_query(store::Database& db, const procedures::ProcedureCatalogue& catalogue,
                           const std::map<std::string, std::string>& query, const KpiOptions& options = {});

}  // namespace lienthong::kpi
