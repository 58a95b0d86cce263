#include "gateway/core/runtime/args.hpp"

namespace lienthong::app {

Args Args::parse(const std::vector<std::string>& argv, const std::set<std::string>& flags) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s.size() > 2 && s.rfind("--", 0) == 0) {
      std::string key = s.substr(2);
      auto eq = key.find('=');
      if (eq != std::string::npos) {
        a.options_[key.substr(0, eq)] = key.substr(eq + 1);
      } else if (flags.count(key)) {
        a.flags_.insert(key);
      } else if (i + 1 < argv.size()) {
        a.options_[key] = argv[++i];
      } else {
        throw UsageError("option --" + key + " needs a value");
      }
    } else {
      a.positional_.push_back(s);
    }
  }
  return a;
}

std::string Args::positional_at(size_t i, const std::string& what) const {
  if (i >= positional_.size()) throw UsageError("missing " + what);
  return positional_[i];
}

std::optional<std::string> Args::option(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string Args::option_or(const std::string& name, const std::string& fallback) const {
  return option(name).value_or(fallback);
}

std::string Args::required(const std::string& name) const {
  auto v = option(name);
  if (!v) throw UsageError("missing required option --" + name);
  return *v;
}

int64_t Args::integer_or(const std::string& name, int64_t fallback) const {
  auto v = option(name);
  if (!v) return fallback;
  try {
    size_t pos = 0;
    int64_t n = std::stoll(*v, &pos);
    if (pos != v->size()) throw std::invalid_argument("trailing");
    return n;
  } catch (const std::exception&) {
    throw UsageError("option --" + name + " expects an integer, got '" + *v + "'");
  }
}

void Args::allow_only(const std::set<std::string>& known) const {
  for (auto& [k, v] : options_) {
    if (!known.count(k)) throw UsageError("unknown option --" + k);
  }
  for (auto& f : flags_) {
    if (!known.count(f)) throw UsageError("unknown option --" + f);
  }
}

}  // namespace lienthong::app
