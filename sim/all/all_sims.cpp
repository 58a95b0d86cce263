// `lienthong-sim all`: the first flow's upstream systems in one process — the provincial
// one-stop-shop API, its LGSP token endpoint and DVCQG — each on its own free port, with
// the same fault options (the token endpoint and the API share one token registry).
#include <iostream>

#include "sim/common/sim_cli.hpp"
#include "sim/dvcqg/dvcqg_sim.hpp"
#include "sim/one_stop_shop/one_stop_shop_sim.hpp"
#include "sim/token/token_sim.hpp"

namespace lienthong::sim {

int run_all_sims(const std::vector<std::string>& argv) {
  SimSpec spec{"all",
               "Starts one-stop-shop, token and dvcqg on free ports and prints them as one JSON line.",
               "",
               {},
               true};
  for (auto* options : {&one_stop_shop_sim_options(), &token_sim_options(), &dvcqg_sim_options()})
    for (auto& o : *options) spec.options.push_back(o);
  auto parsed = parse_sim_args(spec, argv);
  if (!parsed) return 0;
  const SimArgs& args = *parsed;
  OneStopShopData data(one_stop_shop_options_from(args));
  TokenAuthority tokens(token_options_from(args));
  DvcqgPortal portal(dvcqg_options_from(args));
  // Different fault streams per server, all derived from --seed.
  Faults f = args.faults();
  Faults f_token = f, f_api = f, f_portal = f;
  f_api.seed += 1;
  f_portal.seed += 2;
  SimServer token_server("token", f_token, token_handler(tokens));
  SimServer api("one-stop-shop", f_api, one_stop_shop_handler(data, tokens));
  SimServer dvcqg("dvcqg", f_portal, [&portal](const SimRequest& r) { return portal.handle(r); });
  uint16_t tp = token_server.start();
  uint16_t ap = api.start();
  uint16_t dp = dvcqg.start();
  print_ready("{\"sim\":\"all\",\"one_stop_shop_port\":" + std::to_string(ap) +
              ",\"token_port\":" + std::to_string(tp) + ",\"dvcqg_port\":" + std::to_string(dp) + "}");
  wait_for_shutdown_signal();
  dvcqg.stop();
  api.stop();
  token_server.stop();
  return 0;
}

}  // namespace lienthong::sim
