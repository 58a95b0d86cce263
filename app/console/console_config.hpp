// The console section: operator accounts and the limits of their sessions.
//   "console": {
//     "users": [{"name": "lan", "role": "approver", "password_hash": "$argon2id$...",
//                "certificate_sha256": "<hex of the client certificate, optional>"}],
//     "idle_timeout_minutes": 15, "login_attempts": 5, "login_window_minutes": 15,
//     "four_eyes_destinations": ["payment_platform", "treasury"], "refresh_minutes": 5
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/config/config.hpp"

namespace lienthong::console {

// viewer reads; operator also replays, discards, retries and releases; approver also
// approves another person's four-eyes request. Each role includes the ones before it.
enum class Role { kViewer = 0, kOperator = 1, kApprover = 2 };
std::string_view to_string(Role r);
std::string_view role_label(Role r);  // Vietnamese, for pages
std::optional<Role> parse_role(std::string_view s);

struct ConsoleUser {
  std::string name;
  Role role = Role::kViewer;
  std::string password_hash;       // Argon2id; empty: certificate login only
  std::string certificate_sha256;  // lower-case hex; empty: password login only
};

struct ConsoleConfig {
  std::vector<ConsoleUser> users;
  int64_t idle_timeout_ms = 15 * 60'000;
  int login_attempts = 5;  // failures per user name and per address within the window
  int64_t login_window_ms = 15 * 60'000;
  // Outbox destinations whose dead letters carry money: replaying one needs an approver.
  std::vector<std::string> four_eyes_destinations = {"payment_platform", "treasury"};
  // How often `serve` recomputes, in the background, what the heavy pages show (the KPI
  // of the current month and its twelve-month trend, the whole audit-chain check); a
  // figure a page shows is at most twice this old.
  int64_t refresh_ms = 5 * 60'000;

  const ConsoleUser* find(std::string_view name) const;
  const ConsoleUser* find_by_certificate(std::string_view sha256) const;
  bool four_eyes(std::string_view destination) const;

  // Throws ConfigError naming the key: unknown keys, a role that is not viewer, operator
  // or approver, a password_hash that is not an Argon2id hash, a user with neither
  // password_hash nor certificate_sha256, a name given twice.
  static ConsoleConfig from_config(const ConfigNode& node);
};

}  // namespace lienthong::console
