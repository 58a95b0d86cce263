#include "gateway/core/metrics/process_metrics.hpp"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace lienthong::metrics {

namespace {

// Fields 14 and 15 of /proc/self/stat (utime, stime) in clock ticks; the command name
// (field 2) may hold spaces, so parsing starts after its closing parenthesis.
double cpu_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("/proc/self/stat: unexpected format");
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double resident_bytes() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(in >> size >> resident)) throw std::runtime_error("/proc/self/statm: unexpected format");
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  double n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace

int install_process_metrics(Registry& registry, const std::string& version, const std::string& commit) {
  const double start =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  registry
      .gauge("lienthong_build_info", "Always 1; the labels say which build runs",
             {{"version", version}, {"commit", commit}})
      .set(1);
  registry.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds")
      .set(start);
  return registry.add_collector("process", [](Exposition& e) {
    e.counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds", {}, cpu_seconds());
    e.gauge("process_resident_memory_bytes", "Resident memory size, in bytes", {}, resident_bytes());
    e.gauge("process_open_fds", "Open file descriptors", {}, open_fds());
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0)
      e.gauge("process_max_fds", "Limit on open file descriptors", {}, static_cast<double>(lim.rlim_cur));
  });
}

double certificate_not_after(const std::string& pem_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(pem_file.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error("certificate " + pem_file + ": cannot be opened");
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) throw std::runtime_error("certificate " + pem_file + ": no PEM certificate in it");
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1)
    throw std::runtime_error("certificate " + pem_file + ": unreadable notAfter");
  return static_cast<double>(timegm(&tm));
}

int install_certificate_metrics(Registry& registry, std::vector<CertificateInUse> certificates) {
  if (certificates.empty()) return -1;
  return registry.add_collector("certificates", [certificates = std::move(certificates)](Exposition& e) {
    for (const auto& c : certificates) {
      try {
        e.gauge("lienthong_tls_certificate_expiry_timestamp_seconds",
                "notAfter of a certificate in use, in seconds since the Unix epoch",
                {{"use", c.use}, {"file", c.file}}, certificate_not_after(c.file));
        e.gauge("lienthong_tls_certificate_read_errors",
                "1 when a configured certificate file cannot be read or parsed",
                {{"use", c.use}, {"file", c.file}}, 0);
      } catch (const std::exception&) {
        e.gauge("lienthong_tls_certificate_read_errors",
                "1 when a configured certificate file cannot be read or parsed",
                {{"use", c.use}, {"file", c.file}}, 1);
      }
    }
  });
}

}  // namespace lienthong::metrics
