#include "gateway/core/runtime/args.hpp"

namespace lienthong::app {

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

}  // namespace lienthong::app
