// `lienthong codes`: look up and compare the effective-dated code tables (units and
// agencies) that an operator keeps under mappings/codes/. Also the "codes" component:
// config section {"dir": "mappings/codes"}, loaded (and so fully checked) at validation.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/codes/code_tables.hpp"
#include "gateway/flows/codes/table_resolver.hpp"

namespace lienthong::app {
namespace {

constexpr const char* kDefaultDir = "mappings/codes";

std::string codes_dir(const ConfigNode& section) {
  return section.file_path_or("dir", kDefaultDir);
}

void validate_codes(const ConfigNode& section) {
  section.allow_only({"dir"});
  auto tables = codes::CodeTables::load_dir(codes_dir(section));
  if (!tables.ok()) section.fail("dir", tables.error().message);
}

// The tables stay loaded for the daemon's lifetime; flows that map codes build a
// codes::TableResolver over the same directory.
class CodesComponent : public Component {
 public:
  explicit CodesComponent(std::shared_ptr<const codes::CodeTables> t) : tables_(std::move(t)) {}

 private:
  std::shared_ptr<const codes::CodeTables> tables_;
};

// --dir, else the config's codes.dir, else mappings/codes.
std::string dir_from(const Args& args) {
  if (auto d = args.option("dir")) return *d;
  if (args.option("config") || std::getenv("LIENTHONG_CONFIG")) {
    auto cfg = check_config(config_path(args));
    if (auto section = cfg->root().optional_object("codes")) return codes_dir(*section);
  }
  return kDefaultDir;
}

codes::Day day_option(const Args& args, const std::string& name) {
  std::string v = args.required(name);
  auto d = codes::CodeTables::parse_day(v);
  if (!d) throw UsageError("--" + name + " expects a date YYYY-MM-DD, got '" + v + "'");
  return *d;
}

std::string quoted(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

std::string json_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + quoted(v[i]);
  return out + "]";
}

std::string text_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

int fail(const Error& e, bool as_json) {
  if (as_json) {
    std::cout << "{\"ok\":false,\"error\":" << quoted(e.message) << "}\n";
  } else {
    std::cerr << "lienthong codes: " << e.message << "\n";
  }
  return e.kind == ErrorKind::kConfig ? kExitConfig : kExitFailure;
}

void print_entry(const codes::Entry& e, bool as_json) {
  using codes::CodeTables;
  if (as_json) {
    std::cout << "{\"ok\":true,\"code\":" << quoted(e.code) << ",\"name\":" << quoted(e.name)
              << ",\"kind\":" << quoted(e.kind) << ",\"level\":" << quoted(e.level)
              << ",\"parent\":" << quoted(e.parent)
              << ",\"valid_from\":" << quoted(CodeTables::format_day(e.valid_from)) << ",\"valid_to\":"
              << (e.valid_to ? quoted(CodeTables::format_day(*e.valid_to)) : std::string("null"))
              << ",\"replaced_by\":" << json_list(e.replaced_by) << "}\n";
    return;
  }
  std::cout << e.kind << " " << e.code << "  " << e.name << "\n"
            << "  level:       " << e.level << "\n"
            << "  parent:      " << (e.parent.empty() ? "-" : e.parent) << "\n"
            << "  valid:       " << CodeTables::format_day(e.valid_from) << " to "
            << (e.valid_to ? CodeTables::format_day(*e.valid_to) + " (exclusive)" : std::string("now"))
            << "\n";
  if (!e.replaced_by.empty()) std::cout << "  replaced by: " << text_list(e.replaced_by) << "\n";
}

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "codes",
      "Effective-dated unit and agency code tables.",
      "KIND is province, district, commune or agency. Tables come from --dir DIR, else the config's "
      "codes.dir\n(--config FILE), else ./mappings/codes. See docs/codes.md.",
      {{"dir", "DIR", "the code tables' folder"}, cli::config_option()},
      {},
      {{"lookup",
        "the entry of CODE valid on a day",
        {{"KIND", "province, district, commune or agency"}, {"CODE", "the code"}},
        {{"on", "YYYY-MM-DD", "the day (required)"}},
        true},
       {"translate",
        "the code valid today for CODE as it was on a day",
        {{"KIND", "province, district, commune or agency"}, {"CODE", "the code"}},
        {{"on", "YYYY-MM-DD", "the day CODE was used (required)"},
         {"today", "YYYY-MM-DD", "translate as of this day (default: today in Vietnam)"},
         {"commune", "CODE", "the commune, to choose among the successors of a split unit"},
         {"json", "", "print the result as one JSON object"}}},
       {"diff",
        "the changes after --from up to --to",
        {},
        {{"from", "YYYY-MM-DD", "first day (required)"}, {"to", "YYYY-MM-DD", "last day (required)"}},
        true}}};
  return s;
}

}  // namespace

ComponentSpec codes_component_spec() {
  ComponentSpec s;
  s.section = "codes";
  s.validate = validate_codes;
  s.make = [](Runtime&, const ConfigNode& section) -> std::unique_ptr<Component> {
    auto tables = codes::CodeTables::load_dir(codes_dir(section));
    if (!tables.ok()) throw ConfigError(tables.error().message);
    return std::make_unique<CodesComponent>(
        std::make_shared<const codes::CodeTables>(std::move(tables).value()));
  };
  return s;
}

int run_codes(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const bool as_json = args.flag("json");
  const bool as_csv = cli::format_of(args) == "csv";
  const std::string sub = args.positional_at(0, "subcommand");
  codes::Day on = 0, from = 0, to = 0;
  std::string kind, code;
  if (sub == "diff") {
    from = day_option(args, "from");
    to = day_option(args, "to");
    if (to < from) throw UsageError("--to must not be before --from");
  } else {
    kind = args.positional_at(1, "KIND");
    code = args.positional_at(2, "CODE");
    on = day_option(args, "on");
  }
  auto tables = codes::CodeTables::load_dir(dir_from(args));
  if (!tables.ok()) return fail(tables.error(), as_json);

  if (sub == "lookup") {
    auto e = tables->lookup(kind, code, on);
    if (!e.ok()) return fail(e.error(), as_json);
    if (as_csv) {
      const codes::Entry& x = **e;
      std::cout << csv_row(
                       {"kind", "code", "name", "level", "parent", "valid_from", "valid_to", "replaced_by"})
                << csv_row({x.kind, x.code, x.name, x.level, x.parent,
                            codes::CodeTables::format_day(x.valid_from),
                            x.valid_to ? codes::CodeTables::format_day(*x.valid_to) : "",
                            text_list(x.replaced_by)});
      return kExitOk;
    }
    print_entry(**e, as_json);
    return kExitOk;
  }
  if (sub == "translate") {
    // Today in Vietnam unless given (for "what would this have been sent as then").
    codes::Day today =
        args.option("today") ? day_option(args, "today") : codes::day_of(SystemClock::instance().now_ms());
    codes::Hints hints;
    if (auto c = args.option("commune")) hints.commune = *c;
    auto r = tables->translate(kind, code, on, today, hints);
    if (!r.ok()) return fail(r.error(), as_json);
    if (as_json) {
      std::cout << "{\"ok\":true,\"kind\":" << quoted(kind) << ",\"code\":" << quoted(code)
                << ",\"on\":" << quoted(codes::CodeTables::format_day(on))
                << ",\"today\":" << quoted(codes::CodeTables::format_day(today))
                << ",\"translated\":" << quoted(*r) << "}\n";
    } else {
      std::cout << kind << " " << code << " (as of " << codes::CodeTables::format_day(on) << ") -> " << *r
                << " (valid " << codes::CodeTables::format_day(today) << ")\n";
    }
    return kExitOk;
  }
  auto changes = tables->diff(from, to);
  if (as_json) {
    std::cout << "{\"ok\":true,\"from\":" << quoted(codes::CodeTables::format_day(from))
              << ",\"to\":" << quoted(codes::CodeTables::format_day(to)) << ",\"changes\":[";
    for (size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      std::cout << (i ? "," : "") << "{\"change\":" << quoted(std::string(codes::to_string(c.type)))
                << ",\"kind\":" << quoted(c.kind)
                << ",\"date\":" << quoted(codes::CodeTables::format_day(c.date))
                << ",\"from\":" << json_list(c.from) << ",\"to\":" << json_list(c.to);
      if (!c.rule.empty()) std::cout << ",\"rule\":" << quoted(c.rule);
      std::cout << "}";
    }
    std::cout << "]}\n";
    return kExitOk;
  }
  if (as_csv) {
    std::cout << csv_row({"date", "change", "kind", "from", "to", "rule"});
    for (const auto& c : changes)
      std::cout << csv_row({codes::CodeTables::format_day(c.date), std::string(codes::to_string(c.type)),
                            c.kind, text_list(c.from), text_list(c.to), c.rule});
    return kExitOk;
  }
  std::cout << changes.size() << " change(s) after " << codes::CodeTables::format_day(from) << " up to "
            << codes::CodeTables::format_day(to) << "\n";
  for (const auto& c : changes) {
    std::cout << codes::CodeTables::format_day(c.date) << "  " << codes::to_string(c.type) << "  " << c.kind
              << "  ";
    if (c.type == codes::Change::Type::kCreated) {
      std::cout << text_list(c.to);
    } else if (c.to.empty()) {
      std::cout << text_list(c.from);
    } else {
      std::cout << text_list(c.from) << " -> " << text_list(c.to);
    }
    if (!c.rule.empty()) std::cout << "  (" << c.rule << ")";
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace lienthong::app
