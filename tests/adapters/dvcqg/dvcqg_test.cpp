// The DVCQG adapter against the simulated portal, in process on a loopback port.
#include "adapters/dvcqg/dvcqg.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "gateway/common/json.hpp"
#include "gateway/model/dossier_event.hpp"
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
    server_ = std::make_unique<sim::SimServer>(
        "dvcqg", sim::Faults{}, [this](const sim::SimRequest& r) { return portal_->handle(r); });
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
    EXPECT_EQ(doc["dossier"]["TrangThaiHoSo"].GetInt(), status);
    EXPECT_EQ(doc["progress"]["TrangThai"].GetInt(), status);
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
  EXPECT_EQ(doc["dossier"]["TrangThaiHoSo"].GetInt(), 9);
  ASSERT_EQ(doc["events"].Size(), 4u);
  EXPECT_FALSE(doc["events"][0].HasMember("dossier"));
  EXPECT_EQ(doc["events"][2]["progress"]["TrangThai"].GetInt(), 4);
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
  broken["progress"]["TrangThai"].SetInt(42);
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

}  // namespace
}  // namespace lienthong::adapters::dvcqg
