#include "gateway/core/metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace lienthong::metrics {

namespace {

// Default latency buckets in seconds: from a fast local call to a slow national API.
const std::vector<double>& default_bounds() {
  static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return b;
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Label values escape \, " and newline; HELP text escapes \ and newline.
std::string escape_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

bool valid_name(const std::string& s, bool allow_colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// `a="x",b="y"` (no braces): the key of one series within its family.
std::string render_labels(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!valid_name(k, false)) throw std::invalid_argument("metrics: invalid label name '" + k + "'");
    if (!out.empty()) out += ',';
    out += k + "=\"" + escape_label(v) + "\"";
  }
  return out;
}

std::string braced(const std::string& labels) {
  return labels.empty() ? "" : "{" + labels + "}";
}

void add_double(std::atomic<double>& a, double d) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<int64_t>[]>(bounds_.size());
  for (size_t i = 0; i < bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double seconds) {
  // Counts per bucket (non-cumulative); render() accumulates.
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  if (it != bounds_.end())
    counts_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  add_double(sum_, seconds);
}

std::string Histogram::render(const std::string& name, const std::string& labels) const {
  std::string out;
  const std::string prefix = labels.empty() ? "" : labels + ",";
  int64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{" + prefix + "le=\"" + format_double(bounds_[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  const int64_t count = count_.load(std::memory_order_relaxed);
  out += name + "_bucket{" + prefix + "le=\"+Inf\"} " + std::to_string(count) + "\n";
  out += name + "_sum" + braced(labels) + " " + format_double(sum_.load(std::memory_order_relaxed)) + "\n";
  out += name + "_count" + braced(labels) + " " + std::to_string(count) + "\n";
  return out;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  std::string key = render_labels(labels);
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = "counter";
    f.help = help;
  } else if (f.type != "counter") {
    throw std::logic_error("metrics: '" + name + "' already registered as a " + f.type);
  }
  auto& slot = f.counters[key];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  std::string key = render_labels(labels);
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = "gauge";
    f.help = help;
  } else if (f.type != "gauge") {
    throw std::logic_error("metrics: '" + name + "' already registered as a " + f.type);
  }
  auto& slot = f.gauges[key];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  for (const auto& [k, v] : labels) {
    if (k == "le")
      throw std::invalid_argument("metrics: histogram '" + name + "' may not use the label 'le'");
  }
  std::string key = render_labels(labels);
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = "histogram";
    f.help = help;
  } else if (f.type != "histogram") {
    throw std::logic_error("metrics: '" + name + "' already registered as a " + f.type);
  }
  auto& slot = f.histograms[key];
  if (!slot) slot = std::make_unique<Histogram>(default_bounds());
  return *slot;
}

std::string Registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters)
      out += name + braced(labels) + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges)
      out += name + braced(labels) + " " + format_double(g->value()) + "\n";
    for (const auto& [labels, h] : f.histograms) out += h->render(name, labels);
  }
  return out;
}

Registry& Registry::global() {
  static Registry r;
  return r;
}

}  // namespace lienthong::metrics
