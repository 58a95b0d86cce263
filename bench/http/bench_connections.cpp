// What the connection rule of issue #26 costs per call: POSTs of a DVCQG-sized body
// (about 20 KB, a batch of 25 records) from the gateway's HttpClient to the gateway's own
// HttpServer on loopback, over plain HTTP and over TLS (development certificates from
// certs/make-dev-certs.sh), each on a reused keep-alive connection (the baseline, what an
// idempotent call may do) and on a fresh connection per call (what every state-changing
// call now does: a TCP connect, and under TLS a full handshake, each time).
//   bench_connections [--calls N] [--body BYTES] [--repeat N]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/http/http_client.hpp"
#include "gateway/core/server/http_server.hpp"

using namespace lienthong;
namespace fs = std::filesystem;

namespace {

double cpu_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int64_t arg(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == "--" + name) return std::atoll(argv[i + 1]);
  return fallback;
}

struct Figures {
  double seconds = 0, cpu_seconds = 0;  // CPU of the whole process: client and server
};

// `calls` POSTs one after the other, as one outbox worker sends them.
Figures run(http::HttpClient& client, const std::string& url, const std::string& body, bool fresh,
            int64_t calls) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  req.headers.push_back({"Content-Type", "application/json"});
  req.idempotent = !fresh;
  double c0 = cpu_now();
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < calls; ++i) {
    auto r = client.send_expect_2xx(req);
    if (!r.ok()) {
      std::fprintf(stderr, "call failed: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
  Figures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu_seconds = cpu_now() - c0;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t calls = arg(argc, argv, "calls", 2000);
  size_t body_bytes = static_cast<size_t>(arg(argc, argv, "body", 20'000));
  int64_t repeat = std::max<int64_t>(1, arg(argc, argv, "repeat", 3));

  fs::path dir = fs::temp_directory_path() / ("lienthong-bench-conn-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd =
      std::string(LIENTHONG_SOURCE_DIR) + "/certs/make-dev-certs.sh '" + dir.string() + "' >/dev/null";
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "certs/make-dev-certs.sh failed\n");
    return 1;
  }
  std::string body = "{\"data\":\"" + std::string(body_bytes, 'x') + "\"}";
  auto handler = [](server::Request&) {
    return server::Response::json(200, R"({"error_code":"0","message":""})");
  };

  server::ServerOptions plain_options;
  server::HttpServer plain(plain_options);
  plain.route("POST", "/integration", handler);
  uint16_t plain_port = plain.start();

  server::ServerOptions tls_options;
  tls_options.tls.enabled = true;
  tls_options.tls.cert_file = (dir / "server.crt").string();
  tls_options.tls.key_file = (dir / "server.key").string();
  server::HttpServer tls(tls_options);
  tls.route("POST", "/integration", handler);
  uint16_t tls_port = tls.start();

  http::ClientOptions co;
  co.tls.ca_file = (dir / "ca.crt").string();
  http::HttpClient client(co);

  std::printf("POST of %zu bytes from HttpClient to HttpServer on loopback, %ld calls one after the other\n",
              body.size(), static_cast<long>(calls));
  struct Case {
    const char* label;
    std::string url;
    bool fresh;
  };
  std::vector<Case> cases = {
      {"http  reused", "http://127.0.0.1:" + std::to_string(plain_port) + "/integration", false},
      {"http  fresh ", "http://127.0.0.1:" + std::to_string(plain_port) + "/integration", true},
      {"https reused", "https://localhost:" + std::to_string(tls_port) + "/integration", false},
      {"https fresh ", "https://localhost:" + std::to_string(tls_port) + "/integration", true},
  };
  // Alternated: each repeat runs every case once, so load on a shared machine hits all alike.
  std::vector<std::vector<Figures>> figures(cases.size());
  for (int64_t r = 0; r < repeat; ++r) {
    for (size_t c = 0; c < cases.size(); ++c)
      figures[c].push_back(run(client, cases[c].url, body, cases[c].fresh, calls));
  }
  for (size_t c = 0; c < cases.size(); ++c) {
    auto& f = figures[c];
    std::sort(f.begin(), f.end(), [](const Figures& a, const Figures& b) { return a.seconds < b.seconds; });
    const Figures& m = f[f.size() / 2];
    std::printf("%s: median of %zu: %8.0f calls/s, %7.1f us per call, %7.1f CPU-us per call\n",
                cases[c].label, f.size(), static_cast<double>(calls) / m.seconds,
                m.seconds * 1e6 / static_cast<double>(calls),
                m.cpu_seconds * 1e6 / static_cast<double>(calls));
  }
  plain.stop();
  tls.stop();
  fs::remove_all(dir);
  return 0;
}
