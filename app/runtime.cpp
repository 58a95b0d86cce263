#include "gateway/core/runtime/runtime.hpp"

#include <cstdlib>
#include <set>

#include "gateway/core/common/log.hpp"

namespace lienthong::app {

std::string config_path(const Args& args) {
  if (auto c = args.option("config")) return *c;
  if (const char* env = std::getenv("LIENTHONG_CONFIG"); env && *env) return env;
  return "lienthong.json";
}

static void validate_core(const ConfigNode& root) {
  if (auto g = root.optional_object("log")) {
    g->allow_only({"level", "format", "file"});
    (void)g->choice("level", {"trace", "debug", "info", "warn", "error", "off"}, "info");
    (void)g->choice("format", {"text", "json"}, "text");
  }
}

std::shared_ptr<ConfigFile> check_config(const std::string& file) {
  auto cfg = ConfigFile::load(file);
  ConfigNode root = cfg->root();
  auto specs = component_specs();
  std::vector<std::string> allowed = {"log", "store"};
  std::set<std::string> seen;
  for (auto& s : specs) {
    if (!seen.insert(s.section).second) throw ConfigError("two components claim section '" + s.section + "'");
    allowed.push_back(s.section);
  }
  root.allow_only(allowed);
  validate_core(root);
  if (auto st = root.optional_object("store")) store::check_config(*st);
  for (auto& s : specs) {
    if (auto node = root.optional_object(s.section)) s.validate(*node);
  }
  for (auto& s : specs) {
    if (s.cross_check) s.cross_check(root);
  }
  return cfg;
}

Runtime open_runtime(const std::string& file) {
  Runtime rt;
  rt.config = check_config(file);
  ConfigNode root = rt.config->root();
  log::Options lo;
  if (auto l = root.optional_object("log")) {
    lo.level = l->string_or("level", "info");
    lo.json = l->string_or("format", "text") == "json";
    lo.file = l->file_path_or("file", "");
  }
  log::init(lo);
  auto store_node = root.optional_object("store");
  auto empty = ConfigFile::from_string("{}", ".");
  rt.db = store::open_from_config(store_node ? *store_node : empty->root());
  std::vector<store::Migration> all;
  for (auto& s : component_specs()) {
    if (s.migrations) {
      auto m = s.migrations();
      all.insert(all.end(), m.begin(), m.end());
    }
  }
  auto st = rt.db->migrate(all);
  if (!st.ok()) throw ConfigError("store migration failed: " + st.error().message);
  auto outbox_node = root.optional_object("outbox");
  rt.outbox = std::make_unique<outbox::Outbox>(
      *rt.db, outbox_node ? outbox::Policy::from_config(*outbox_node) : outbox::Policy{}, *rt.clock);
  return rt;
}

}  // namespace lienthong::app
