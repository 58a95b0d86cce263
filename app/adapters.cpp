#include "app/adapters.hpp"

#include <set>

#include "adapters/dvcqg/dvcqg.hpp"
#include "adapters/one_stop_shop/one_stop_shop.hpp"
#include "adapters/population/population_registry.hpp"

namespace lienthong::app {

namespace {
template <class T>
const std::vector<T>& checked(const std::vector<T>& list, const char* what) {
  std::set<std::string> seen;
  for (auto& a : list) {
    if (!seen.insert(a.name).second)
      throw ConfigError(std::string("two ") + what + " adapters are named '" + a.name + "'");
  }
  return list;
}
}  // namespace

// One line per adapter.
const std::vector<SourceAdapter>& source_adapters() {
  static const std::vector<SourceAdapter> list = {
      {std::string(adapters::one_stop_shop::kName), adapters::one_stop_shop::validate_config,
       adapters::one_stop_shop::make_source},
  };
  return checked(list, "source");
}

const std::vector<TargetAdapter>& target_adapters() {
  static const std::vector<TargetAdapter> list = {
      {std::string(adapters::dvcqg::kName), adapters::dvcqg::validate_config, adapters::dvcqg::make_target},
  };
  return checked(list, "destination");
}

const PopulationAdapter& population_adapter() {
  static const PopulationAdapter adapter{"population", population::validate_upstream,
                                         population::make_from_config};
  return adapter;
}

void validate_adapters_section(const ConfigNode& section) {
  std::vector<std::string> names;
  for (auto& a : source_adapters()) names.push_back(a.name);
  for (auto& a : target_adapters()) names.push_back(a.name);
  section.allow_only(names);
  for (auto& a : source_adapters())
    if (auto n = section.optional_object(a.name)) a.validate(*n);
  for (auto& a : target_adapters())
    if (auto n = section.optional_object(a.name)) a.validate(*n);
}

namespace {
// The registry and the quarantine its adapters put refused records in.
struct BuiltDestinations : dossiers::EventDestinations {
  explicit BuiltDestinations(store::Database& db) : quarantine(db) {}
  dossiers::Quarantine quarantine;
};
}  // namespace

dossiers::EventDestinations& destination_adapters(Runtime& rt) {
  if (rt.destinations) return *rt.destinations;
  auto built = std::make_shared<BuiltDestinations>(*rt.db);
  if (auto section = rt.config->root().optional_object("adapters")) {
    for (auto& a : target_adapters()) {
      if (auto node = section->optional_object(a.name))
        built->add(a.make(*node, *rt.clock, &built->quarantine));
    }
  }
  rt.destinations = std::move(built);
  return *rt.destinations;
}

void register_destination_adapters(Runtime& rt, outbox::Dispatcher& dispatcher) {
  if (!rt.destinations) return;
  for (dossiers::EventDestination* d : rt.destinations->all()) dispatcher.add(*d);
}

}  // namespace lienthong::app
