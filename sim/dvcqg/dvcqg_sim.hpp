// Simulated National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG) dossier
// synchronisation API:
// the contract of docs/contracts/dvcqg.md, strictly:
//   POST /auth         {"username","password"} → {"session","error_code":0}
//   POST /integration  {"session","madonvi","service",...}
//     DongBoHoSoMC {"isUpdating":"True"|"False","data":[dossier records]},
//     CapNhatTienDoHoSoMC {"data":[progress records]} → {"error_code","message","data":[per record]};
//     TraCuuHoSo {"mahoso"} → {"error_code","message","result":[dossiers found]}
// Records with a number or boolean scalar, or without a key the public clients always
// send, are refused; "0" is success and "3" "Hồ sơ đã tồn tại" a create of a known dossier.
// Every accepted record is kept with its per-dossier history, for tests and the demo:
//   GET /__sim/stats, GET /__sim/dossiers, GET /__sim/dossiers/{MaHoSo}.
// --expire-session-after N ends every session after each N integration calls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/common/sim_cli.hpp"
#include "sim/common/sim_server.hpp"

namespace lienthong::sim {

struct DvcqgSimOptions {
  std::string username = "lienthong";
  std::string password = "sim-password";
  int64_t expire_session_after = 0;  // integration calls; 0: sessions never expire
  size_t max_records_per_call = 1000;
  std::string auth_path = "/auth", integration_path = "/integration";
  // Codes no public source shows (docs/contracts/dvcqg.md): this simulator's own.
  std::string session_refused_code = "1001";
  std::string not_found_code = "1005";
};

class DvcqgPortal {
 public:
  explicit DvcqgPortal(DvcqgSimOptions options);
  ~DvcqgPortal();
  SimResponse handle(const SimRequest& request);
  std::string stats_json() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class SimArgs;
DvcqgSimOptions dvcqg_options_from(const SimArgs& args);
// The DVCQG options (dvcqg_options_from reads them).
const std::vector<SimOption>& dvcqg_sim_options();

// `lienthong-sim dvcqg`.
int run_dvcqg_sim(const std::vector<std::string>& args);

}  // namespace lienthong::sim
