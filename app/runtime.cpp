#include "gateway/core/runtime/runtime.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "gateway/core/common/log.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/core/server/tls_check.hpp"
#include "gateway/core/store/admin.hpp"
#include "gateway/core/store/schema.hpp"

namespace lienthong::app {

std::string config_path(const Args& args) {
  if (auto c = args.option("config")) return *c;
  if (const char* env = std::getenv("LIENTHONG_CONFIG"); env && *env) return env;
  return "lienthong.json";
}

static void validate_core(const ConfigNode& root) {
  if (auto g = root.optional_object("log")) {
    g->allow_only({"level", "format", "file", "access"});
    (void)g->boolean_or("access", true);
    (void)g->choice("level", {"trace", "debug", "info", "warn", "error", "off"}, "info");
    (void)g->choice("format", {"text", "json"}, "text");
  }
}

namespace {

// Runs one check, adding its ConfigError (or any other error) to `problems`.
template <typename F>
void collect(std::vector<std::string>& problems, const std::string& where, F&& check) {
  try {
    check();
  } catch (const ConfigError& e) {
    problems.emplace_back(e.what());
  } catch (const std::exception& e) {
    problems.push_back(where + ": " + e.what());
  }
}

// A file the process will create or write (the store, the log): writable when it exists;
// otherwise its nearest existing folder must be a writable folder (serve creates the rest).
void check_writable(const std::string& key, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    if (::access(path.c_str(), W_OK) != 0)
      throw ConfigError("config key '" + key + "': " + path + " is not writable by this user");
    return;
  }
  auto folder = std::filesystem::path(path).parent_path();
  while (!folder.empty() && !std::filesystem::exists(folder, ec) && folder != folder.parent_path())
    folder = folder.parent_path();
  if (folder.empty()) folder = ".";
  if (!std::filesystem::is_directory(folder, ec))
    throw ConfigError("config key '" + key + "': " + folder.string() + " (on the way to " + path +
                      ") is not a folder");
  if (::access(folder.c_str(), W_OK) != 0)
    throw ConfigError("config key '" + key + "': the folder " + folder.string() + " (for " + path +
                      ") is not writable by this user");
}

}  // namespace

ConfigProblems find_config_problems(const std::string& file, bool build_components) {
  ConfigProblems out;
  try {
    out.config = ConfigFile::load(file);
  } catch (const ConfigError& e) {
    out.problems.emplace_back(e.what());
    return out;
  }
  auto& problems = out.problems;
  ConfigNode root = out.config->root();
  auto specs = component_specs();
  std::vector<std::string> allowed = {"log", "store", "data_dir"};
  std::set<std::string> seen;
  for (auto& s : specs) {
    if (!seen.insert(s.section).second)
      problems.push_back("two components claim section '" + s.section + "'");
    allowed.push_back(s.section);
  }
  collect(problems, "config", [&] { root.allow_only(allowed); });
  collect(problems, "log", [&] { validate_core(root); });
  bool store_ok = true;
  if (auto st = root.optional_object("store")) {
    size_t before = problems.size();
    collect(problems, "store", [&] { store::check_config(*st); });
    store_ok = problems.size() == before;
  }
  std::set<std::string> bad_sections;
  for (auto& s : specs) {
    auto node = root.optional_object(s.section);
    if (!node) continue;
    size_t before = problems.size();
    collect(problems, s.section, [&] { s.validate(*node); });
    if (problems.size() != before) bad_sections.insert(s.section);
  }
  if (!problems.empty()) return out;  // cross-checks and files need valid sections
  for (auto& s : specs) {
    if (s.cross_check) collect(problems, s.section, [&] { s.cross_check(root); });
  }
  if (!problems.empty()) return out;
  // What serve does next, before it listens: the files it writes, the TLS material.
  if (auto l = root.optional_object("log"); l && l->has("file"))
    collect(problems, "log", [&] { check_writable("log.file", l->file_path("file")); });
  if (store_ok) {
    auto empty = ConfigFile::from_string("{}", ".");
    auto st = root.optional_object("store");
    std::string path = store::sqlite_path(st ? *st : empty->root());
    if (!path.empty()) collect(problems, "store", [&] { check_writable("store.path", path); });
  }
  if (auto srv = root.optional_object("server")) {
    collect(problems, "server", [&] {
      auto o = server::ServerOptions::from_config(*srv);
      for (auto& p : server::check_tls_material(o.tls, srv->key_path("tls"))) problems.push_back(p);
    });
  }
  if (!build_components) return out;
  // Every component built as serve builds it (mapping files, code tables, calendars,
  // procedure catalogue opened and parsed), against a throwaway in-memory store. Not
  // started: no port, no job, no delivery. The webhooks component is left out: building
  // it opens (creates) its intake journal, which serve alone may do.
  Runtime rt;
  rt.config = out.config;
  auto db = store::open_sqlite(store::SqliteOptions{.path = ":memory:"});
  if (!db.ok()) {
    problems.push_back("cannot open an in-memory store for the check: " + db.error().message);
    return out;
  }
  rt.db = std::move(db).value();
  if (auto st = rt.db->migrate(all_migrations()); !st.ok()) {
    problems.push_back("migrations do not apply to an empty store: " + st.error().message);
    return out;
  }
  auto outbox_node = root.optional_object("outbox");
  rt.outbox = std::make_unique<outbox::Outbox>(
      *rt.db, outbox_node ? outbox::Policy::from_config(*outbox_node) : outbox::Policy{}, *rt.clock);
  for (auto& s : specs) {
    if (!s.make || s.section == "webhooks") continue;
    auto node = root.optional_object(s.section);
    if (!node) continue;
    size_t before = problems.size();
    collect(problems, s.section, [&] { (void)s.make(rt, *node); });
    // A component's own errors may not name its section: say which one refused.
    for (size_t i = before; i < problems.size(); ++i) {
      if (problems[i].rfind("config key", 0) != 0)
        problems[i] = "section '" + s.section + "': " + problems[i];
    }
  }
  return out;
}

std::shared_ptr<ConfigFile> check_config(const std::string& file) {
  ConfigProblems found = find_config_problems(file, false);
  if (found.problems.empty()) return found.config;
  std::string message = found.problems[0];
  for (size_t i = 1; i < found.problems.size(); ++i) message += "\n  " + found.problems[i];
  throw ConfigError(message);
}

std::vector<store::Migration> all_migrations() {
  std::vector<store::Migration> all;
  for (auto& s : component_specs()) {
    if (s.migrations) {
      auto m = s.migrations();
      all.insert(all.end(), m.begin(), m.end());
    }
  }
  return all;
}

Runtime open_runtime(const std::string& file, StoreAccess access) {
  Runtime rt;
  rt.config = check_config(file);
  ConfigNode root = rt.config->root();
  log::Options lo;
  if (auto l = root.optional_object("log")) {
    lo.level = l->string_or("level", "info");
    lo.json = l->string_or("format", "text") == "json";
    lo.file = l->file_path_or("file", "");
    lo.access = l->boolean_or("access", true);
  }
  log::init(lo);
  auto store_node = root.optional_object("store");
  auto empty = ConfigFile::from_string("{}", ".");
  ConfigNode store_section = store_node ? *store_node : empty->root();
  rt.db = store::open_from_config(
      store_section, access == StoreAccess::kMigrate ? store::OpenMode::kCreate : store::OpenMode::kExisting);
  std::string name = store::describe(store_section);
  std::vector<store::Migration> all = all_migrations();
  auto status = store::schema_status(*rt.db, all);
  if (!status.ok()) throw ConfigError("cannot read the schema of " + name + ": " + status.error().message);
  if (auto newer = store::refuse_newer(*status, name); !newer.ok()) throw ConfigError(newer.error().message);
  // kExisting works on the store as it is: a command finds the tables it reads, or says
  // which one is missing; `store status` lists what is pending.
  if (int pending = store::pending_count(*status); pending > 0 && access == StoreAccess::kMigrate) {
    if (!store::migrates_automatically(store_section))
      throw ConfigError(
          name + " lacks " + std::to_string(pending) +
          " migration(s) and store.migrate is \"manual\": back it up (`lienthong store backup`), "
          "then run `lienthong store migrate`");
    auto st = rt.db->migrate(all);
    if (!st.ok()) throw ConfigError("store migration failed: " + st.error().message);
  }
  auto outbox_node = root.optional_object("outbox");
  rt.outbox = std::make_unique<outbox::Outbox>(
      *rt.db, outbox_node ? outbox::Policy::from_config(*outbox_node) : outbox::Policy{}, *rt.clock);
  return rt;
}

}  // namespace lienthong::app
