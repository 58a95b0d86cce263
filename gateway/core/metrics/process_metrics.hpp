// Families every lienthong process exposes: what runs (build_info), what it costs (CPU,
// memory, descriptors, start time, read from /proc at scrape time) and when the
// certificates it uses expire.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::metrics {

// lienthong_build_info{version,commit} 1, and the process_* families of the Prometheus
// client libraries: process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds.
// Returns the collector id (Registry::remove_collector).
int install_process_metrics(Registry& registry, const std::string& version, const std::string& commit);

struct CertificateInUse {
  std::string use;   // "server", "admin", "client:dvcqg", ...
  std::string file;  // PEM; the first certificate is the one read
};

// lienthong_tls_certificate_expiry_timestamp_seconds{use,file}, read from each file at
// scrape time (a renewed certificate shows without a restart); an unreadable file gives
// lienthong_tls_certificate_read_errors{use,file} 1 instead.
// Returns the collector id, or -1 when `certificates` is empty.
int install_certificate_metrics(Registry& registry, std::vector<CertificateInUse> certificates);

// Seconds since the Unix epoch of a PEM certificate's notAfter; throws std::runtime_error
// naming the file when it cannot be read or parsed.
double certificate_not_after(const std::string& pem_file);

}  // namespace lienthong::metrics
