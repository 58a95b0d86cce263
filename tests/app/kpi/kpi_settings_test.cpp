#include "app/kpi_settings.hpp"

#include <gtest/gtest.h>

#include "gateway/core/config/config.hpp"

namespace lienthong::app {
namespace {

ConfigNode section(const std::shared_ptr<ConfigFile>& f, const char* name) {
  return *f->root().optional_object(name);
}

TEST(KpiSettings, DefaultsWhenSectionsAreAbsent) {
  auto f = ConfigFile::from_string("{}", LIENTHONG_SOURCE_DIR);
  auto k = kpi_settings(f->root());
  EXPECT_DOUBLE_EQ(k.on_time_target, 0.95);
  EXPECT_EQ(k.acknowledge_within_working_hours, 8);
  // The conventional files next to the config are picked up when present.
  EXPECT_EQ(k.procedures_path, LIENTHONG_SOURCE_DIR "/mappings/procedures.json");
  EXPECT_EQ(calendar_settings(f->root()).calendar_dir, LIENTHONG_SOURCE_DIR "/mappings/calendar");
  auto elsewhere = ConfigFile::from_string("{}", "/nonexistent");
  EXPECT_EQ(kpi_settings(elsewhere->root()).procedures_path, "");
  EXPECT_EQ(calendar_settings(elsewhere->root()).calendar_dir, "");
  // Code tables for grouping KPIs "as now": codes.dir, else the conventional directory.
  EXPECT_EQ(k.codes_dir, LIENTHONG_SOURCE_DIR "/mappings/codes");
  EXPECT_EQ(kpi_settings(elsewhere->root()).codes_dir, "");
  auto configured = ConfigFile::from_string(R"({"codes": {"dir": "tables"}})", "/etc/lienthong");
  EXPECT_EQ(kpi_settings(configured->root()).codes_dir, "/etc/lienthong/tables");
}

TEST(KpiSettings, TargetsFileConventionalOrConfigured) {
  auto f = ConfigFile::from_string("{}", LIENTHONG_SOURCE_DIR);
  auto k = kpi_settings(f->root());
  EXPECT_EQ(k.targets_path, LIENTHONG_SOURCE_DIR "/mappings/kpi_targets.json");
  auto targets = load_kpi_targets(k);
  ASSERT_NE(targets, nullptr);
  EXPECT_EQ(targets->target("online_payment_dossiers", 2025), 0.3);
  EXPECT_EQ(kpi_settings(ConfigFile::from_string("{}", "/nonexistent")->root()).targets_path, "");
  EXPECT_EQ(load_kpi_targets(KpiSettings{}), nullptr);
  auto configured = ConfigFile::from_string(R"({"kpi": {"targets": "t.json"}})", "/etc/lienthong");
  auto c = kpi_settings(configured->root());
  EXPECT_EQ(c.targets_path, "/etc/lienthong/t.json");
  EXPECT_THROW(load_kpi_targets(c), ConfigError);  // missing file: refused naming it
}

TEST(KpiSettings, MinimalValidSectionsAreAccepted) {
  auto f = ConfigFile::from_string(R"({
    "calendar": {"calendar_dir": "cal", "office_hours": {"default": ["08:00-12:00", "13:00-17:00"],
                                                         "agencies": {"X": ["07:00-11:00"]}}},
    "kpi": {"procedures": "p.json", "on_time_target": 0.9, "acknowledge_within_working_hours": 4}})",
                                   "/etc/lienthong");
  auto specs = std::vector<ComponentSpec>{calendar_component_spec(), kpi_component_spec()};
  EXPECT_NO_THROW(specs[0].validate(section(f, "calendar")));
  EXPECT_NO_THROW(specs[1].validate(section(f, "kpi")));
  auto c = calendar_settings(f->root());
  EXPECT_EQ(c.calendar_dir, "/etc/lienthong/cal");
  EXPECT_EQ(c.office_hours.for_agency("X").minutes_per_day(), 240);
  EXPECT_EQ(c.office_hours.for_agency("Y").minutes_per_day(), 480);
  auto k = kpi_settings(f->root());
  EXPECT_EQ(k.procedures_path, "/etc/lienthong/p.json");
  EXPECT_DOUBLE_EQ(k.on_time_target, 0.9);
  EXPECT_EQ(k.acknowledge_within_working_hours, 4);
}

TEST(KpiSettings, WrongSectionsAreRefusedNamingTheKey) {
  auto expect_refused = [](const char* text, const char* name, const char* needle) {
    auto f = ConfigFile::from_string(text, "/etc/lienthong");
    auto spec = std::string(name) == "kpi" ? kpi_component_spec() : calendar_component_spec();
    try {
      spec.validate(*f->root().optional_object(name));
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_refused(R"({"kpi": {"procedure": "p.json"}})", "kpi", "procedure");
  expect_refused(R"({"kpi": {"on_time_target": 95}})", "kpi", "on_time_target");
  expect_refused(R"({"calendar": {"office_hours": {"default": ["7:30-11:30"]}}})", "calendar", "default");
  expect_refused(R"({"calendar": {"office_hours": {"agencies": {"X": ["12:00-11:00"]}}}})", "calendar", "X");
  expect_refused(R"({"calendar": {"calendar_directory": "x"}})", "calendar", "calendar_directory");
}

}  // namespace
}  // namespace lienthong::app
