#include "sim/common/sim_cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

namespace lienthong::sim {

namespace {

const std::vector<SimOption>& fault_options() {
  static const std::vector<SimOption> v = {
      {"latency-ms", "N", "added latency per request (default 0)"},
      {"fail-5xx", "X", "share of requests answered 503 before processing (0..1)"},
      {"timeout-share", "X", "share held unanswered for --hang-ms, then closed"},
      {"hang-ms", "N", "how long a timed-out request is held (default 3000)"},
      {"drop-share", "X", "share whose connection is closed without an answer"},
      {"lost-reply-share", "X", "share processed, then closed without an answer"},
      {"seed", "N", "seed of the fault and data generators (default 1)"}};
  return v;
}

struct Built {
  CLI::App app;
  std::vector<std::pair<const SimOption*, CLI::Option*>> options;
};

std::unique_ptr<Built> build(const SimSpec& spec) {
  auto b = std::make_unique<Built>();
  b->app.name("lienthong-sim " + spec.name);
  b->app.description(spec.help);
  b->app.footer(spec.footer);
  b->app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  b->app.set_help_flag("-h,--help", "print this help and exit");
  b->app.get_formatter()->column_width(30);
  auto add = [&](const std::vector<SimOption>& v, const std::string& group) {
    for (auto& o : v) {
      CLI::Option* opt = o.value_name.empty()
                             ? b->app.add_flag("--" + o.name, o.help)
                             : b->app.add_option("--" + o.name, o.help)->type_name(o.value_name);
      opt->group(group);
      b->options.emplace_back(&o, opt);
    }
  };
  add(spec.options, "Options");
  if (spec.faults) add(fault_options(), "Fault injection (every path except /__sim/*)");
  return b;
}

}  // namespace

std::string sim_help(const SimSpec& spec) {
  return build(spec)->app.help();
}

std::optional<SimArgs> parse_sim_args(const SimSpec& spec, const std::vector<std::string>& argv) {
  auto b = build(spec);
  std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 takes them last first
  try {
    b->app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << b->app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw std::invalid_argument(e.what());
  }
  std::map<std::string, std::string> values;
  for (auto& [o, opt] : b->options) {
    if (opt->count() == 0) continue;
    values[o->name] = o->value_name.empty() ? "1" : opt->results().back();
  }
  return SimArgs(std::move(values));
}

}  // namespace lienthong::sim
