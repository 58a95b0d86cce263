#include "app/console/console_config.hpp"

#include <set>

#include "app/console/password.hpp"
#include "gateway/core/common/text.hpp"

namespace lienthong::console {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kApprover:
      return "approver";
  }
  return "viewer";
}

std::string_view role_label(Role r) {
  switch (r) {
    case Role::kViewer:
      return "Người xem";
    case Role::kOperator:
      return "Người vận hành";
    case Role::kApprover:
      return "Người phê duyệt";
  }
  return "Người xem";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "viewer") return Role::kViewer;
  if (s == "operator") return Role::kOperator;
  if (s == "approver") return Role::kApprover;
  return std::nullopt;
}

const ConsoleUser* ConsoleConfig::find(std::string_view name) const {
  for (auto& u : users)
    if (u.name == name) return &u;
  return nullptr;
}

const ConsoleUser* ConsoleConfig::find_by_certificate(std::string_view sha256) const {
  if (sha256.empty()) return nullptr;
  for (auto& u : users)
    if (!u.certificate_sha256.empty() && iequals(u.certificate_sha256, sha256)) return &u;
  return nullptr;
}

bool ConsoleConfig::four_eyes(std::string_view destination) const {
  for (auto& d : four_eyes_destinations)
    if (d == destination) return true;
  return false;
}

ConsoleConfig ConsoleConfig::from_config(const ConfigNode& node) {
  node.allow_only({"users", "idle_timeout_minutes", "login_attempts", "login_window_minutes",
                   "four_eyes_destinations", "refresh_minutes"});
  ConsoleConfig c;
  c.idle_timeout_ms = node.integer_or("idle_timeout_minutes", 15, 1, 24 * 60) * 60'000;
  c.login_attempts = static_cast<int>(node.integer_or("login_attempts", 5, 1, 100));
  c.login_window_ms = node.integer_or("login_window_minutes", 15, 1, 24 * 60) * 60'000;
  c.refresh_ms = node.integer_or("refresh_minutes", 5, 1, 60) * 60'000;
  c.four_eyes_destinations = node.strings_or("four_eyes_destinations", c.four_eyes_destinations);
  std::set<std::string> names;
  for (auto& u : node.array_of_objects("users")) {
    u.allow_only({"name", "role", "password_hash", "certificate_sha256"});
    ConsoleUser user;
    user.name = u.string("name");
    if (user.name.empty() || user.name.size() > 64 ||
        user.name.find_first_of(" \t\r\n<>&\"'") != std::string::npos)
      u.fail("name", "must be 1 to 64 characters without spaces, quotes, < > or &");
    auto role = parse_role(u.string("role"));
    if (!role) u.fail("role", "must be viewer, operator or approver");
    user.role = *role;
    user.password_hash = u.string_or("password_hash", "");
    if (!user.password_hash.empty() && !is_argon2id_hash(user.password_hash))
      u.fail("password_hash",
             "is not an Argon2id hash; make one with `lienthong console hash-password` (password on stdin)");
    user.certificate_sha256 = ascii_lower(u.string_or("certificate_sha256", ""));
    if (!user.certificate_sha256.empty() &&
        (user.certificate_sha256.size() != 64 ||
         user.certificate_sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
      u.fail("certificate_sha256", "must be the 64 hex digits of the client certificate's SHA-256");
    if (user.password_hash.empty() && user.certificate_sha256.empty())
      u.fail("password_hash", "is required unless certificate_sha256 names the user's client certificate");
    if (!names.insert(user.name).second) u.fail("name", "'" + user.name + "' is given twice");
    c.users.push_back(std::move(user));
  }
  if (c.users.empty()) node.fail("users", "needs at least one user (name, role, password_hash)");
  return c;
}

}  // namespace lienthong::console
