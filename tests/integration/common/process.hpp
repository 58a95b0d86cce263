// Runs the real binaries for integration tests: a child process with its stdout on a
// pipe (read line by line with a deadline) and its stderr in a file.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lienthong::testing {

// The project's binaries in the build tree (test targets define LIENTHONG_BINARY_DIR).
inline const std::string kLienthong = std::string(LIENTHONG_BINARY_DIR) + "/app/lienthong";
inline const std::string kSim = std::string(LIENTHONG_BINARY_DIR) + "/sim/lienthong-sim";

class Process {
 public:
  // Starts argv[0] with the given arguments; extra environment as NAME=VALUE.
  Process(const std::vector<std::string>& argv, const std::string& stderr_file,
          const std::vector<std::string>& env = {});
  ~Process();  // SIGKILLs a child still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Next line of stdout, or nullopt at EOF or when `timeout` passes.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything left on stdout until EOF.
  std::string read_all();
  void signal(int sig);
  // Exit status (128 + signal when killed); waits at most `timeout`, then SIGKILLs.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(120));
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::optional<int> status_;
};

// Runs to completion; returns {exit status, stdout}.
std::pair<int, std::string> run(const std::vector<std::string>& argv, const std::string& stderr_file,
                                const std::vector<std::string>& env = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(120));

// Plain HTTP/1.1 on loopback for the simulators' inspection endpoints.
struct HttpResult {
  int status = 0;
  std::string head;  // status line and header fields, as received
  std::string body;
};
// `headers`: extra request header lines without CRLF, e.g. "Authorization: Bearer x".
HttpResult http_request(uint16_t port, const std::string& method, const std::string& path,
                        const std::vector<std::string>& headers = {});

}  // namespace lienthong::testing
