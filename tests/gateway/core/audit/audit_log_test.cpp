#include "gateway/core/audit/audit_log.hpp"

#include <gtest/gtest.h>

#include "gateway/core/audit/digest.hpp"

namespace lienthong::audit {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({":memory:"})).value();
    ASSERT_TRUE(db_->migrate(AuditLog::migrations()).ok());
    log_ = std::make_unique<AuditLog>(*db_);
  }

  void append_n(int n, int64_t start_ms = 1'764'000'000'000) {
    for (int i = 0; i < n; ++i) {
      AuditEntry e;
      e.at_ms = start_ms + i * 3'600'000LL;  // one an hour
      e.lookup_id = "id" + std::to_string(i);
      e.account = "motcua-hanoi";
      e.official = "CB-0001";
      e.agency = "000.00.15.H26";
      e.purpose = "residence_check";
      e.dossier_code = "H26-" + std::to_string(i);
      e.result = i % 3 == 0 ? "found" : "not_found";
      e.subject = Pseudonymiser("k").personal_id("00109001234" + std::to_string(i % 10));
      ASSERT_TRUE(log_->append(e).ok());
    }
  }
  VerifyReport verify() { return std::move(log_->verify()).value(); }
  void exec(const std::string& sql) { ASSERT_TRUE(db_->exec(sql).ok()) << sql; }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AppendLinksEachEntryToThePreviousOne) {
  append_n(3);
  auto all = std::move(log_->all()).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].prev_hash, kGenesisHash);
  EXPECT_EQ(all[1].prev_hash, all[0].entry_hash);
  EXPECT_EQ(all[2].prev_hash, all[1].entry_hash);
  EXPECT_EQ(all[2].entry_hash, compute_entry_hash(all[2]));
  auto r = verify();
  EXPECT_TRUE(r.intact);
  EXPECT_EQ(r.entries, 3);
  EXPECT_EQ(r.head_seq, 3);
  EXPECT_EQ(r.head_hash, all[2].entry_hash);
}

TEST_F(AuditLogTest, EmptyLogVerifies) {
  auto r = verify();
  EXPECT_TRUE(r.intact);
  EXPECT_EQ(r.entries, 0);
}

TEST_F(AuditLogTest, EditedEntryIsNamed) {
  append_n(5);
  exec("UPDATE citizen_audit SET result = 'found' WHERE seq = 3");  // was not_found
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 3);
  EXPECT_EQ(r.problem, "edited");
  EXPECT_EQ(r.entries, 2);
}

TEST_F(AuditLogTest, EditedAndRehashedEntryBreaksTheNextLink) {
  append_n(5);
  auto all = std::move(log_->all()).value();
  AuditEntry e = all[2];
  e.dossier_code = "H26-forged";
  std::string rehash = compute_entry_hash(e);
  ASSERT_TRUE(db_->exec("UPDATE citizen_audit SET dossier_code = ?, entry_hash = ? WHERE seq = 3",
                        {e.dossier_code, rehash})
                  .ok());
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 4);
  EXPECT_EQ(r.problem, "deleted");
  EXPECT_NE(r.detail.find("edited and re-hashed"), std::string::npos);
}

TEST_F(AuditLogTest, DeletedEntryIsNamedAsAGap) {
  append_n(5);
  exec("DELETE FROM citizen_audit WHERE seq = 2");
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 3);
  EXPECT_EQ(r.problem, "deleted");
  EXPECT_NE(r.detail.find("entries 2..2"), std::string::npos) << r.detail;
}

TEST_F(AuditLogTest, DeletedFirstEntryIsDetected) {
  append_n(3);
  exec("DELETE FROM citizen_audit WHERE seq = 1");
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 2);
  EXPECT_EQ(r.problem, "deleted");
}

TEST_F(AuditLogTest, DeletedAndRenumberedEntriesAreDetected) {
  append_n(5);
  exec("DELETE FROM citizen_audit WHERE seq = 2");
  exec("UPDATE citizen_audit SET seq = seq - 1 WHERE seq > 2");
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 2);
}

TEST_F(AuditLogTest, ReorderedEntriesAreNamed) {
  append_n(5);
  // Swap entries 3 and 4 by exchanging their sequence numbers.
  exec("UPDATE citizen_audit SET seq = 100 WHERE seq = 3");
  exec("UPDATE citizen_audit SET seq = 3 WHERE seq = 4");
  exec("UPDATE citizen_audit SET seq = 4 WHERE seq = 100");
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 3);
  EXPECT_EQ(r.problem, "reordered");
  EXPECT_NE(r.detail.find("hash of entry 4"), std::string::npos) << r.detail;
}

TEST_F(AuditLogTest, RangeSelectsByTimeAndAnExportedSegmentVerifiesOnItsOwn) {
  append_n(6);
  auto all = std::move(log_->all()).value();
  auto seg = std::move(log_->range(all[2].at_ms, all[4].at_ms + 1)).value();
  ASSERT_EQ(seg.size(), 3u);
  EXPECT_EQ(seg[0].seq, 3);
  EXPECT_TRUE(verify_chain(seg, false).intact);
  EXPECT_FALSE(verify_chain(seg, true).intact);  // not the whole log

  // Round trip through the JSON-lines export.
  std::vector<AuditEntry> back;
  for (auto& e : seg) {
    std::string line = to_json_line(e);
    auto parsed = from_json_line(line);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(*parsed, e);
    back.push_back(*parsed);
  }
  back[1].result = "mismatch";
  auto r = verify_chain(back, false);
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 4);
}

TEST_F(AuditLogTest, CsvExportQuotesFieldsAndCarriesTheHashes) {
  AuditEntry e;
  e.at_ms = 1'764'000'000'000;
  e.account = "a";
  e.detail = "personal_id: digits 5-6 do not match, \"quoted\"";
  e.result = "refused_bad_number";
  ASSERT_TRUE(log_->append(e).ok());
  auto row = to_csv_row(std::move(log_->all()).value().at(0));
  EXPECT_NE(row.find("\"personal_id: digits 5-6 do not match, \"\"quoted\"\"\""), std::string::npos) << row;
  EXPECT_NE(row.find(kGenesisHash), std::string::npos);
  EXPECT_EQ(csv_header().substr(0, 4), "seq,");
}

TEST_F(AuditLogTest, CsvExportGuardsFieldsASpreadsheetWouldRunAsFormulas) {
  AuditEntry e;
  e.at_ms = 1'764'000'000'000;
  e.account = "=cmd|' /C calc'!A0";
  e.result = "ok";
  ASSERT_TRUE(log_->append(e).ok());
  auto row = to_csv_row(std::move(log_->all()).value().at(0));
  EXPECT_NE(row.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << row;
}

TEST(AuditAnchor, LinesRoundTripAndBadOnesAreRefused) {
  Anchor a{42, std::string(64, 'b'), "2026-11-26T18:00:00+07:00"};
  auto back = parse_anchor_line(anchor_line(a));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->seq, 42);
  EXPECT_EQ(back->hash, a.hash);
  EXPECT_EQ(back->recorded_at, a.recorded_at);
  for (const char* bad : {"", "[]", R"({"seq":0,"hash":"")", R"({"seq":"1","hash":"ab"})",
                          R"({"seq":1,"hash":"zz"})", R"({"seq":-3})"}) {
    EXPECT_FALSE(parse_anchor_line(bad).ok()) << bad;
  }
  std::string short_hash = R"({"seq":1,"hash":")" + std::string(63, 'a') + R"("})";
  EXPECT_FALSE(parse_anchor_line(short_hash).ok());
}

TEST_F(AuditLogTest, RecordedHeadsCatchATruncatedOrRewrittenLog) {
  append_n(6);
  auto all = std::move(log_->all()).value();
  std::vector<Anchor> heads = {{3, all[2].entry_hash, "2026-11-24T18:00:00+07:00"},
                               {6, all[5].entry_hash, "2026-11-25T18:00:00+07:00"}};
  auto report = verify_chain(all, true);
  EXPECT_EQ(check_anchors(all, true, heads, report), 2);
  EXPECT_TRUE(report.intact);

  // The chain alone intact, then checked against the heads.
  auto against_heads = [&](const std::vector<AuditEntry>& entries) {
    auto r = verify_chain(entries, true);
    EXPECT_TRUE(r.intact) << r.detail;
    check_anchors(entries, true, heads, r);
    EXPECT_FALSE(r.intact);
    return r;
  };

  // The newest entries dropped: the recorded head is gone.
  exec("DELETE FROM citizen_audit WHERE seq > 4");
  auto cut = against_heads(std::move(log_->all()).value());
  EXPECT_EQ(cut.problem, "truncated");
  EXPECT_EQ(cut.first_broken_seq, 5);
  EXPECT_NE(cut.detail.find("2026-11-25T18:00:00+07:00"), std::string::npos) << cut.detail;

  // Entry 2 edited and the chain re-hashed from there.
  std::vector<AuditEntry> rewritten = all;
  rewritten[1].purpose = "land_transfer";
  for (size_t i = 1; i < rewritten.size(); ++i) {
    rewritten[i].prev_hash = rewritten[i - 1].entry_hash;
    rewritten[i].entry_hash = compute_entry_hash(rewritten[i]);
  }
  auto redone = against_heads(rewritten);
  EXPECT_EQ(redone.problem, "rewritten");
  EXPECT_EQ(redone.first_broken_seq, 3);

  // An exported segment (entries 4..6) checks the heads inside it and skips the others.
  std::vector<AuditEntry> segment(all.begin() + 3, all.end());
  auto part = verify_chain(segment, false);
  EXPECT_EQ(check_anchors(segment, false, heads, part), 1);
  EXPECT_TRUE(part.intact);
}

TEST(Pseudonymiser, IsKeyedAndStable) {
  Pseudonymiser a("key-a"), b("key-b");
  EXPECT_EQ(a.personal_id("001090012345"), a.personal_id("001090012345"));
  EXPECT_NE(a.personal_id("001090012345"), b.personal_id("001090012345"));
  EXPECT_NE(a.personal_id("001090012345"), a.personal_id("001090012346"));
  EXPECT_NE(a.personal_id("001090012345"), sha256_hex("001090012345"));
  EXPECT_EQ(a.personal_id("001090012345").size(), 64u);
}

TEST(Digest, MatchesKnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_EQ(random_hex(16).size(), 32u);
  EXPECT_NE(random_hex(16), random_hex(16));
}

TEST_F(AuditLogTest, WhoAndFromWhereAreHashedStoredAndExported) {
  append_n(1);  // an entry as written before: format v1, its hash unchanged
  auto before = std::move(log_->all()).value();
  EXPECT_EQ(canonical_form(before[0]).rfind("{\"v\":1,", 0), 0u);
  AuditEntry e;
  e.at_ms = 1'764'000'000'000;
  e.lookup_id = "idw";
  e.account = "motcua-hanoi";
  e.result = "found";
  e.credential = "key:0123456789abcdef";
  e.source = "10.0.0.7";
  e.named_official = "CB-0042";
  ASSERT_TRUE(log_->append(e).ok());
  auto all = std::move(log_->all()).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].credential, "key:0123456789abcdef");
  EXPECT_EQ(all[1].source, "10.0.0.7");
  EXPECT_EQ(all[1].named_official, "CB-0042");
  EXPECT_EQ(canonical_form(all[1]).rfind("{\"v\":2,", 0), 0u);
  EXPECT_NE(canonical_form(all[1]).find("\"source\":\"10.0.0.7\""), std::string::npos);
  EXPECT_TRUE(verify().intact);
  // The export carries them and reads back the same; a v1 line without them still reads.
  auto back = from_json_line(to_json_line(all[1]));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all[1]);
  EXPECT_NE(to_csv_row(all[1]).find(",key:0123456789abcdef,10.0.0.7,CB-0042\r\n"), std::string::npos);
  // Changing where a lookup came from breaks the chain at that entry.
  exec("UPDATE citizen_audit SET source = '10.0.0.8' WHERE seq = 2");
  auto r = verify();
  EXPECT_FALSE(r.intact);
  EXPECT_EQ(r.first_broken_seq, 2);
  EXPECT_EQ(r.problem, "edited");
}

}  // namespace
}  // namespace lienthong::audit
