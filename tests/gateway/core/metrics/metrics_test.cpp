#include "gateway/core/metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace lienthong::metrics {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MetricsTest, CounterRendersHelpTypeAndEscapedLabels) {
  Registry reg;
  auto& c = reg.counter("lienthong_upstream_calls_total", "Calls to upstream systems.\nBy target.",
                        {{"target", "dvcqg"}, {"note", "a\"b\\c\nd"}});
  c.inc();
  c.inc(4);
  EXPECT_EQ(c.value(), 5);
  // The same name and labels give the same series.
  EXPECT_EQ(
      &reg.counter("lienthong_upstream_calls_total", "x", {{"target", "dvcqg"}, {"note", "a\"b\\c\nd"}}), &c);
  std::string out = reg.render();
  EXPECT_TRUE(
      contains(out, "# HELP lienthong_upstream_calls_total Calls to upstream systems.\\nBy target.\n"))
      << out;
  EXPECT_TRUE(contains(out, "# TYPE lienthong_upstream_calls_total counter\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_upstream_calls_total{target=\"dvcqg\",note=\"a\\\"b\\\\c\\nd\"} 5\n"))
      << out;
}

TEST(MetricsTest, GaugeWithoutLabelsHasNoBraces) {
  Registry reg;
  reg.gauge("lienthong_outbox_pending", "Pending outbox entries.").set(12.5);
  std::string out = reg.render();
  EXPECT_TRUE(contains(out, "# TYPE lienthong_outbox_pending gauge\n")) << out;
  EXPECT_TRUE(contains(out, "\nlienthong_outbox_pending 12.5\n")) << out;
}

TEST(MetricsTest, HistogramHasCumulativeBucketsInfSumAndCount) {
  Registry reg;
  auto& h = reg.histogram("lienthong_request_seconds", "Request latency.", {{"route", "/v1/x"}});
  h.observe(0.00390625);
  h.observe(0.125);
  h.observe(100);
  std::string out = reg.render();
  EXPECT_TRUE(contains(out, "# TYPE lienthong_request_seconds histogram\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_bucket{route=\"/v1/x\",le=\"0.005\"} 1\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_bucket{route=\"/v1/x\",le=\"0.1\"} 1\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_bucket{route=\"/v1/x\",le=\"0.25\"} 2\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_bucket{route=\"/v1/x\",le=\"30\"} 2\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_bucket{route=\"/v1/x\",le=\"+Inf\"} 3\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_sum{route=\"/v1/x\"} 100.12890625\n")) << out;
  EXPECT_TRUE(contains(out, "lienthong_request_seconds_count{route=\"/v1/x\"} 3\n")) << out;
}

TEST(MetricsTest, StandaloneHistogramBoundaryValueFallsInItsBucket) {
  Histogram h({1, 0.5});
  h.observe(0.5);
  std::string out = h.render("x", "");
  EXPECT_EQ(out,
            "x_bucket{le=\"0.5\"} 1\n"
            "x_bucket{le=\"1\"} 1\n"
            "x_bucket{le=\"+Inf\"} 1\n"
            "x_sum 0.5\n"
            "x_count 1\n");
}

TEST(MetricsTest, SameNameWithAnotherTypeIsRefused) {
  Registry reg;
  reg.counter("lienthong_x", "x");
  EXPECT_THROW(reg.gauge("lienthong_x", "x"), std::logic_error);
  EXPECT_THROW(reg.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(reg.counter("ok", "x", {{"1bad", "v"}}), std::invalid_argument);
}

}  // namespace
}  // namespace lienthong::metrics
