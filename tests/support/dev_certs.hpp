// Development certificates for TLS tests, made by certs/make-dev-certs.sh into a fresh
// temporary directory once per test binary (hermetic: nothing read from the tree's certs/dev).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace lienthong::testing {

class DevCerts {
 public:
  static const DevCerts& get() {
    static DevCerts certs;
    return certs;
  }
  std::string path(const std::string& file) const { return dir_ + "/" + file; }

 private:
  DevCerts() {
    dir_ = (std::filesystem::temp_directory_path() / ("lienthong-dev-certs-" + std::to_string(::getpid())))
               .string();
    std::string cmd =
        std::string(LIENTHONG_SOURCE_DIR) + "/certs/make-dev-certs.sh '" + dir_ + "' >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("certs/make-dev-certs.sh failed: " + cmd);
  }
  ~DevCerts() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

}  // namespace lienthong::testing
