// Prometheus text-format metrics. Counters and gauges are created once (by name and
// labels) and updated lock-free; render() writes the exposition format for GET /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lienthong::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d);
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// Latency histogram with fixed buckets (seconds).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  std::string render(const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Buckets (seconds) that fit an operation: kLocalBuckets for work on this host (a store
// transaction, an inbound request), kUpstreamBuckets for calls to national systems.
extern const std::vector<double> kLocalBuckets;
extern const std::vector<double> kUpstreamBuckets;

// Samples computed at scrape time (from the store, /proc, certificate files): a collector
// fills one of these on every render().
class Exposition {
 public:
  void gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void counter(const std::string& name, const std::string& help, const Labels& labels, double value);
  // A family with no sample this time (e.g. no quarantined record): HELP and TYPE only, so
  // that dashboards and alert rules can rely on its name being exposed.
  void describe(const std::string& name, const std::string& help, const std::string& type);

 private:
  friend class Registry;
  struct Family {
    std::string help, type;
    std::vector<std::string> lines;
  };
  void add(const std::string& name, const std::string& help, const char* type, const Labels& labels,
           double value);
  std::map<std::string, Family> families_;
};

class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;

  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                       const std::vector<double>& bounds);
  // Declares a family (type "counter", "gauge" or "histogram") before its first sample:
  // rendered with HELP and TYPE only until a series of it is created.
  void describe(const std::string& name, const std::string& help, const std::string& type);
  // Collectors run on every render(), outside the registry's lock; a collector that throws
  // is skipped (its families are missing from that scrape) and counted in
  // lienthong_metrics_collector_errors_total. Returns an id for remove_collector().
  int add_collector(std::string name, Collector collector);
  void remove_collector(int id);
  std::string render() const;

  static Registry& global();

 private:
  struct Family {
    std::string help, type;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  mutable std::mutex collectors_mu_;
  std::map<int, std::pair<std::string, Collector>> collectors_;
  int next_collector_ = 0;
  mutable std::map<std::string, int64_t> collector_errors_;  // under collectors_mu_
};

}  // namespace lienthong::metrics
