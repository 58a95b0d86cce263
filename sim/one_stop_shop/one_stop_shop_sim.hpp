// Simulated provincial one-stop-shop (Hệ thống thông tin giải quyết TTHC cấp tỉnh), as
// reached through the LGSP with a bearer token:
//   GET /api/v1/dossiers?since=<cursor>&limit=N → {"items":[...],"next_cursor","has_more"}
// keyset-paged on (cap_nhat_luc, ma_ho_so). The data set is generated from a seed:
// Vietnamese names, national procedure codes, agencies at province, district and commune
// level, online / in-person / postal submissions, status histories that follow the
// national state machine, and a known set of invalid records, each with the reason the
// gateway should quarantine it for (GET /__sim/expected). POST /__sim/advance?count=N
// moves N dossiers further along their history, for re-sync tests.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/common/sim_cli.hpp"
#include "sim/common/sim_server.hpp"
#include "sim/token/token_sim.hpp"

namespace lienthong::sim {

struct OneStopShopOptions {
  int64_t dossiers = 200;
  double invalid_share = 0.05;
  uint64_t seed = 1;
  int64_t max_limit = 1000;  // largest page a client may ask for
  std::string calendar_dir;  // year files for the legal due dates (empty: built-in rules)
  // 0: dossiers received from 1 October 2024 on, for ten weeks, each shown up to a drawn
  // point of its history. Otherwise the data set as of this instant: received in the ten
  // weeks before its day, each shown with every status up to it (POST /__sim/advance
  // still moves dossiers on).
  int64_t as_of_ms = 0;
};

class OneStopShopData {
 public:
  explicit OneStopShopData(OneStopShopOptions options);
  ~OneStopShopData();

  // 200 with the page, or 400 for a malformed cursor or limit.
  SimResponse page(const std::string& since, const std::string& limit);
  // Reveals the next step of up to `count` dossiers that have one; returns how many moved.
  int64_t advance(int64_t count);
  // Per dossier: the national status codes the portal should end with, and for invalid
  // ones the event that must be quarantined and a substring of the reason.
  std::string expected_json() const;
  std::string stats_json() const;
  int64_t revealed_events() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Routes of the one-stop-shop API (bearer tokens checked against `tokens`).
SimHandler one_stop_shop_handler(OneStopShopData& data, TokenAuthority& tokens);

class SimArgs;
OneStopShopOptions one_stop_shop_options_from(const SimArgs& args);
// The one-stop-shop options (one_stop_shop_options_from reads them).
const std::vector<SimOption>& one_stop_shop_sim_options();

// `lienthong-sim one-stop-shop`: the API and its LGSP token endpoint (two ports).
int run_one_stop_shop_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
