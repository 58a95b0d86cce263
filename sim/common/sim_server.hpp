// A deliberately small HTTP/1.1 server for the simulators. It is not the gateway's
// HttpServer on purpose: a simulator must be able to misbehave in ways a production
// server never does (hold a request until the client times out, drop the connection
// without an answer, answer 5xx at random, lose a reply after processing), and those
// faults must be decided per request from a seeded generator.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lienthong::sim {

struct SimRequest {
  std::string method;
  std::string target;                          // as received
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
};

struct SimResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  static SimResponse json(int status, std::string body);
};

// Faults injected into every request whose path does not start with /__sim/ (the
// simulators' own control and inspection endpoints stay reliable for tests).
struct Faults {
  int latency_ms = 0;        // added to every answer
  double fail_5xx = 0;       // share answered 503 before any processing
  double timeout_share = 0;  // share held unanswered for hang_ms, then closed
  int hang_ms = 3000;
  double drop_share = 0;        // share whose connection is closed without an answer
  double lost_reply_share = 0;  // share processed, then closed without an answer
  uint64_t seed = 1;
};

struct FaultCounts {
  int64_t requests = 0, failed_5xx = 0, timeouts = 0, dropped = 0, lost_replies = 0;
};

using SimHandler = std::function<SimResponse(const SimRequest&)>;

class SimServer {
 public:
  SimServer(std::string name, Faults faults, SimHandler handler);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds (port 0: any free port) and starts accepting; returns the bound port.
  // Throws std::runtime_error when the address cannot be bound.
  uint16_t start(const std::string& address = "127.0.0.1", uint16_t port = 0);
  void stop();
  uint16_t port() const { return port_; }
  FaultCounts counts() const;

 private:
  enum class Fault { kNone, k5xx, kTimeout, kDrop, kLostReply };
  Fault draw();
  SimResponse faults_answer() const;
  void accept_loop();
  void serve_connection(int fd);
  bool sleep_unless_stopping(int ms);

  std::string name_;
  Faults faults_;
  SimHandler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::condition_variable idle_cv_;
  std::map<int, bool> open_fds_;  // connections being served (detached threads)
  FaultCounts counts_;
};

}  // namespace lienthong::sim
