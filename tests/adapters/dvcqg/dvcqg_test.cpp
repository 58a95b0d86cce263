// The DVCQG adapter against the simulated portal, in process on a loopback port.
#include "adapters/dvcqg/dvcqg.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "gateway/core/common/json.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "sim/dvcqg/dvcqg_sim.hpp"

namespace lienthong::adapters::dvcqg {
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

outbox::Message message(const model::DossierStatusEvent& e, int attempts = 1) {
  static int64_t next_id = 1;
  outbox::Message m;
  m.id = next_id++;
  m.destination = "dvcqg";
  m.payload = model::to_json_string(e);
  m.attempts = attempts;
  return m;
}

// What the sync flow queues: the records prepare() translated when the event was stored.
outbox::Message prepared_message(const sync::Prepared& p, int attempts = 1) {
  static int64_t next_id = 100'000;
  outbox::Message m;
  m.id = next_id++;
  m.destination = "dvcqg";
  m.kind = p.kind;
  m.payload = p.payload;
  m.attempts = attempts;
  return m;
}

class DvcqgAdapterTest : public ::testing::Test {
 protected:
  void start(sim::DvcqgSimOptions o = {}, size_t batch = 100, const std::string& extra = "") {
    portal_ = std::make_unique<sim::DvcqgPortal>(o);
    server_ = std::make_unique<sim::SimServer>("dvcqg", sim::Faults{}, [this](const sim::SimRequest& r) {
      sim::SimResponse res = portal_->handle(r);
      std::lock_guard lock(mu_);
      requests_.push_back(r);
      if (rewrite_) res.body = rewrite_(r, res.body);
      return res;
    });
    uint16_t port = server_->start();
    setenv("DVCQG_TEST_PASSWORD", "sim-password", 1);
    std::string cfg =
        R"({"base_url":"http://127.0.0.1:)" + std::to_string(port) +
        R"(","username":"lienthong","password":{"env":"DVCQG_TEST_PASSWORD"},"madonvi":"000.00.00.H56",)"
        R"("batch_size":)" +
        std::to_string(batch) + R"(,"timeout_ms":5000)" + extra + "}";
    config_ = ConfigFile::from_string(cfg, LIENTHONG_SOURCE_DIR);
    target_ = make_target(config_->root(), clock_, nullptr);
  }
  rapidjson::Document stats() { return std::move(json::parse(portal_->stats_json()).value()); }
  rapidjson::Document dossier(const std::string& code) {
    sim::SimRequest r;
    r.method = "GET";
    r.path = "/__sim/dossiers/" + code;
    return std::move(json::parse(portal_->handle(r).body).value());
  }

  // Bodies of the requests to `path` whose "service" is `service` (any when empty), parsed.
  std::vector<rapidjson::Document> sent(const std::string& service,
                                        const std::string& path = "/integration") {
    std::lock_guard lock(mu_);
    std::vector<rapidjson::Document> out;
    for (const auto& r : requests_) {
      if (r.path != path) continue;
      auto d = json::parse(r.body).value();
      if (!service.empty() && (!d.HasMember("service") || service != d["service"].GetString())) continue;
      out.push_back(std::move(d));
    }
    return out;
  }

  std::mutex mu_;
  std::vector<sim::SimRequest> requests_;
  // Rewrites the simulator's answer (path, body) → body: the codes other portals send.
  std::function<std::string(const sim::SimRequest&, const std::string&)> rewrite_;
  ManualClock clock_;
  std::unique_ptr<sim::DvcqgPortal> portal_;
  std::unique_ptr<sim::SimServer> server_;
  std::shared_ptr<ConfigFile> config_;
  std::unique_ptr<sync::SyncTarget> target_;
};

TEST_F(DvcqgAdapterTest, BatchOfEventsIsSentInCallsOfAtMostBatchSizeRecords) {
  start({}, 2);
  std::vector<outbox::Message> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(message(event("D" + std::to_string(i), 1, 2)));
  auto out = target_->deliver(batch);
  for (auto& s : out) EXPECT_TRUE(s.ok()) << s.error().message;
  auto st = stats();
  EXPECT_EQ(st["sync_calls"].GetInt(), 3);
  EXPECT_EQ(st["progress_calls"].GetInt(), 3);
  EXPECT_EQ(st["dossiers"].GetInt(), 5);
  EXPECT_EQ(st["progress_records"].GetInt(), 5);
}

TEST_F(DvcqgAdapterTest, StatusHistoryReachesThePortalInOrder) {
  start();
  for (auto [seq, status] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {3, 4}, {4, 9}}) {
    auto out = target_->deliver({message(event("D1", seq, status))});
    ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  }
  auto d = dossier("D1");
  EXPECT_EQ(d["TrangThaiHoSo"].GetInt(), 9);
  std::vector<int> statuses;
  for (auto& v : d["statuses"].GetArray()) statuses.push_back(v.GetInt());
  EXPECT_EQ(statuses, (std::vector<int>{1, 2, 4, 9}));
}

TEST_F(DvcqgAdapterTest, CreateOfADossierThePortalAlreadyHasBecomesAnUpdate) {
  start();
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 1))})[0].ok());
  // The same dossier announced as new again (e.g. its history was re-numbered).
  auto again = event("D1", 1, 2);
  again.status_at_ms += 60'000;
  auto out = target_->deliver({message(again)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  auto st = stats();
  EXPECT_EQ(st["created"].GetInt(), 1);
  EXPECT_EQ(st["updated"].GetInt(), 1);
  EXPECT_EQ(dossier("D1")["TrangThaiHoSo"].GetInt(), 2);
}

TEST_F(DvcqgAdapterTest, UpdateOfADossierThePortalDoesNotHaveBecomesACreate) {
  start();
  auto out = target_->deliver({message(event("D1", 3, 4))});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(stats()["created"].GetInt(), 1);
}

TEST_F(DvcqgAdapterTest, RecordRefusedByThePortalFailsAloneWithThePortalsCode) {
  start();
  auto bad = event("BAD", 1, 2);
  bad.owner_id_number = "12AB";  // not a citizen ID: the portal refuses it
  auto out = target_->deliver({message(event("D1", 1, 2)), message(bad), message(event("D2", 1, 2))});
  EXPECT_TRUE(out[0].ok());
  EXPECT_TRUE(out[2].ok());
  ASSERT_FALSE(out[1].ok());
  EXPECT_EQ(out[1].error().kind, ErrorKind::kValidation);
  EXPECT_FALSE(is_retryable(out[1].error().kind));
  EXPECT_EQ(out[1].error().code, "1003");
  EXPECT_EQ(out[1].error().message.find("12AB"), std::string::npos);  // no personal data echoed
  EXPECT_EQ(stats()["dossiers"].GetInt(), 2);
}

TEST_F(DvcqgAdapterTest, ExpiredSessionIsRenewedAndTheCallSucceeds) {
  sim::DvcqgSimOptions o;
  o.expire_session_after = 1;
  start(o);
  for (int i = 0; i < 4; ++i) {
    auto out = target_->deliver({message(event("D" + std::to_string(i), 1, 2))});
    ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  }
  auto st = stats();
  EXPECT_GT(st["session_expirations"].GetInt(), 0);
  EXPECT_GT(st["auth_calls"].GetInt(), 1);
  EXPECT_EQ(st["progress_records"].GetInt(), 4);
}

TEST_F(DvcqgAdapterTest, RetriedEventThePortalAlreadyHasIsNotSentAgain) {
  start();
  auto e = event("D1", 1, 2);
  ASSERT_TRUE(target_->deliver({message(e, 1)})[0].ok());
  // The answer was lost; the outbox hands the same event out again.
  auto out = target_->deliver({message(e, 2)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  auto st = stats();
  EXPECT_EQ(st["progress_records"].GetInt(), 1);
  EXPECT_EQ(st["duplicates"].GetInt(), 0);
  EXPECT_EQ(st["lookups"].GetInt(), 1);
}

TEST_F(DvcqgAdapterTest, RetriedEventThePortalDoesNotHaveIsSent) {
  start();
  auto out = target_->deliver({message(event("D1", 1, 2), 3)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(stats()["progress_records"].GetInt(), 1);
}

TEST_F(DvcqgAdapterTest, UnreachablePortalGivesARetryableErrorForEveryRecord) {
  start();
  server_->stop();
  auto out = target_->deliver({message(event("D1", 1, 2)), message(event("D2", 1, 2))});
  for (auto& s : out) {
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(is_retryable(s.error().kind)) << to_string(s.error().kind);
  }
}

TEST_F(DvcqgAdapterTest, CheckRefusesABadProcedureCodeAndAForbiddenTransition) {
  start();
  auto e = event("D1", 1, 2);
  EXPECT_TRUE(target_->check(e, std::nullopt).ok());
  e.procedure_code = "1.003560";
  auto bad = target_->check(e, std::nullopt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("MaTTHC"), std::string::npos);
  auto done = event("D1", 2, 10);
  auto t = target_->check(done, 2);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("TrangThaiHoSo"), std::string::npos);
}

TEST_F(DvcqgAdapterTest, WithCodeTablesTheAgencyCodeValidTodayIsSent) {
  clock_.set_ms(1'790'000'000'000);  // 2026-09: after the 1 July 2025 merger of provinces
  start({}, 100, R"(,"codes_dir":"mappings/codes")");
  auto e = event("D1", 1, 2);
  e.agency_code = "000.00.12.H35";  // Sở Xây dựng Hà Nam in 2024, merged into 000.00.12.H37
  auto out = target_->deliver({message(e)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  // DonViXuLy carries the agency's name (both public clients): the name of the agency the
  // old code became.
  EXPECT_STREQ(dossier("D1")["DonViXuLy"].GetString(), "Sở Xây dựng tỉnh Ninh Bình");
}

TEST_F(DvcqgAdapterTest, WithCodeTablesAndDonViXuLyAsCodeTheAgencyCodeValidTodayIsSent) {
  clock_.set_ms(1'790'000'000'000);
  start({}, 100, R"(,"codes_dir":"mappings/codes","donvixuly":"code")");
  auto e = event("D1", 1, 2);
  e.agency_code = "000.00.12.H35";
  auto out = target_->deliver({message(e)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_STREQ(dossier("D1")["DonViXuLy"].GetString(), "000.00.12.H37");
}

TEST(DvcqgConfigTest, EmptySectionIsRefusedNamingTheMissingKey) {
  auto cfg = ConfigFile::from_string("{}", LIENTHONG_SOURCE_DIR);
  try {
    validate_config(cfg->root());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("base_url"), std::string::npos) << e.what();
  }
}

TEST(DvcqgConfigTest, UnknownKeyIsRefused) {
  auto cfg = ConfigFile::from_string(R"({"base_url":"http://x","username":"u","password":{"env":"HOME"},)"
                                     R"("madonvi":"H56","batchsize":3})",
                                     LIENTHONG_SOURCE_DIR);
  EXPECT_THROW(validate_config(cfg->root()), ConfigError);
}

TEST(DvcqgConfigTest, MinimalSectionIsAccepted) {
  auto cfg =
      ConfigFile::from_string(R"({"base_url":"http://127.0.0.1:1","username":"u","password":{"env":"HOME"},)"
                              R"("madonvi":"000.00.00.H56"})",
                              LIENTHONG_SOURCE_DIR);
  EXPECT_NO_THROW(validate_config(cfg->root()));
}

TEST_F(DvcqgAdapterTest, PreparedRecordsAreQueuedAsThePortalsOwnRecordsAndSentAsStored) {
  start();
  std::vector<outbox::Message> batch;
  for (auto [seq, status] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}}) {
    auto e = event("D1", seq, status);
    auto p = target_->prepare(e, model::to_json_string(e));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->kind, "dvcqg_records");
    auto doc = json::parse(p->payload).value();
    EXPECT_EQ(std::string(doc["MaHoSo"].GetString()), "D1");
    EXPECT_EQ(doc["sequence"].GetInt(), seq);
    // The portal's scalars are strings (docs/contracts/dvcqg.md).
    EXPECT_EQ(std::string(doc["dossier"]["TrangThaiHoSo"].GetString()), std::to_string(status));
    EXPECT_EQ(std::string(doc["progress"]["TrangThai"].GetString()), std::to_string(status));
    // Edited after queuing: what is delivered is what the outbox holds, not a new translation.
    doc["dossier"]["DonViXuLy"].SetString("000.00.34.H56", doc.GetAllocator());
    batch.push_back(prepared_message({p->kind, json::to_string(doc)}));
  }
  for (auto& m : batch) {
    auto out = target_->deliver({m});
    ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  }
  auto d = dossier("D1");
  EXPECT_EQ(std::string(d["DonViXuLy"].GetString()), "000.00.34.H56");
  std::vector<int> statuses;
  for (auto& v : d["statuses"].GetArray()) statuses.push_back(v.GetInt());
  EXPECT_EQ(statuses, (std::vector<int>{1, 2}));
}

TEST_F(DvcqgAdapterTest, PrepareRefusesWhatTheMappingRefusesAndCheckPreparedOnlyJudgesTheTransition) {
  start();
  auto bad = event("D1", 1, 2);
  bad.procedure_code = "1.003560";
  auto p = target_->prepare(bad, model::to_json_string(bad));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("MaTTHC"), std::string::npos);
  auto done = event("D1", 2, 10);
  EXPECT_FALSE(target_->check_prepared(done, 2).ok());
  EXPECT_TRUE(target_->check_prepared(event("D1", 2, 4), 2).ok());
}

TEST_F(DvcqgAdapterTest, QueuedRecordsWithoutTheirPartsFailAsInvalidNotAsAnUpstreamError) {
  start();
  auto out = target_->deliver({prepared_message({"dvcqg_records", R"({"MaHoSo":"D1","sequence":1})"})});
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error().kind, ErrorKind::kValidation);
  EXPECT_EQ(stats()["progress_records"].GetInt(), 0);
}

TEST_F(DvcqgAdapterTest, RetriedPreparedRecordThePortalAlreadyHasIsNotSentAgain) {
  start();
  auto e = event("D1", 1, 2);
  auto p = target_->prepare(e, model::to_json_string(e)).value();
  ASSERT_TRUE(target_->deliver({prepared_message(p, 1)})[0].ok());
  auto out = target_->deliver({prepared_message(p, 2)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(stats()["progress_records"].GetInt(), 1);
  EXPECT_EQ(stats()["duplicates"].GetInt(), 0);
}

namespace {
std::vector<int> statuses_of(const rapidjson::Document& d) {
  std::vector<int> out;
  for (auto& v : d["statuses"].GetArray()) out.push_back(v.GetInt());
  return out;
}
}  // namespace

TEST_F(DvcqgAdapterTest, CombinedMessageSendsTheLatestDossierRecordOnceAndEveryProgressRecordInOrder) {
  start();
  std::vector<sync::Prepared> parts;
  for (auto [seq, status] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {3, 4}, {4, 9}}) {
    auto e = event("D1", seq, status);
    parts.push_back(target_->prepare(e, model::to_json_string(e)).value());
  }
  auto combined = target_->combine("D1", parts);
  ASSERT_TRUE(combined.ok()) << combined.error().message;
  // The dossier record once (the latest event's), then each event's progress record.
  auto doc = json::parse(combined->payload).value();
  EXPECT_STREQ(doc["dossier"]["TrangThaiHoSo"].GetString(), "9");
  ASSERT_EQ(doc["events"].Size(), 4u);
  EXPECT_FALSE(doc["events"][0].HasMember("dossier"));
  EXPECT_STREQ(doc["events"][2]["progress"]["TrangThai"].GetString(), "4");
  EXPECT_LE(target_->max_events_per_message(), 1000u);
  auto out = target_->deliver({prepared_message(*combined), message(event("D2", 1, 2))});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  ASSERT_TRUE(out[1].ok()) << out[1].error().message;
  auto d = dossier("D1");
  EXPECT_EQ(d["TrangThaiHoSo"].GetInt(), 9);
  EXPECT_EQ(d["updates"].GetInt(), 1) << "one DongBoHoSoMC record for the whole message";
  EXPECT_EQ(statuses_of(d), (std::vector<int>{1, 2, 4, 9}));
  auto st = stats();
  EXPECT_EQ(st["out_of_order"].GetInt(), 0);
  EXPECT_EQ(st["progress_records"].GetInt(), 5);
}

TEST_F(DvcqgAdapterTest, RefusedProgressRecordStopsTheLaterOnesOfItsMessageAndARetrySendsOnlyTheMissingOnes) {
  start();
  std::vector<sync::Prepared> parts;
  for (auto [seq, status] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {3, 4}}) {
    auto e = event("D1", seq, status);
    parts.push_back(target_->prepare(e, model::to_json_string(e)).value());
  }
  // The portal refuses event 2's progress record (TrangThai out of its range).
  auto broken = json::parse(parts[1].payload).value();
  broken["progress"]["TrangThai"].SetString("42");
  auto fixed = parts[1];
  parts[1].payload = json::to_string(broken);
  ASSERT_EQ(parts[1].fragments.size(), 3u);  // dossier, progress, sequence: what combine() reuses
  parts[1].fragments[1] = json::to_string(broken["progress"]);
  auto out = target_->deliver({prepared_message(target_->combine("D1", parts).value())});
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error().kind, ErrorKind::kValidation);
  EXPECT_EQ(statuses_of(dossier("D1")), (std::vector<int>{1})) << "nothing after the refused record";
  // Fixed and retried: event 1 is not sent twice, 2 and 3 follow in order.
  parts[1] = fixed;
  out = target_->deliver({prepared_message(target_->combine("D1", parts).value(), 2)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(statuses_of(dossier("D1")), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(stats()["duplicates"].GetInt(), 0);
}

TEST_F(DvcqgAdapterTest, CombinedRecordsOutOfHistoryOrderAreRefusedUnsent) {
  start();
  auto e1 = event("D1", 1, 1), e2 = event("D1", 2, 2);
  auto p1 = target_->prepare(e1, "").value(), p2 = target_->prepare(e2, "").value();
  auto out = target_->deliver({prepared_message(target_->combine("D1", {p2, p1}).value())});
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].error().kind, ErrorKind::kValidation);
  EXPECT_EQ(stats()["progress_records"].GetInt(), 0);
}

TEST_F(DvcqgAdapterTest, EditedQueuedRecordsThatAreMalformedAreRefusedUnsentEachWithItsReason) {
  start();
  auto e = event("D1", 1, 2);
  auto p = target_->prepare(e, model::to_json_string(e)).value();
  auto doc = json::parse(p.payload).value();
  std::string dossier_text = json::to_string(doc["dossier"]), progress = json::to_string(doc["progress"]);
  struct Case {
    std::string payload;
    ErrorKind kind;
    std::string says;
  };
  std::vector<Case> cases = {
      {p.payload.substr(0, p.payload.size() / 2), ErrorKind::kParse, "malformed JSON"},
      {p.payload + "x", ErrorKind::kParse, "malformed JSON"},
      {R"({"sequence":1,"dossier":)" + dossier_text + R"(,"progress":)" + progress + "}",
       ErrorKind::kValidation, "MaHoSo"},
      {R"({"MaHoSo":7,"sequence":1,"dossier":)" + dossier_text + R"(,"progress":)" + progress + "}",
       ErrorKind::kValidation, "MaHoSo"},
      {R"({"MaHoSo":"D1","sequence":1,"dossier":[],"progress":)" + progress + "}", ErrorKind::kValidation,
       "dossier record"},
      {R"({"MaHoSo":"D1","sequence":"1","dossier":)" + dossier_text + R"(,"progress":)" + progress + "}",
       ErrorKind::kValidation, "sequence or progress"},
      {R"({"MaHoSo":"D1","sequence":1,"dossier":)" + dossier_text + R"(,"progress":"x"})",
       ErrorKind::kValidation, "sequence or progress"},
      {R"({"MaHoSo":"D1","dossier":)" + dossier_text + R"(,"events":{}})", ErrorKind::kValidation,
       "non-empty array"},
      {R"({"MaHoSo":"D1","dossier":)" + dossier_text + R"(,"events":[]})", ErrorKind::kValidation,
       "non-empty array"},
      {R"({"MaHoSo":"D1","dossier":)" + dossier_text + R"(,"events":[{"sequence":1,"progress":)" + progress +
           "},2]}",
       ErrorKind::kValidation, "sequence or progress"},
      {R"({"MaHoSo":"D1","dossier":)" + dossier_text + R"(,"events":[[{"sequence":1,"progress":)" + progress +
           "}]]}",
       ErrorKind::kValidation, "sequence or progress"},
      {R"({"MaHoSo":"D1","dossier":)" + dossier_text + R"(,"events":[{"sequence":2147483648,"progress":)" +
           progress + "}]}",
       ErrorKind::kValidation, "sequence or progress"},
      {std::string(100, '[') + std::string(100, ']'), ErrorKind::kParse, "deeper"},
  };
  for (const auto& c : cases) {
    auto out = target_->deliver({prepared_message({"dvcqg_records", c.payload})});
    ASSERT_FALSE(out[0].ok()) << c.payload;
    EXPECT_EQ(out[0].error().kind, c.kind) << c.payload;
    EXPECT_NE(out[0].error().message.find(c.says), std::string::npos) << out[0].error().message;
  }
  EXPECT_EQ(stats()["progress_records"].GetInt(), 0);
}

TEST_F(DvcqgAdapterTest, QueuedRecordsAreReadAsADocumentWouldReadThem) {
  start();
  auto e = event("D1", 1, 2);
  auto p = target_->prepare(e, model::to_json_string(e)).value();
  auto doc = json::parse(p.payload).value();
  std::string dossier_text = json::to_string(doc["dossier"]), progress = json::to_string(doc["progress"]);
  // Whitespace, an escaped key, members in another order and a repeated key (the first
  // counts) in an edited message.
  std::string payload = "{ \"progr\\u0065ss\" : " + progress + " ,\n \"dossier\":\t" + dossier_text +
                        R"(, "MaHoSo": "D1", "sequence": 1, "extra": {"sequence": 9, "progress": [1]},)" +
                        R"( "dossier": {"junk": true}, "sequence": 5})";
  auto out = target_->deliver({prepared_message({"dvcqg_records", payload})});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  auto d = dossier("D1");
  EXPECT_EQ(d["TrangThaiHoSo"].GetInt(), 2);
  EXPECT_EQ(stats()["progress_records"].GetInt(), 1);
}

TEST_F(DvcqgAdapterTest, SyncFlowPreparationLeavesTheSingleEventPayloadToCombine) {
  start();
  auto e = event("D1", 1, 2);
  std::string canonical = model::to_json_string(e);
  auto full = target_->prepare(e, canonical).value();
  ASSERT_GT(target_->max_events_per_message(), 1u);
  auto lean = target_->prepare_from(e, canonical, model::to_json(e)).value();
  EXPECT_TRUE(lean.payload.empty());
  auto one = target_->combine("D1", {lean});
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->payload, full.payload) << "one event travels in prepare()'s form";
  EXPECT_EQ(target_->combine("D1", {full})->payload, full.payload);
  auto out = target_->deliver({prepared_message(*one)});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(stats()["progress_records"].GetInt(), 1);
}

// ---- Contract: docs/contracts/dvcqg.md. Golden requests are written from that page; the
// adapter must produce them and the simulator must accept them.

namespace contract {

std::string golden_path(const std::string& name) {
  return std::string(LIENTHONG_SOURCE_DIR) + "/tests/adapters/dvcqg/golden/" + name;
}

rapidjson::Document golden(const std::string& name) {
  auto doc = json::parse_file(golden_path(name));
  EXPECT_TRUE(doc.ok()) << name << ": " << (doc.ok() ? "" : doc.error().message);
  return doc.ok() ? std::move(doc).value() : rapidjson::Document();
}

// A dossier with every canonical field filled: the golden requests' source.
model::DossierStatusEvent full_event(int seq, int status) {
  auto e = event("000.00.20.H56-241001-0001", seq, status);
  e.field_code = "G09";
  e.department = "Bộ phận một cửa";
  e.officer_title = "Chuyên viên";
  e.online_payment = true;
  e.digitised = true;
  e.fees.push_back({"LP01", "Lệ phí cấp bản sao", 8000});
  e.documents.push_back({"TP01", "Tờ khai", "https://motcua.example.gov.vn/files/TP01.pdf"});
  e.results.push_back({"KQ01", "Bản sao trích lục", "https://motcua.example.gov.vn/files/KQ01.pdf"});
  e.agency_code = "000.00.20.H56";
  return e;
}

}  // namespace contract

TEST_F(DvcqgAdapterTest, EveryRequestIsTheGoldenExampleOfTheContract) {
  start();
  auto first = contract::full_event(1, 2);
  ASSERT_TRUE(target_->deliver({message(first)})[0].ok());
  auto later = contract::full_event(2, 4);
  auto out = target_->deliver({message(later, 2)});  // a retry: looked up first
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  auto auth = sent("", "/auth");
  ASSERT_FALSE(auth.empty());
  EXPECT_TRUE(auth[0] == contract::golden("auth_request.json")) << json::to_string(auth[0]);
  auto sync = sent("DongBoHoSoMC");
  ASSERT_EQ(sync.size(), 2u);
  EXPECT_TRUE(sync[0] == contract::golden("dongbohosomc_create_request.json")) << json::to_string(sync[0]);
  EXPECT_TRUE(sync[1] == contract::golden("dongbohosomc_update_request.json")) << json::to_string(sync[1]);
  auto progress = sent("CapNhatTienDoHoSoMC");
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_TRUE(progress[0] == contract::golden("capnhattiendohosomc_request.json"))
      << json::to_string(progress[0]);
  auto lookup = sent("TraCuuHoSo");
  ASSERT_EQ(lookup.size(), 1u);
  EXPECT_TRUE(lookup[0] == contract::golden("tracuuhoso_request.json")) << json::to_string(lookup[0]);
}

TEST_F(DvcqgAdapterTest, TheSimulatorAcceptsEveryGoldenRequestAndAnswersAsThePublicClientsRead) {
  start();
  auto post = [this](const std::string& path, const rapidjson::Value& body) {
    sim::SimRequest r;
    r.method = "POST";
    r.path = path;
    r.body = json::to_string(body);
    return json::parse(portal_->handle(r).body).value();
  };
  auto a = post("/auth", contract::golden("auth_request.json"));
  ASSERT_STREQ(a["session"].GetString(), "sess-1");  // the goldens carry the first session
  auto c = post("/integration", contract::golden("dongbohosomc_create_request.json"));
  EXPECT_STREQ(c["error_code"].GetString(), "0") << json::to_string(c);
  auto again = post("/integration", contract::golden("dongbohosomc_create_request.json"));
  EXPECT_STREQ(again["error_code"].GetString(), "3");
  EXPECT_NE(std::string(again["message"].GetString()).find("đã tồn tại"), std::string::npos);
  auto p = post("/integration", contract::golden("capnhattiendohosomc_request.json"));
  EXPECT_STREQ(p["error_code"].GetString(), "0") << json::to_string(p);
  auto u = post("/integration", contract::golden("dongbohosomc_update_request.json"));
  EXPECT_STREQ(u["error_code"].GetString(), "0") << json::to_string(u);
  auto l = post("/integration", contract::golden("tracuuhoso_request.json"));
  EXPECT_STREQ(l["error_code"].GetString(), "0");
  ASSERT_TRUE(l["result"].IsArray());
  ASSERT_EQ(l["result"].Size(), 1u);
  EXPECT_STREQ(l["result"][0]["MaHoSo"].GetString(), "000.00.20.H56-241001-0001");
  EXPECT_EQ(l["result"][0]["DanhSachTienDo"].Size(), 1u);
}

// Issue #25, point 1: the portal's scalars are strings.
TEST_F(DvcqgAdapterTest, SimulatorRefusesANumericScalarAnywhereInARecord) {
  start();
  sim::SimRequest auth;
  auth.method = "POST";
  auth.path = "/auth";
  auth.body = R"({"username":"lienthong","password":"sim-password"})";
  portal_->handle(auth);
  for (const char* pointer : {"LoaiDoiTuong", "TrangThaiHoSo", "HinhThuc", "Gia"}) {
    auto body = contract::golden("dongbohosomc_create_request.json");
    auto& rec = body["data"][0];
    if (std::string(pointer) == "Gia")
      rec["DanhSachLePhi"][0]["Gia"].SetInt(8000);
    else
      rec[pointer].SetInt(std::atoi(rec[pointer].GetString()));
    sim::SimRequest r;
    r.method = "POST";
    r.path = "/integration";
    r.body = json::to_string(body);
    auto ans = json::parse(portal_->handle(r).body).value();
    EXPECT_STREQ(ans["error_code"].GetString(), "1003") << pointer;
    EXPECT_NE(std::string(ans["message"].GetString()).find(pointer), std::string::npos) << pointer;
  }
  EXPECT_EQ(stats()["dossiers"].GetInt(), 0);
}

// Point 2: isUpdating is "True"/"False" on DongBoHoSoMC only.
TEST_F(DvcqgAdapterTest, IsUpdatingIsTheStringTrueOrFalseOnDongBoHoSoMCOnly) {
  start();
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 1))})[0].ok());
  ASSERT_TRUE(target_->deliver({message(event("D1", 2, 2))})[0].ok());
  auto sync = sent("DongBoHoSoMC");
  ASSERT_EQ(sync.size(), 2u);
  ASSERT_TRUE(sync[0]["isUpdating"].IsString());
  EXPECT_STREQ(sync[0]["isUpdating"].GetString(), "False");
  EXPECT_STREQ(sync[1]["isUpdating"].GetString(), "True");
  for (auto& p : sent("CapNhatTienDoHoSoMC")) EXPECT_FALSE(p.HasMember("isUpdating"));
  // A JSON boolean is refused by the portal, not read as false.
  auto body = contract::golden("dongbohosomc_update_request.json");
  body["isUpdating"].SetBool(true);
  body["session"].SetString("sess-1");
  sim::SimRequest r;
  r.method = "POST";
  r.path = "/integration";
  r.body = json::to_string(body);
  auto ans = json::parse(portal_->handle(r).body).value();
  EXPECT_STREQ(ans["error_code"].GetString(), "1007");
  EXPECT_EQ(stats()["updated"].GetInt(), 1);
}

// Point 3: keys the public clients always send, in the record and in its items.
TEST_F(DvcqgAdapterTest, SimulatorRefusesARecordWithoutAnAlwaysSentKey) {
  start();
  sim::SimRequest auth;
  auth.method = "POST";
  auth.path = "/auth";
  auth.body = R"({"username":"lienthong","password":"sim-password"})";
  portal_->handle(auth);
  auto send = [this](const rapidjson::Value& body) {
    sim::SimRequest r;
    r.method = "POST";
    r.path = "/integration";
    r.body = json::to_string(body);
    return json::parse(portal_->handle(r).body).value();
  };
  for (const char* key : {"TenLinhVuc", "Email", "SoDienThoai", "TrichYeuHoSo"}) {
    auto body = contract::golden("dongbohosomc_create_request.json");
    body["data"][0].RemoveMember(key);
    auto ans = send(body);
    EXPECT_STREQ(ans["error_code"].GetString(), "1002") << key;
    EXPECT_NE(std::string(ans["message"].GetString()).find(key), std::string::npos) << key;
  }
  for (auto [list, key] :
       std::vector<std::pair<const char*, const char*>>{{"TaiLieuNop", "IsDeleted"},
                                                        {"DanhSachGiayToKetQua", "GiayToId"},
                                                        {"DanhSachLePhi", "LoaiPhiLePhi"}}) {
    auto body = contract::golden("dongbohosomc_create_request.json");
    body["data"][0][list][0].RemoveMember(key);
    auto ans = send(body);
    EXPECT_STREQ(ans["error_code"].GetString(), "1002") << list << "." << key;
  }
  auto progress = contract::golden("capnhattiendohosomc_request.json");
  progress["data"][0].RemoveMember("PhongBanXuLy");
  EXPECT_STREQ(send(progress)["error_code"].GetString(), "1002");
}

// Point 4: DonViXuLy is the agency's name.
TEST_F(DvcqgAdapterTest, DonViXuLyIsTheAgencysNameAndAnUnknownAgencyIsRefusedBeforeSending) {
  start();
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 2))})[0].ok());
  EXPECT_STREQ(sent("DongBoHoSoMC")[0]["data"][0]["DonViXuLy"].GetString(), "Sở Xây dựng (mô phỏng)");
  auto unknown = event("D2", 1, 2);
  unknown.agency_code = "000.00.99.H56";
  auto p = target_->prepare(unknown, model::to_json_string(unknown));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("000.00.99.H56"), std::string::npos);
  EXPECT_NE(p.error().message.find("agency_names"), std::string::npos);
}

// Point 5: TraCuuHoSo sends a top-level mahoso and reads "result"; verify-before-retry
// keeps working on it.
TEST_F(DvcqgAdapterTest, TraCuuHoSoSendsMahosoAndAnEmptyResultMeansNotThere) {
  start();
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 2), 3)})[0].ok());  // retried, portal empty
  auto lookup = sent("TraCuuHoSo");
  ASSERT_EQ(lookup.size(), 1u);
  EXPECT_STREQ(lookup[0]["mahoso"].GetString(), "D1");
  EXPECT_FALSE(lookup[0].HasMember("data"));
  EXPECT_EQ(stats()["created"].GetInt(), 1);
  // Retried again with the answer lost: found in "result", so nothing is sent twice.
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 2), 4)})[0].ok());
  auto st = stats();
  EXPECT_EQ(st["progress_records"].GetInt(), 1);
  EXPECT_EQ(st["duplicates"].GetInt(), 0);
  EXPECT_EQ(st["sync_calls"].GetInt(), 1);
}

// Point 6: codes as the public clients read them.
TEST_F(DvcqgAdapterTest, SuccessIsANumericZeroAsOpenCpsReadsIt) {
  start();
  rewrite_ = [](const sim::SimRequest&, const std::string& body) {
    std::string out = body;
    for (size_t at = out.find("\"error_code\":\"0\""); at != std::string::npos;
         at = out.find("\"error_code\":\"0\"", at + 1))
      out.replace(at, 16, "\"error_code\":\"00\"");
    return out;
  };
  auto out = target_->deliver({message(event("D1", 1, 2))});
  ASSERT_TRUE(out[0].ok()) << out[0].error().message;
  EXPECT_EQ(stats()["progress_records"].GetInt(), 1);
}

TEST_F(DvcqgAdapterTest, AlreadyExistsAsTheDotNetClientReadsItTurnsACreateIntoAnUpdate) {
  start();
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 1))})[0].ok());
  // Another portal answers the create of a known dossier with "0" and "đã tồn tại".
  rewrite_ = [](const sim::SimRequest&, const std::string& body) {
    if (body.find("\"error_code\":\"3\"") == std::string::npos) return body;
    return std::string(R"({"error_code":"0","message":"Hồ sơ đã tồn tại trên hệ thống"})");
  };
  auto again = event("D1", 1, 2);
  again.status_at_ms += 60'000;
  ASSERT_TRUE(target_->deliver({message(again)})[0].ok());
  EXPECT_EQ(stats()["updated"].GetInt(), 1);
  EXPECT_EQ(dossier("D1")["TrangThaiHoSo"].GetInt(), 2);
}

TEST_F(DvcqgAdapterTest, ASessionRefusedWithAConfiguredCodeIsRenewedOnceThenTheCallRetried) {
  sim::DvcqgSimOptions o;
  o.expire_session_after = 1;
  o.session_refused_code = "-1";
  start(o, 100, R"(,"session_refused_codes":["-1"])");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(target_->deliver({message(event("D" + std::to_string(i), 1, 2))})[0].ok());
  auto st = stats();
  EXPECT_GT(st["session_rejections"].GetInt(), 0);
  EXPECT_EQ(st["progress_records"].GetInt(), 3);
}

// Point 7: dstcode header and endpoint paths.
TEST_F(DvcqgAdapterTest, DstcodeHeaderAndConfiguredPathsAreUsed) {
  sim::DvcqgSimOptions o;
  o.auth_path = "/adapter/auth";
  o.integration_path = "/adapter/integration";
  start(
      o, 100,
      R"(,"auth_path":"/adapter/auth","integration_path":"/adapter/integration","dstcode":"VN:GOV:000.00.00.G22")");
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 2))})[0].ok());
  // As OpenCPS's DVCQGIntegrationActionImpl: on the session request and on the data request.
  EXPECT_STREQ(stats()["last_dstcode"].GetString(), "VN:GOV:000.00.00.G22");
  EXPECT_STREQ(stats()["last_auth_dstcode"].GetString(), "VN:GOV:000.00.00.G22");
  EXPECT_EQ(sent("", "/adapter/auth").size(), 1u);
  EXPECT_EQ(sent("DongBoHoSoMC", "/adapter/integration").size(), 1u);
}

// Point 8: where the public clients disagree, a setting.
TEST_F(DvcqgAdapterTest, SettingsSwitchToTheDotNetClientsChoices) {
  start({}, 100,
        R"(,"extended_fields":true,"ghichu":"omit","progress_dates":"blank","status_5_6_8":"resolved")");
  ASSERT_TRUE(target_->deliver({message(event("D1", 1, 2))})[0].ok());
  ASSERT_TRUE(target_->deliver({message(event("D1", 2, 5))})[0].ok());
  auto sync = sent("DongBoHoSoMC");
  ASSERT_EQ(sync.size(), 2u);
  const auto& rec = sync[0]["data"][0];
  EXPECT_STREQ(rec["NoiNopHoSo"].GetString(), "2");
  EXPECT_STREQ(rec["TaiKhoanDuocXacThucVoiVNeID"].GetString(), "0");
  EXPECT_STREQ(rec["NgayNopHoSo"].GetString(), rec["NgayTiepNhan"].GetString());
  ASSERT_EQ(rec["DinhDanhCHS"].Size(), 1u);
  EXPECT_STREQ(rec["DinhDanhCHS"][0]["LoaiDinhDanh"].GetString(), "1");
  EXPECT_TRUE(rec["DSKetNoiCSDL"].IsArray());
  EXPECT_FALSE(rec.HasMember("GhiChu"));
  EXPECT_STREQ(sync[1]["data"][0]["TrangThaiHoSo"].GetString(), "9");  // 5 sent as 9
  auto progress = sent("CapNhatTienDoHoSoMC");
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_STREQ(progress[0]["data"][0]["NgayBatDau"].GetString(), "");
  EXPECT_STREQ(progress[1]["data"][0]["TrangThai"].GetString(), "5");  // the step keeps its status
}

TEST(DvcqgConfigTest, WrongWireSettingsAreRefusedNamingTheKey) {
  const std::string base = R"({"base_url":"http://127.0.0.1:1","username":"u","password":{"env":"HOME"},)"
                           R"("madonvi":"000.00.00.H56",)";
  for (auto [extra, key] : std::vector<std::pair<std::string, std::string>>{
           {R"("donvixuly":"id")", "donvixuly"},
           {R"("auth_path":"auth")", "auth_path"},
           {R"("session_refused_codes":["expired"])", "session_refused_codes"},
           {R"("progress_dates":"none")", "progress_dates"},
           {R"("agency_names":"/nonexistent/names.json")", "agency_names"}}) {
    auto cfg = ConfigFile::from_string(base + extra + "}", LIENTHONG_SOURCE_DIR);
    try {
      validate_config(cfg->root());
      ADD_FAILURE() << extra << ": expected ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
  auto cfg = ConfigFile::from_string(base + R"("dstcode":"X","extended_fields":true,"ghichu":"omit"})",
                                     LIENTHONG_SOURCE_DIR);
  EXPECT_NO_THROW(validate_config(cfg->root()));
}

}  // namespace
}  // namespace lienthong::adapters::dvcqg
