// GET /v1/kpi served by the "kpi" component over loopback (port 0).
#include <gtest/gtest.h>

#include "app/kpi_settings.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/kpi/late_register.hpp"

namespace lienthong::app {
namespace {

TEST(KpiRoute, ServesIndicatorsAndRefusesBadQueries) {
  auto db = std::move(store::open_sqlite({.path = ":memory:"})).value();
  auto specs = kpi_component_spec();
  ASSERT_TRUE(db->migrate(specs.migrations()).ok());
  model::DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = "H56-1";
  e.procedure_code = "1.003560.000.00.00.H56";
  e.channel = 2;
  e.agency_code = "A1";
  e.agency_level = "province";
  e.received_at_ms = *vn_time::parse_iso("2023-05-02T09:00");
  e.due_at_ms = *vn_time::parse_iso("2023-05-05T17:00");
  e.finished_at_ms = *vn_time::parse_iso("2023-05-04T10:00");
  e.status = 9;
  e.status_at_ms = *e.finished_at_ms;
  e.sequence = 1;
  ASSERT_TRUE(dossiers::DossierStore(*db).record(e, e.status_at_ms).ok());

  KpiSettings settings;
  settings.procedures_path = LIENTHONG_SOURCE_DIR "/mappings/procedures.json";
  settings.codes_dir = LIENTHONG_SOURCE_DIR "/mappings/codes";
  ManualClock clock(*vn_time::parse_iso("2025-09-01T10:00"));
  auto component = make_kpi_component(*db, settings, clock);
  server::HttpServer server(server::ServerOptions{});
  component->register_admin_routes(server);
  uint16_t port = server.start();
  http::HttpClient client;
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v1/kpi";

  auto ok = client.send({"GET", base + "?period=2023-Q2&by=level&indicator=on_time,online_full"});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->header("content-type").value_or(""), "application/json");
  EXPECT_NE(ok->body.find(R"({"indicator":"on_time","group":"province","a":1,"b":1,"ratio":1.0)"),
            std::string::npos)
      << ok->body;
  EXPECT_NE(ok->body.find(R"({"indicator":"online_full","group":"total","a":1,"b":1,)"), std::string::npos);

  auto csv = client.send({"GET", base + "?period=2023-05&indicator=on_time&format=csv"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("2023-05,2023-05-01,2023-05-31,none,received,,on_time,total,1,1,1.0000,0.9500"),
            std::string::npos);

  // As now, translated to the clock's date: "A1" is no agency of the code tables, so it is
  // shown as untranslatable, by code.
  auto now = client.send({"GET", base + "?period=2023-05&by=agency&indicator=on_time&group_as=now"});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->status, 200) << now->body;
  EXPECT_NE(now->body.find(R"("group_as":"now","as_of":"2025-09-01")"), std::string::npos) << now->body;
  EXPECT_NE(now->body.find(R"({"indicator":"on_time","group":"untranslatable:A1","a":1,"b":1,)"),
            std::string::npos)
      << now->body;

  auto bad = client.send({"GET", base + "?period=2023-Q9"});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->header("content-type").value_or(""), "application/problem+json");
  server.stop();
}

}  // namespace
}  // namespace lienthong::app
