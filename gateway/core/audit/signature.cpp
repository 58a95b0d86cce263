#include "gateway/core/audit/signature.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"

namespace lienthong::audit {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL reason";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

bool is_hex_of(const std::string& s, size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char ch) {
           return std::isxdigit(static_cast<unsigned char>(ch));
         });
}

}  // namespace

struct SigningKey::Impl {
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
  bool is_private = false;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  unsigned char raw[32];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(impl_->key.get(), raw, &len) == 1) {
    key_id_ = sha256_hex(std::string_view(reinterpret_cast<const char*>(raw), len)).substr(0, 16);
  }
}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

namespace {

Result<SigningKey> load_key(const std::string& path, bool want_private) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return Error(ErrorKind::kConfig, "audit signing key " + path + ": cannot be read");
  auto impl = std::make_unique<SigningKey::Impl>();
  // A private key verifies too; a public key file is what an inspector holds.
  impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  impl->is_private = impl->key != nullptr;
  if (!impl->key && !want_private) {
    ERR_clear_error();
    BIO_reset(bio.get());
    impl->key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  }
  if (!impl->key) {
    return Error(ErrorKind::kConfig, "audit signing key " + path + ": not a PEM " +
                                         (want_private ? "private" : "public or private") + " key (" +
                                         openssl_reason() + ")");
  }
  if (EVP_PKEY_id(impl->key.get()) != EVP_PKEY_ED25519) {
    return Error(
        ErrorKind::kConfig,
        "audit signing key " + path + ": not an Ed25519 key; make one with certs/make-audit-signing-key.sh");
  }
  return SigningKey(std::move(impl));
}

}  // namespace

Result<SigningKey> SigningKey::load_private(const std::string& pem_path) {
  return load_key(pem_path, true);
}
Result<SigningKey> SigningKey::load_public(const std::string& pem_path) {
  return load_key(pem_path, false);
}

Result<std::string> SigningKey::sign(std::string_view message) const {
  if (!impl_->is_private) return Error(ErrorKind::kConfig, "audit signing key: a public key cannot sign");
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return Error(ErrorKind::kInternal, "audit signature failed: " + openssl_reason());
  }
  return to_hex(sig, len);
}

bool SigningKey::verify(std::string_view message, std::string_view signature_hex) const {
  std::string sig;
  if (signature_hex.size() != 128 || !from_hex(signature_hex, sig)) return false;
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

void describe_entries(const std::vector<AuditEntry>& entries, ExportSeal& seal) {
  seal.count = static_cast<int64_t>(entries.size());
  seal.first_seq = entries.empty() ? 0 : entries.front().seq;
  seal.last_seq = entries.empty() ? 0 : entries.back().seq;
  seal.first_prev_hash = entries.empty() ? "" : entries.front().prev_hash;
  seal.last_hash = entries.empty() ? "" : entries.back().entry_hash;
}

std::string seal_message(const ExportSeal& s) {
  return "lienthong-audit-export v1\nfrom=" + s.from_day + "\nto=" + s.to_day +
         "\ncount=" + std::to_string(s.count) + "\nfirst_seq=" + std::to_string(s.first_seq) +
         "\nfirst_prev_hash=" + s.first_prev_hash + "\nlast_seq=" + std::to_string(s.last_seq) +
         "\nlast_hash=" + s.last_hash + "\nlog_head_seq=" + std::to_string(s.log_head_seq) +
         "\nlog_head_hash=" + s.log_head_hash + "\nsigned_at=" + s.signed_at + "\nkey_id=" + s.key_id + "\n";
}

std::string seal_line(const ExportSeal& s) {
  return "{\"seal\":{\"from\":" + q(s.from_day) + ",\"to\":" + q(s.to_day) +
         ",\"count\":" + std::to_string(s.count) + ",\"first_seq\":" + std::to_string(s.first_seq) +
         ",\"first_prev_hash\":" + q(s.first_prev_hash) + ",\"last_seq\":" + std::to_string(s.last_seq) +
         ",\"last_hash\":" + q(s.last_hash) + ",\"log_head_seq\":" + std::to_string(s.log_head_seq) +
         ",\"log_head_hash\":" + q(s.log_head_hash) + ",\"signed_at\":" + q(s.signed_at) +
         ",\"alg\":\"Ed25519\",\"key_id\":" + q(s.key_id) + ",\"sig\":" + q(s.signature) + "}}";
}

bool is_seal_line(std::string_view line) {
  return line.rfind("{\"seal\":", 0) == 0;
}

Result<ExportSeal> parse_seal_line(std::string_view line) {
  LT_ASSIGN_OR_RETURN(rapidjson::Document d, json::parse(line, "audit export seal"));
  if (!d.IsObject() || !d.HasMember("seal") || !d["seal"].IsObject())
    return Error(ErrorKind::kParse, "audit export seal: expected {\"seal\":{...}}");
  const auto& o = d["seal"];
  ExportSeal s;
  auto text = [&](const char* key, std::string& out) -> bool {
    auto v = json::get_string(o, key);
    if (!v) return false;
    out = *v;
    return true;
  };
  auto number = [&](const char* key, int64_t& out) -> bool {
    auto v = json::get_int(o, key);
    if (!v || *v < 0) return false;
    out = *v;
    return true;
  };
  const char* missing = nullptr;
  if (!text("from", s.from_day))
    missing = "from";
  else if (!text("to", s.to_day))
    missing = "to";
  else if (!number("count", s.count))
    missing = "count";
  else if (!number("first_seq", s.first_seq))
    missing = "first_seq";
  else if (!text("first_prev_hash", s.first_prev_hash))
    missing = "first_prev_hash";
  else if (!number("last_seq", s.last_seq))
    missing = "last_seq";
  else if (!text("last_hash", s.last_hash))
    missing = "last_hash";
  else if (!number("log_head_seq", s.log_head_seq))
    missing = "log_head_seq";
  else if (!text("log_head_hash", s.log_head_hash))
    missing = "log_head_hash";
  else if (!text("signed_at", s.signed_at))
    missing = "signed_at";
  else if (!text("key_id", s.key_id))
    missing = "key_id";
  else if (!text("sig", s.signature))
    missing = "sig";
  if (missing) {
    return Error(ErrorKind::kParse,
                 std::string("audit export seal: '") + missing +
                     "' is missing or of the wrong type (a non-negative integer or a string)");
  }
  if (json::get_string(o, "alg").value_or("") != "Ed25519")
    return Error(ErrorKind::kParse, "audit export seal: 'alg' must be \"Ed25519\"");
  if (!is_hex_of(s.signature, 128))
    return Error(ErrorKind::kParse, "audit export seal: 'sig' must be 128 hex digits");
  return s;
}

std::string check_seal(const ExportSeal& seal, const std::vector<AuditEntry>& entries,
                       const SigningKey& key) {
  if (seal.key_id != key.key_id()) {
    return "the export is sealed by key " + seal.key_id + ", not by the public key given (" + key.key_id() +
           ")";
  }
  if (!key.verify(seal_message(seal), seal.signature)) {
    return "the seal's signature does not match its contents: the seal was altered or made without the "
           "gateway's key";
  }
  ExportSeal found;
  describe_entries(entries, found);
  auto differs = [](int64_t sealed, int64_t held, const char* what) {
    return "the seal names " + std::string(what) + " " + std::to_string(sealed) + ", the export holds " +
           std::to_string(held);
  };
  if (found.count != seal.count)
    return differs(seal.count, found.count, "entry count") + ": entries were removed or added";
  if (found.first_seq != seal.first_seq)
    return differs(seal.first_seq, found.first_seq, "first entry") + ": the export was trimmed";
  if (found.last_seq != seal.last_seq)
    return differs(seal.last_seq, found.last_seq, "last entry") + ": the export was trimmed";
  if (found.first_prev_hash != seal.first_prev_hash)
    return "the first entry's prev_hash is not the one sealed: the export does not continue the log";
  if (found.last_hash != seal.last_hash)
    return "the last entry's hash is not the one sealed: entries were replaced";
  return "";
}

std::string anchor_message(const Anchor& a) {
  return "lienthong-audit-head v1\nseq=" + std::to_string(a.seq) + "\nhash=" + a.hash +
         "\nrecorded_at=" + a.recorded_at + "\nkey_id=" + a.key_id + "\n";
}

}  // namespace lienthong::audit
