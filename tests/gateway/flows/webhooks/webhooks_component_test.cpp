#include "gateway/flows/webhooks/webhooks_component.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lienthong::webhooks {
namespace {

std::string validate_error(const std::string& text) {
  auto file = ConfigFile::from_string(text, std::string(LIENTHONG_SOURCE_DIR) + "/mappings/webhooks");
  try {
    component_spec().validate(file->root().object("webhooks"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(WebhooksComponent, ShippedExampleSourcesValidate) {
  ::setenv("WH_C_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  EXPECT_EQ(validate_error(R"({"webhooks": {"notify": {"url": "http://127.0.0.1:1/n", "timeout_ms": 2000},
    "sources": {"dkkd": {"secrets": {"a": {"env": "WH_C_SECRET"}}, "mapping": "dkkd/mapping.json",
                         "procedure_codes": "dkkd/procedure_codes.json"},
                "hotich": {"auth": "both", "payload": "soap", "secrets": {"a": {"env": "WH_C_SECRET"}},
                           "client_subjects": ["CN=bo-tu-phap"], "mapping": "hotich/mapping.json",
                           "procedure_codes": "hotich/procedure_codes.json"}}}})"),
            "");
}

TEST(WebhooksComponent, EmptyOrWrongSectionsAreRefusedWithTheKey) {
  ::setenv("WH_C_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  EXPECT_NE(validate_error(R"({"webhooks": {}})").find("sources"), std::string::npos);
  auto notify = validate_error(R"({"webhooks": {"notify": {"url": "http://x", "retries": 3},
    "sources": {"dkkd": {"secrets": {"a": {"env": "WH_C_SECRET"}}, "mapping": "dkkd/mapping.json"}}}})");
  EXPECT_NE(notify.find("retries"), std::string::npos) << notify;
  // A mapping file that does not load is a start-up error, not a failure at the first push.
  auto bad_mapping = validate_error(R"({"webhooks": {"sources": {"dkkd": {
    "secrets": {"a": {"env": "WH_C_SECRET"}}, "mapping": "dkkd/procedure_codes.json"}}}})");
  EXPECT_NE(bad_mapping.find("webhooks.sources.dkkd.mapping"), std::string::npos) << bad_mapping;
  auto bad_codes = validate_error(R"({"webhooks": {"sources": {"dkkd": {
    "secrets": {"a": {"env": "WH_C_SECRET"}}, "mapping": "dkkd/mapping.json",
    "procedure_codes": "dkkd/mapping.json"}}}})");
  EXPECT_NE(bad_codes.find("procedure_codes"), std::string::npos) << bad_codes;
}

TEST(WebhooksComponent, MigrationsIncludeReceiptsAndTheSharedDossierTables) {
  auto m = component_spec().migrations();
  auto has = [&](const std::string& module) {
    return std::any_of(m.begin(), m.end(), [&](const store::Migration& x) { return x.module == module; });
  };
  EXPECT_TRUE(has("webhooks"));
  EXPECT_TRUE(has("dossiers"));
  EXPECT_EQ(component_spec().section, "webhooks");
}

}  // namespace
}  // namespace lienthong::webhooks
