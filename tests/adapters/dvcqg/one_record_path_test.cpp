// The one record path (gateway/core/dossiers/event_recorder.hpp) seen from DVCQG: a status
// event queued by the sync flow and the same event accepted as a webhook become the same
// outbox message, in the portal's own records; messages an earlier build queued as
// canonical events (kind "dossier_status", the webhook flow's old shape) still reach the
// portal from an existing store.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/dvcqg/dvcqg.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_recorder.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/sync/cursor_store.hpp"
#include "gateway/flows/sync/sync_flow.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"
#include "sim/dvcqg/dvcqg_sim.hpp"

namespace lienthong {
namespace {

model::DossierStatusEvent event(const std::string& code, int seq, int status) {
  model::DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = code;
  e.procedure_code = "1.003560.000.00.00.H56";
  e.procedure_name = "Cấp giấy phép xây dựng";
  e.channel = 2;
  e.owner_type = 1;
  e.owner_name = "Nguyễn Văn An";
  e.owner_id_number = "001085012345";
  e.agency_code = "000.00.12.H56";
  e.agency_level = "province";
  e.received_at_ms = 1'727'745'300'000;  // 2024-10-01 08:15 +07
  e.due_at_ms = e.received_at_ms + 14 * 86'400'000LL;
  e.status = status;
  e.status_at_ms = e.received_at_ms + seq * 3'600'000LL;
  e.sequence = seq;
  e.officer = "Trần Thị Bình";
  e.note = "Tiếp nhận hồ sơ";
  return e;
}

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> m = sync::CursorStore::migrations();
  for (auto& x : dossiers::DossierStore::migrations()) m.push_back(x);
  for (auto& x : dossiers::Quarantine::migrations()) m.push_back(x);
  for (auto& x : outbox::Outbox::migrations()) m.push_back(x);
  return m;
}

class OneRecordPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<sim::SimServer>(
        "dvcqg", sim::Faults{}, [this](const sim::SimRequest& r) { return portal_.handle(r); });
    uint16_t port = server_->start();
    setenv("DVCQG_TEST_PASSWORD", "sim-password", 1);
    config_ = ConfigFile::from_string(
        R"({"base_url":"http://127.0.0.1:)" + std::to_string(port) +
            R"(","username":"lienthong","password":{"env":"DVCQG_TEST_PASSWORD"},"madonvi":"000.00.00.H56",)"
            R"("timeout_ms":5000})",
        LIENTHONG_SOURCE_DIR);
    destinations_.add(adapters::dvcqg::make_target(config_->root(), clock_, nullptr));
  }

  std::unique_ptr<store::Database> open(const std::string& path) {
    store::SqliteOptions o;
    o.path = path;
    auto db = std::move(store::open_sqlite(o).value());
    EXPECT_TRUE(db->migrate(migrations()).ok());
    return db;
  }

  std::vector<outbox::Message> queued(outbox::Outbox& box) {
    return box.list({std::nullopt, "", 100, 0}).value();
  }

  rapidjson::Document portal_dossier(const std::string& code) {
    sim::SimRequest r;
    r.method = "GET";
    r.path = "/__sim/dossiers/" + code;
    return std::move(json::parse(portal_.handle(r).body).value());
  }

  ManualClock clock_;
  sim::DvcqgPortal portal_{sim::DvcqgSimOptions{}};
  std::unique_ptr<sim::SimServer> server_;
  std::shared_ptr<ConfigFile> config_;
  dossiers::EventDestinations destinations_;
};

TEST_F(OneRecordPathTest, AWebhookEventIsQueuedAsTheSameMessageTheSyncFlowQueuesForIt) {
  model::DossierStatusEvent e = event("H56.01-261118-0001", 1, 1);

  auto sync_db = open(":memory:");
  outbox::Outbox sync_box(*sync_db, outbox::Policy{}, clock_);
  struct OnePage : sync::Source {
    std::string name() const override { return "one_stop_shop"; }
    Result<sync::SourcePage> fetch(const std::string&, size_t) override { return sync::SourcePage{}; }
  } source;
  sync::SyncFlow flow(*sync_db, sync_box, source, {destinations_.find("dvcqg")}, clock_, sync::SyncOptions{});
  sync::SourceRecord rec;
  rec.dossier_code = e.dossier_code;
  rec.events.push_back({e.sequence, e});
  auto stored = flow.store_page(sync::SourcePage{{rec}, "c1", false});
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_EQ(stored->new_events, 1);

  auto hook_db = open(":memory:");
  outbox::Outbox hook_box(*hook_db, outbox::Policy{}, clock_);
  dossiers::DossierStore store(*hook_db);
  model::DossierStatusEvent pushed = e;
  pushed.source = "one_stop_shop";
  Error refusal;
  auto routes = webhooks::event_routes({"dvcqg"}, false, &destinations_);
  auto applied = webhooks::apply_event(store, hook_box, routes, pushed, clock_.now_ms(), refusal);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ASSERT_EQ(*applied, webhooks::EventApplied::kInserted) << refusal.message;

  auto from_sync = queued(sync_box);
  auto from_hook = queued(hook_box);
  ASSERT_EQ(from_sync.size(), 1u);
  ASSERT_EQ(from_hook.size(), 1u);
  EXPECT_EQ(from_hook[0].kind, "dvcqg_records");
  EXPECT_EQ(from_hook[0].kind, from_sync[0].kind);
  EXPECT_EQ(from_hook[0].payload, from_sync[0].payload);
  EXPECT_EQ(from_hook[0].ordering_key, from_sync[0].ordering_key);
  EXPECT_EQ(from_hook[0].dedup_key, from_sync[0].dedup_key);
  EXPECT_EQ(from_hook[0].dedup_key, "H56.01-261118-0001#1#dvcqg");
}

TEST_F(OneRecordPathTest, AWebhookEventTheDestinationCannotTranslateIsRefusedWithNothingWritten) {
  auto db = open(":memory:");
  outbox::Outbox box(*db, outbox::Policy{}, clock_);
  dossiers::DossierStore store(*db);
  model::DossierStatusEvent e = event("H56.01-261118-0002", 0, 1);
  e.procedure_code = "not a procedure code";
  Error refusal;
  auto routes = webhooks::event_routes({"dvcqg"}, false, &destinations_);
  auto applied = webhooks::apply_event(store, box, routes, e, clock_.now_ms(), refusal);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(*applied, webhooks::EventApplied::kRefused);
  EXPECT_NE(refusal.message.find("not sendable to dvcqg"), std::string::npos) << refusal.message;
  EXPECT_EQ(e.sequence, 1);  // numbered before it was translated
  EXPECT_EQ(store.count_events().value(), 0);
  EXPECT_TRUE(queued(box).empty());
}

TEST_F(OneRecordPathTest, MessagesQueuedAsCanonicalEventsByAnEarlierBuildStillReachThePortal) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "one_record_path_old_queue.db").string();
  std::filesystem::remove(path);
  {
    // What an earlier build's webhook flow queued: the canonical event, translated when
    // delivered.
    auto db = open(path);
    outbox::Outbox box(*db, outbox::Policy{}, clock_);
    for (auto [seq, status] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}}) {
      model::DossierStatusEvent e = event("H56.01-261118-0003", seq, status);
      auto r = box.enqueue({"dvcqg", std::string(dossiers::kCanonicalKind), "dossier:" + e.dossier_code,
                            e.event_key() + "#dvcqg", model::to_json_string(e)});
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
  }
  auto db = open(path);  // the existing store opens with this build's migrations
  outbox::Outbox box(*db, outbox::Policy{}, clock_);
  outbox::Dispatcher dispatcher(box, clock_);
  dispatcher.add(*destinations_.find("dvcqg"));
  auto delivered = dispatcher.run_until_idle(clock_.now_ms() + 60'000, false);
  ASSERT_TRUE(delivered.ok()) << delivered.error().message;
  EXPECT_EQ(delivered->sent, 2);
  auto counts = box.counts().value();
  EXPECT_EQ(counts.pending, 0);
  EXPECT_EQ(counts.dead, 0);
  auto d = portal_dossier("H56.01-261118-0003");
  ASSERT_TRUE(d.IsObject() && d.HasMember("TrangThaiHoSo"));
  EXPECT_EQ(d["TrangThaiHoSo"].GetInt(), 2);
  std::vector<int> statuses;
  for (auto& v : d["statuses"].GetArray()) statuses.push_back(v.GetInt());
  EXPECT_EQ(statuses, (std::vector<int>{1, 2}));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lienthong
