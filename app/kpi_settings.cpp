#include "app/kpi_settings.hpp"

#include <filesystem>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/kpi/due_audit.hpp"
#include "gateway/flows/kpi/kpi_query.hpp"
#include "gateway/flows/kpi/late_register.hpp"

namespace lienthong::app {

namespace {
calendar::CalendarSettings read_calendar(const ConfigNode& section) {
  auto s = calendar::read_calendar_settings(section);
  // Not configured: the conventional directory when it exists, else the statutory rules only.
  if (!section.has("calendar_dir")) {
    std::error_code ec;
    std::string conventional = section.resolve_path("mappings/calendar");
    s.calendar_dir = std::filesystem::is_directory(conventional, ec) ? conventional : "";
  }
  return s;
}

KpiSettings read_kpi(const ConfigNode& section) {
  section.allow_only({"procedures", "targets", "on_time_target", "acknowledge_within_working_hours",
                      "at_risk_working_hours"});
  KpiSettings s;
  s.procedures_path = section.file_path_or("procedures", "");
  if (!section.has("procedures")) {
    std::error_code ec;
    std::string conventional = section.resolve_path("mappings/procedures.json");
    if (std::filesystem::exists(conventional, ec)) s.procedures_path = conventional;
  }
  s.targets_path = section.file_path_or("targets", "");
  if (!section.has("targets")) {
    std::error_code ec;
    std::string conventional = section.resolve_path("mappings/kpi_targets.json");
    if (std::filesystem::exists(conventional, ec)) s.targets_path = conventional;
  }
  s.on_time_target = section.number_or("on_time_target", 0.95, 0.0, 1.0);
  s.acknowledge_within_working_hours =
      static_cast<int>(section.integer_or("acknowledge_within_working_hours", 8, 1, 1000));
  s.at_risk_working_hours = static_cast<int>(section.integer_or("at_risk_working_hours", 8, 0, 1000));
  return s;
}

// An empty object standing in for an absent section, with the config's directory as base.
ConfigNode section_or_empty(const ConfigNode& root, const char* name) {
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  if (auto n = root.optional_object(name)) return *n;
  return ConfigNode(&kEmpty, name, root.resolve_path("."));
}
}  // namespace

calendar::CalendarSettings calendar_settings(const ConfigNode& root) {
  return read_calendar(section_or_empty(root, "calendar"));
}

// codes.dir when the codes section is configured (same key and default as `lienthong
// codes`), else the conventional directory when it exists.
static std::string codes_dir_of(const ConfigNode& root) {
  if (auto section = root.optional_object("codes")) return section->file_path_or("dir", "mappings/codes");
  std::error_code ec;
  std::string conventional = root.resolve_path("mappings/codes");
  return std::filesystem::is_directory(conventional, ec) ? conventional : "";
}

KpiSettings kpi_settings(const ConfigNode& root) {
  KpiSettings s = read_kpi(section_or_empty(root, "kpi"));
  s.codes_dir = codes_dir_of(root);
  return s;
}

std::shared_ptr<const codes::CodeTables> load_kpi_code_tables(const KpiSettings& settings) {
  if (settings.codes_dir.empty()) return nullptr;
  auto t = codes::CodeTables::load_dir(settings.codes_dir);
  if (!t.ok()) throw ConfigError("kpi: the code tables (codes.dir) do not load: " + t.error().message);
  return std::make_shared<const codes::CodeTables>(std::move(*t));
}

std::shared_ptr<const kpi::KpiTargets> load_kpi_targets(const KpiSettings& settings) {
  if (settings.targets_path.empty()) return nullptr;
  auto t = kpi::KpiTargets::load(settings.targets_path);
  if (!t.ok()) throw ConfigError("kpi.targets: " + t.error().message);
  return std::make_shared<const kpi::KpiTargets>(std::move(*t));
}

ComponentSpec calendar_component_spec() {
  ComponentSpec s;
  s.section = "calendar";
  s.validate = [](const ConfigNode& n) { (void)read_calendar(n); };
  // The calendar is built by the components that use it; building it here as well (the
  // year files read and parsed) makes serve and `config check` refuse a missing or broken
  // calendar_dir even when no component that uses it is configured. Nothing to run.
  s.make = [](Runtime&, const ConfigNode& n) -> std::unique_ptr<Component> {
    auto calculator = calendar::make_calculator(read_calendar(n));
    if (!calculator.ok())
      throw ConfigError("config key '" + n.key_path("calendar_dir") + "': " + calculator.error().message);
    return nullptr;
  };
  return s;
}

namespace {
class KpiComponent final : public Component {
 public:
  KpiComponent(store::Database& db, procedures::ProcedureCatalogue catalogue, kpi::KpiOptions options,
               std::shared_ptr<const codes::CodeTables> tables,
               std::shared_ptr<const kpi::KpiTargets> targets, const Clock& clock)
      : db_(db),
        catalogue_(std::move(catalogue)),
        options_(options),
        tables_(std::move(tables)),
        targets_(std::move(targets)),
        clock_(clock) {
    options_.code_tables = tables_.get();
    options_.targets = targets_.get();
  }

  // An operator's API (dashboards, reports): on the admin listener, not the public one.
  void register_admin_routes(server::HttpServer& server) override {
    server.route("GET", "/v1/kpi", [this](server::Request& req) {
      kpi::KpiOptions o = options_;
      auto t = vn_time::to_vietnam(clock_.now_ms());
      o.as_of_day = vn_time::days_from_civil(t.year, t.month, t.day);
      auto a = kpi::answer_kpi_query(db_, catalogue_, req.query, o);
      return server::Response::text(a.status, std::move(a.body), a.content_type);
    });
  }

 private:
  store::Database& db_;
  const procedures::ProcedureCatalogue catalogue_;
  kpi::KpiOptions options_;
  std::shared_ptr<const codes::CodeTables> tables_;
  std::shared_ptr<const kpi::KpiTargets> targets_;
  const Clock& clock_;
};
}  // namespace

std::unique_ptr<Component> make_kpi_component(store::Database& db, const KpiSettings& settings,
                                              const Clock& clock) {
  procedures::ProcedureCatalogue catalogue;
  if (!settings.procedures_path.empty()) {
    auto loaded = procedures::ProcedureCatalogue::load(settings.procedures_path);
    if (!loaded.ok()) throw ConfigError(loaded.error().message);
    catalogue = std::move(*loaded);
  }
  kpi::KpiOptions options;
  options.on_time_target = settings.on_time_target;
  return std::make_unique<KpiComponent>(db, std::move(catalogue), options, load_kpi_code_tables(settings),
                                        load_kpi_targets(settings), clock);
}

ComponentSpec kpi_component_spec() {
  ComponentSpec s;
  s.section = "kpi";
  s.validate = [](const ConfigNode& n) { (void)read_kpi(n); };
  s.migrations = [] {
    auto m = dossiers::DossierStore::migrations();
    auto l = kpi::LateRegister::migrations();
    auto d = kpi::DueAuditLog::migrations();
    m.insert(m.end(), l.begin(), l.end());
    m.insert(m.end(), d.begin(), d.end());
    return m;
  };
  s.make = [](Runtime& rt, const ConfigNode& n) {
    KpiSettings settings = read_kpi(n);
    settings.codes_dir = codes_dir_of(rt.config->root());
    return make_kpi_component(*rt.db, settings, *rt.clock);
  };
  return s;
}

}  // namespace lienthong::app
