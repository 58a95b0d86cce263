#include "gateway/flows/citizen/accounts.hpp"

#include <stdexcept>

#include "gateway/core/audit/digest.hpp"

namespace lienthong::citizen {

std::string normalise_fingerprint(std::string_view fp) {
  std::string out;
  for (char c : fp) {
    if (c == ':') continue;
    out += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

void AccountDirectory::add(Account account, const std::vector<std::string>& api_key_sha256_hex,
                           const std::vector<std::string>& cert_subjects,
                           const std::vector<std::string>& cert_fingerprints) {
  const std::string id = account.id;
  if (accounts_.count(id)) throw std::invalid_argument("duplicate account id '" + id + "'");
  auto claim = [&](std::map<std::string, std::string>& index, const std::string& key, const char* what) {
    auto [it, fresh] = index.emplace(key, id);
    if (!fresh) {
      throw std::invalid_argument(std::string("account '") + id + "': the same " + what +
                                  " is already given to account '" + it->second + "'");
    }
  };
  for (auto& h : api_key_sha256_hex) claim(by_key_hash_, normalise_fingerprint(h), "API key");
  for (auto& s : cert_subjects) claim(by_subject_, s, "certificate subject");
  for (auto& f : cert_fingerprints)
    claim(by_fingerprint_, normalise_fingerprint(f), "certificate fingerprint");
  accounts_.emplace(id, std::move(account));
}

std::string AccountDirectory::credential_id(const CallerCredentials& c) const {
  const bool cert_known =
      (c.cert_fingerprint && by_fingerprint_.count(normalise_fingerprint(*c.cert_fingerprint))) ||
      (c.cert_subject && by_subject_.count(*c.cert_subject));
  const bool key_known =
      c.api_key && !c.api_key->empty() && by_key_hash_.count(audit::sha256_hex(*c.api_key));
  auto cert = [&] {
    return "cert:" + (c.cert_fingerprint ? normalise_fingerprint(*c.cert_fingerprint) : "?");
  };
  auto key = [&] { return "key:" + audit::sha256_hex(*c.api_key).substr(0, 16); };
  if (cert_known) return cert();
  if (key_known) return key();
  if (c.cert_fingerprint || c.cert_subject) return cert();
  if (c.api_key && !c.api_key->empty()) return key();
  return "";
}

const Account* AccountDirectory::identify(const CallerCredentials& c) const {
  auto find = [&](const std::map<std::string, std::string>& index, const std::string& key) -> const Account* {
    auto it = index.find(key);
    return it == index.end() ? nullptr : by_id(it->second);
  };
  if (c.cert_fingerprint) {
    if (auto* a = find(by_fingerprint_, normalise_fingerprint(*c.cert_fingerprint))) return a;
  }
  if (c.cert_subject) {
    if (auto* a = find(by_subject_, *c.cert_subject)) return a;
  }
  if (c.api_key && !c.api_key->empty()) {
    if (auto* a = find(by_key_hash_, audit::sha256_hex(*c.api_key))) return a;
  }
  return nullptr;
}

const Account* AccountDirectory::by_id(const std::string& id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

}  // namespace lienthong::citizen
