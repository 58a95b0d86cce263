#include "gateway/flows/kpi/targets.hpp"

#include <algorithm>

#include "gateway/core/common/json.hpp"
#include "gateway/flows/kpi/indicators.hpp"

namespace lienthong::kpi {

namespace {

Error fail(std::string_view origin, const std::string& where, const std::string& what) {
  return Error(ErrorKind::kParse, std::string(origin) + ": " + where + ": " + what);
}

bool share(const rapidjson::Value& v, double& out) {
  if (!v.IsNumber()) return false;
  out = v.GetDouble();
  return out >= 0.0 && out <= 1.0;
}

}  // namespace

Result<KpiTargets> KpiTargets::parse(std::string_view text, std::string_view origin) {
  auto doc = json::parse(text, origin);
  if (!doc.ok()) return Error(ErrorKind::kParse, doc.error().message);
  const rapidjson::Value& root = *doc;
  if (!root.IsObject()) return fail(origin, "(root)", "must be a JSON object");
  KpiTargets t;
  for (auto& m : root.GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k != "comment" && k != "source" && k != "years" && k != "unconfirmed")
      return fail(origin, std::string(k), "unknown member (allowed: comment, source, years, unconfirmed)");
  }
  if (auto s = json::get_string(root, "source")) t.source_ = *s;
  const auto* years = json::member(root, "years");
  if (!years || !years->IsObject()) return fail(origin, "years", "missing or not an object of years");
  const auto& ids = indicator_ids();
  for (auto& y : years->GetObject()) {
    std::string year_text(y.name.GetString(), y.name.GetStringLength());
    std::string where = "years." + year_text;
    int year = 0;
    try {
      size_t used = 0;
      year = std::stoi(year_text, &used);
      if (used != year_text.size() || year < 2000 || year > 2100) throw std::invalid_argument(year_text);
    } catch (const std::exception&) {
      return fail(origin, where, "is not a year such as 2025");
    }
    if (!y.value.IsObject()) return fail(origin, where, "must be an object of indicator targets");
    auto& targets = t.years_[year];
    for (auto& ind : y.value.GetObject()) {
      std::string id(ind.name.GetString(), ind.name.GetStringLength());
      std::string w = where + "." + id;
      if (std::find(ids.begin(), ids.end(), id) == ids.end())
        return fail(origin, w,
                    "unknown indicator (known: on_time, online_full, online_payment_procedures, "
                    "online_payment_dossiers, digitised_dossiers, digitised_results)");
      Target target;
      if (ind.value.IsNull()) {
        // Explicitly no target this year.
      } else if (ind.value.IsObject()) {
        for (auto& lv : ind.value.GetObject()) {
          std::string level(lv.name.GetString(), lv.name.GetStringLength());
          if (level != "province" && level != "district" && level != "commune")
            return fail(origin, w + "." + level, "unknown level (known: province, district, commune)");
          double v = 0;
          if (!share(lv.value, v)) return fail(origin, w + "." + level, "must be a share from 0 to 1");
          target.levels[level] = v;
        }
      } else {
        double v = 0;
        if (!share(ind.value, v))
          return fail(origin, w, "must be a share from 0 to 1, an object of shares by level, or null");
        target.whole = v;
      }
      targets[id] = std::move(target);
    }
  }
  return t;
}

Result<KpiTargets> KpiTargets::load(const std::string& path) {
  auto text = json::read_file(path);
  if (!text.ok()) return text.error();
  return parse(*text, path);
}

const std::map<std::string, KpiTargets::Target, std::less<>>* KpiTargets::year_of(int year) const {
  auto it = years_.upper_bound(year);
  if (it == years_.begin()) return nullptr;
  return &std::prev(it)->second;
}

std::optional<double> KpiTargets::target(std::string_view indicator, int year, std::string_view level) const {
  const auto* y = year_of(year);
  if (!y) return std::nullopt;
  auto it = y->find(indicator);
  if (it == y->end()) return std::nullopt;
  if (!it->second.levels.empty()) {
    auto l = it->second.levels.find(level);
    if (l == it->second.levels.end()) return std::nullopt;
    return l->second;
  }
  return it->second.whole;
}

bool KpiTargets::by_level(std::string_view indicator, int year) const {
  const auto* y = year_of(year);
  if (!y) return false;
  auto it = y->find(indicator);
  return it != y->end() && !it->second.levels.empty();
}

}  // namespace lienthong::kpi
