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

// From 0.5 ms (a webhook answered from memory) to 10 s (a request stuck behind the store).
const std::vector<double> kLocalBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
// National systems answer in 50 ms to several seconds; timeouts sit at 30-60 s.
const std::vector<double> kUpstreamBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                              1,     2.5,  5,     10,   20,  30,   60};

void Gauge::add(double d) {
  add_double(v_, d);
}

void Exposition::add(const std::string& name, const std::string& help, const char* type, const Labels& labels,
                     double value) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  } else if (f.type != type) {
    throw std::logic_error("metrics: '" + name + "' collected as a " + f.type + " and a " + type);
  }
  f.lines.push_back(name + braced(render_labels(labels)) + " " + format_double(value) + "\n");
}

void Exposition::describe(const std::string& name, const std::string& help, const std::string& type) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
}

void Exposition::gauge(const std::string& name, const std::string& help, const Labels& labels, double value) {
  add(name, help, "gauge", labels, value);
}

void Exposition::counter(const std::string& name, const std::string& help, const Labels& labels,
                         double value) {
  add(name, help, "counter", labels, value);
}

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
  return histogram(name, help, labels, default_bounds());
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               const std::vector<double>& bounds) {
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
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::describe(const std::string& name, const std::string& help, const std::string& type) {
  if (!valid_name(name, true)) throw std::invalid_argument("metrics: invalid metric name '" + name + "'");
  if (type != "counter" && type != "gauge" && type != "histogram")
    throw std::invalid_argument("metrics: family '" + name + "' declared with unknown type '" + type + "'");
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  } else if (f.type != type) {
    throw std::logic_error("metrics: '" + name + "' already registered as a " + f.type);
  }
}

int Registry::add_collector(std::string name, Collector collector) {
  std::lock_guard lock(collectors_mu_);
  int id = next_collector_++;
  collectors_.emplace(id, std::make_pair(std::move(name), std::move(collector)));
  return id;
}

void Registry::remove_collector(int id) {
  std::lock_guard lock(collectors_mu_);
  collectors_.erase(id);
}

std::string Registry::render() const {
  // Collectors first (they may read the store, and may themselves update counters).
  Exposition collected;
  {
    std::lock_guard lock(collectors_mu_);
    for (const auto& [id, c] : collectors_) {
      Exposition one;
      try {
        c.second(one);
      } catch (const std::exception&) {
        ++collector_errors_[c.first];
        continue;
      }
      for (auto& [name, f] : one.families_) {
        auto& dst = collected.families_[name];
        if (dst.type.empty()) {
          dst.type = f.type;
          dst.help = f.help;
        }
        for (auto& l : f.lines) dst.lines.push_back(std::move(l));
      }
    }
    for (const auto& [name, n] : collector_errors_)
      collected.counter("lienthong_metrics_collector_errors_total",
                        "Scrapes in which a collector failed (its families were left out), by collector",
                        {{"collector", name}}, static_cast<double>(n));
  }
  std::lock_guard lock(mu_);
  std::string out;
  auto header = [&out](const std::string& name, const std::string& help, const std::string& type) {
    out += "# HELP " + name + " " + escape_help(help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
  };
  auto c_it = collected.families_.begin();
  auto flush_collected_before = [&](const std::string* name) {
    while (c_it != collected.families_.end() && (!name || c_it->first < *name)) {
      header(c_it->first, c_it->second.help, c_it->second.type);
      for (const auto& l : c_it->second.lines) out += l;
      ++c_it;
    }
  };
  for (const auto& [name, f] : families_) {
    flush_collected_before(&name);
    header(name, f.help, f.type);
    for (const auto& [labels, c] : f.counters)
      out += name + braced(labels) + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges)
      out += name + braced(labels) + " " + format_double(g->value()) + "\n";
    for (const auto& [labels, h] : f.histograms) out += h->render(name, labels);
    // A family both registered and collected: one header, the collected samples after.
    if (c_it != collected.families_.end() && c_it->first == name) {
      for (const auto& l : c_it->second.lines) out += l;
      ++c_it;
    }
  }
  flush_collected_before(nullptr);
  return out;
}

Registry& Registry::global() {
  static Registry r;
  return r;
}

}  // namespace lienthong::metrics
