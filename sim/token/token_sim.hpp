// Simulated NGSP/LGSP token endpoint (WSO2-style OAuth2 client credentials):
//   POST /token  grant_type=client_credentials, client id/secret as HTTP Basic or form
//   → {"access_token","token_type":"Bearer","expires_in"}
// Tokens expire after --token-ttl-s; --expire-token-after N revokes every live token after
// each N authorised API calls, so that a gateway sees its token die in the middle of a run.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sim/common/sim_cli.hpp"
#include "sim/common/sim_server.hpp"

namespace lienthong::sim {

struct TokenSimOptions {
  std::string client_id = "lienthong";
  std::string client_secret = "sim-secret";
  int64_t ttl_seconds = 3600;
  int64_t expire_after_calls = 0;  // 0: never revoke
};

struct TokenStats {
  int64_t issued = 0, authorised = 0, rejected = 0, revocations = 0;
};

class TokenAuthority {
 public:
  explicit TokenAuthority(TokenSimOptions options);
  // POST /token.
  SimResponse issue(const SimRequest& request);
  // True when the request carries a live bearer token; counts the call and applies
  // --expire-token-after.
  bool authorise(const SimRequest& request);
  TokenStats stats() const;
  // Revokes every live token (POST /__sim/revoke).
  void revoke_all();

 private:
  TokenSimOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> live_;
  int64_t next_id_ = 1;
  int64_t calls_since_revocation_ = 0;
  TokenStats stats_;
};

std::string token_stats_json(const TokenStats& s);
// Options read from the command line (--client-id, --client-secret, --token-ttl-s,
// --expire-token-after).
class SimArgs;
TokenSimOptions token_options_from(const SimArgs& args);
// The token options (token_options_from reads them).
const std::vector<SimOption>& token_sim_options();

// Serves POST /token, GET /__sim/stats, POST /__sim/revoke.
SimHandler token_handler(TokenAuthority& authority);

// `lienthong-sim token`: the token endpoint alone.
int run_token_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
