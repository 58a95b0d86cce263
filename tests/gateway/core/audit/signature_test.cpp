// Signed evidence: Ed25519 keys made by certs/make-audit-signing-key.sh, sealed exports
// that refuse trimming and fabrication, signed heads.
#include "gateway/core/audit/signature.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gateway/core/audit/digest.hpp"

namespace lienthong::audit {
namespace {

namespace fs = std::filesystem;

class SignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("lienthong_signature_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    for (const char* who : {"gateway", "forger"}) {
      std::string cmd = std::string(LIENTHONG_SOURCE_DIR "/certs/make-audit-signing-key.sh ") +
                        (dir_ / who).string() + " > /dev/null";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    std::string ec = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                     (dir_ / "ec.key").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(ec.c_str()), 0);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static SigningKey key(const char* who, bool priv = true) {
    auto path = (dir_ / who / (priv ? "audit-signing.key" : "audit-signing.pub")).string();
    auto k = priv ? SigningKey::load_private(path) : SigningKey::load_public(path);
    EXPECT_TRUE(k.ok()) << k.error().message;
    return std::move(k).value();
  }

  // Six chained entries, as the log would hold them.
  static std::vector<AuditEntry> chain() {
    std::vector<AuditEntry> out;
    std::string prev = kGenesisHash;
    for (int i = 1; i <= 6; ++i) {
      AuditEntry e;
      e.seq = i;
      e.at_ms = 1'764'000'000'000 + i;
      e.lookup_id = "id" + std::to_string(i);
      e.account = "motcua-hanoi";
      e.result = "found";
      e.prev_hash = prev;
      e.entry_hash = compute_entry_hash(e);
      prev = e.entry_hash;
      out.push_back(e);
    }
    return out;
  }

  static ExportSeal seal_of(const std::vector<AuditEntry>& entries, const SigningKey& k) {
    ExportSeal s;
    s.from_day = "2025-11-24";
    s.to_day = "2025-11-25";
    describe_entries(entries, s);
    s.log_head_seq = 6;
    s.log_head_hash = chain().back().entry_hash;
    s.signed_at = "2025-11-26T09:00:00+07:00";
    s.key_id = k.key_id();
    s.signature = std::move(k.sign(seal_message(s))).value();
    return s;
  }

  static inline fs::path dir_;
};

TEST_F(SignatureTest, SignsWithThePrivateKeyAndVerifiesWithThePublicOne) {
  auto priv = key("gateway");
  auto pub = key("gateway", false);
  EXPECT_EQ(priv.key_id(), pub.key_id());
  EXPECT_EQ(priv.key_id().size(), 16u);
  auto sig = priv.sign("message");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 128u);
  EXPECT_TRUE(pub.verify("message", *sig));
  EXPECT_FALSE(pub.verify("messagE", *sig));
  EXPECT_FALSE(key("forger", false).verify("message", *sig));
  EXPECT_FALSE(pub.verify("message", sig->substr(0, 126)));
  EXPECT_FALSE(pub.verify("message", std::string(128, 'z')));
  EXPECT_FALSE(pub.sign("message").ok());  // a public key cannot sign
}

TEST_F(SignatureTest, RefusesAKeyThatIsNotEd25519OrNotThere) {
  auto ec = SigningKey::load_private((dir_ / "ec.key").string());
  ASSERT_FALSE(ec.ok());
  EXPECT_NE(ec.error().message.find("not an Ed25519 key"), std::string::npos) << ec.error().message;
  auto missing = SigningKey::load_public((dir_ / "nope.pub").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.pub"), std::string::npos);
  // A public key file is not a private key.
  EXPECT_FALSE(SigningKey::load_private((dir_ / "gateway" / "audit-signing.pub").string()).ok());
}

TEST_F(SignatureTest, ASealedExportChecksOutWithItsSealLine) {
  auto entries = chain();
  std::vector<AuditEntry> segment(entries.begin() + 2, entries.end());
  auto seal = seal_of(segment, key("gateway"));
  auto parsed = parse_seal_line(seal_line(seal));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(seal_message(*parsed), seal_message(seal));
  EXPECT_EQ(check_seal(*parsed, segment, key("gateway", false)), "");
}

TEST_F(SignatureTest, ATrimmedExportIsRefused) {
  auto entries = chain();
  auto seal = seal_of(entries, key("gateway"));
  auto pub = key("gateway", false);
  std::vector<AuditEntry> no_last(entries.begin(), entries.end() - 1);
  EXPECT_NE(check_seal(seal, no_last, pub).find("entries were removed"), std::string::npos);
  std::vector<AuditEntry> no_first(entries.begin() + 1, entries.end());
  EXPECT_NE(check_seal(seal, no_first, pub), "");
  // Trimming the seal's count along with the entries breaks the signature.
  auto edited = seal;
  edited.count = 5;
  edited.last_seq = 5;
  edited.last_hash = entries[4].entry_hash;
  EXPECT_NE(check_seal(edited, no_last, pub).find("signature does not match"), std::string::npos);
}

TEST_F(SignatureTest, AFabricatedExportIsRefused) {
  auto pub = key("gateway", false);
  // Entries made up from scratch, sealed with another key.
  auto fake = chain();
  fake[0].result = "not_found";
  std::string prev = "1111111111111111111111111111111111111111111111111111111111111111";
  for (auto& e : fake) {
    e.prev_hash = prev;
    e.entry_hash = compute_entry_hash(e);
    prev = e.entry_hash;
  }
  auto forged = seal_of(fake, key("forger"));
  EXPECT_NE(check_seal(forged, fake, pub).find("not by the public key given"), std::string::npos);
  forged.key_id = pub.key_id();  // claiming the gateway's key id does not help
  EXPECT_NE(check_seal(forged, fake, pub).find("signature does not match"), std::string::npos);
  // The genuine seal on made-up entries of the same count and numbers.
  auto genuine = seal_of(chain(), key("gateway"));
  EXPECT_NE(check_seal(genuine, fake, pub), "");
}

TEST_F(SignatureTest, SealLinesWithMissingOrWrongMembersAreRefusedNamingTheMember) {
  auto seal = seal_of(chain(), key("gateway"));
  std::string line = seal_line(seal);
  EXPECT_TRUE(is_seal_line(line));
  std::string renamed = line;
  renamed.replace(renamed.find("\"last_seq\""), 10, "\"last_sez\"");
  auto r = parse_seal_line(renamed);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'last_seq'"), std::string::npos) << r.error().message;
  EXPECT_FALSE(parse_seal_line("{\"seal\":[]}").ok());
  EXPECT_FALSE(parse_seal_line("{\"seq\":1}").ok());
  std::string short_sig = line;
  short_sig.replace(short_sig.find("\"sig\":\"") + 7, 2, "");
  EXPECT_FALSE(parse_seal_line(short_sig).ok());
}

TEST_F(SignatureTest, ASignedHeadSurvivesItsLineAndAnEditBreaksIt) {
  auto priv = key("gateway");
  Anchor a{42, chain().back().entry_hash, "2025-11-26T09:00:00+07:00", priv.key_id(), ""};
  a.signature = std::move(priv.sign(anchor_message(a))).value();
  auto back = parse_anchor_line(anchor_line(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key_id, a.key_id);
  auto pub = key("gateway", false);
  EXPECT_TRUE(pub.verify(anchor_message(*back), back->signature));
  back->seq = 41;
  EXPECT_FALSE(pub.verify(anchor_message(*back), back->signature));
}

}  // namespace
}  // namespace lienthong::audit
