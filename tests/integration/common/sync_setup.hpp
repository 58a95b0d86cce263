// Shared by the sync integration tests (SQLite and PostgreSQL stores): the simulators of
// `lienthong-sim all`, a gateway config pointed at them, and the portal's own records
// checked against the provincial data set the simulator generated.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/common/process.hpp"

namespace lienthong::testing {

// Outside JSON the tests read (simulator and CLI output); throws when it is not JSON.
rapidjson::Document parse_json(const std::string& s);

class SimAll {
 public:
  // Starts `lienthong-sim all` with `extra` arguments and reads its ports; throws when it
  // does not report them.
  SimAll(const std::vector<std::string>& extra, const std::string& stderr_file);
  ~SimAll();  // SIGTERM, then waits for it

  // GET on a simulator's inspection endpoint; throws unless it answers 200 with JSON.
  rapidjson::Document get(uint16_t port, const std::string& path);

  uint16_t oss_port = 0, token_port = 0, dvcqg_port = 0;

 private:
  Process process_;
};

struct SyncConfig {
  std::string log_file;
  std::string store;     // the "store" section, as JSON
  std::string sections;  // more top-level sections, each followed by a comma
  int page_size = 20;
  int batch_size = 25;
  int lease_ms = 5000;
  int source_timeout_ms = 2000;
  int portal_timeout_ms = 3000;
};

// The gateway's config (secrets from IT_LGSP_SECRET and IT_DVCQG_PASSWORD), written to
// `path`; returns `path`.
std::string write_sync_config(const std::string& path, const SyncConfig& config, const SimAll& sim);

// The portal recorded no duplicate and nothing out of order, and holds for every dossier
// of the provincial data set exactly the statuses it should (none for an invalid one).
// Returns how many valid dossiers the data set has.
int expect_portal_has_source_history(SimAll& sim);

}  // namespace lienthong::testing
