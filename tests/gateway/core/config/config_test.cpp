#include "gateway/core/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lienthong {

TEST(Config, UnknownKeyIsRefusedWithItsPathAndTheAcceptedKeys) {
  auto cfg = ConfigFile::from_string(R"({"store": {"backend": "sqlite", "pth": "x.db"}})");
  auto store = cfg->root().object("store");
  try {
    store.allow_only({"backend", "path"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("store.pth"), std::string::npos) << m;
    EXPECT_NE(m.find("backend, path"), std::string::npos) << m;
  }
}

TEST(Config, WrongTypeNamesExpectedType) {
  auto cfg = ConfigFile::from_string(R"({"port": "8080"})");
  try {
    (void)cfg->root().integer("port", 0, 65535);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected an integer, got string"), std::string::npos) << e.what();
  }
}

TEST(Config, SecretComesFromEnvironmentAndIsNeverPrinted) {
  setenv("LT_TEST_SECRET", "s3cr3t", 1);
  auto cfg = ConfigFile::from_string(R"({"password": {"env": "LT_TEST_SECRET"}})");
  Secret s = cfg->root().secret("password");
  EXPECT_EQ(s.reveal(), "s3cr3t");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(s.source(), "env:LT_TEST_SECRET");
}

TEST(Config, LiteralSecretIsRefused) {
  auto cfg = ConfigFile::from_string(R"({"password": "plain"})");
  EXPECT_THROW((void)cfg->root().secret("password"), ConfigError);
}

TEST(Config, MissingEnvironmentVariableIsNamed) {
  unsetenv("LT_TEST_MISSING");
  auto cfg = ConfigFile::from_string(R"({"password": {"env": "LT_TEST_MISSING"}})");
  try {
    (void)cfg->root().secret("password");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("LT_TEST_MISSING"), std::string::npos);
  }
}

TEST(Config, MalformedFileReportsPosition) {
  EXPECT_THROW(ConfigFile::from_string("{\"a\": }"), ConfigError);
}

TEST(Config, RelativePathsResolveAgainstConfigDirectory) {
  auto cfg = ConfigFile::from_string(R"({"mapping": "mappings/x.json"})", "/etc/lienthong");
  EXPECT_EQ(cfg->root().file_path("mapping"), "/etc/lienthong/mappings/x.json");
}

TEST(Config, RelativePathsResolveAgainstTheConfigFolderOrDataDir) {
  auto plain = ConfigFile::from_string(R"({"f": "mappings/a.json", "g": "/abs/b.json"})", "/etc/lienthong");
  EXPECT_EQ(plain->root().file_path("f"), "/etc/lienthong/mappings/a.json");
  EXPECT_EQ(plain->root().file_path("g"), "/abs/b.json");
  auto absolute = ConfigFile::from_string(R"({"data_dir": "/usr/share/lienthong", "f": "mappings/a.json"})",
                                          "/etc/lienthong");
  EXPECT_EQ(absolute->root().file_path("f"), "/usr/share/lienthong/mappings/a.json");
  auto relative =
      ConfigFile::from_string(R"({"data_dir": "../share", "f": "mappings/a.json"})", "/opt/lt/etc");
  EXPECT_EQ(relative->root().file_path("f"), "/opt/lt/share/mappings/a.json");
}

TEST(Config, DataDirMustBeAFolderName) {
  try {
    (void)ConfigFile::from_string(R"({"data_dir": 3})", "/etc");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("data_dir"), std::string::npos) << e.what();
  }
}

}  // namespace lienthong
