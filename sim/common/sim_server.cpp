#include "sim/common/sim_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace lienthong::sim {

namespace {

// Limits: a simulator is only ever talked to by the gateway and tests.
constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 256 * 1024 * 1024;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string SimRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

SimResponse SimResponse::json(int status, std::string body) {
  SimResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

SimServer::SimServer(std::string name, Faults faults, SimHandler handler)
    : name_(std::move(name)), faults_(faults), handler_(std::move(handler)), rng_(faults.seed) {}

SimServer::~SimServer() {
  stop();
}

uint16_t SimServer::start(const std::string& address, uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(name_ + ": socket() failed: " + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error(name_ + ": not an IPv4 address: " + address);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 512) != 0) {
    std::string err = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error(name_ + ": cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             err);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
  return port_;
}

void SimServer::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  std::unique_lock lock(mu_);
  for (auto& [fd, _] : open_fds_) ::shutdown(fd, SHUT_RDWR);
  idle_cv_.wait(lock, [this] { return open_fds_.empty(); });
}

FaultCounts SimServer::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

// GET /__sim/faults on every simulator: the faults injected so far, for tests that must
// know a fault really happened.
SimResponse SimServer::faults_answer() const {
  FaultCounts c = counts();
  return SimResponse::json(
      200, "{\"requests\":" + std::to_string(c.requests) + ",\"failed_5xx\":" + std::to_string(c.failed_5xx) +
               ",\"timeouts\":" + std::to_string(c.timeouts) + ",\"dropped\":" + std::to_string(c.dropped) +
               ",\"lost_replies\":" + std::to_string(c.lost_replies) + "}");
}

SimServer::Fault SimServer::draw() {
  std::lock_guard lock(mu_);
  ++counts_.requests;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double r = u(rng_);
  double edge = faults_.fail_5xx;
  if (r < edge) return ++counts_.failed_5xx, Fault::k5xx;
  if (r < (edge += faults_.timeout_share)) return ++counts_.timeouts, Fault::kTimeout;
  if (r < (edge += faults_.drop_share)) return ++counts_.dropped, Fault::kDrop;
  if (r < (edge += faults_.lost_reply_share)) return ++counts_.lost_replies, Fault::kLostReply;
  return Fault::kNone;
}

bool SimServer::sleep_unless_stopping(int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 20)));
  }
  return !stopping_;
}

void SimServer::accept_loop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      open_fds_[fd] = true;
    }
    std::thread([this, fd] {
      serve_connection(fd);
      ::close(fd);
      std::lock_guard lock(mu_);
      open_fds_.erase(fd);
      idle_cv_.notify_all();
    }).detach();
  }
}

void SimServer::serve_connection(int fd) {
  std::string buf;
  char chunk[64 * 1024];
  while (!stopping_) {
    // Read the head.
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHeaderBytes) return;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    SimRequest req;
    std::string head = buf.substr(0, head_end);
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos) return;
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
        req.headers[lower(line.substr(0, colon))] = value;
      }
      pos = e + 2;
    }
    size_t content_length = 0;
    if (auto cl = req.header("content-length"); !cl.empty()) content_length = std::stoull(cl);
    if (content_length > kMaxBodyBytes) return;
    size_t body_start = head_end + 4;
    while (buf.size() < body_start + content_length) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    req.body = buf.substr(body_start, content_length);
    buf.erase(0, body_start + content_length);

    size_t q = req.target.find('?');
    req.path = percent_decode(req.target.substr(0, q));
    if (q != std::string::npos) {
      std::string_view qs = std::string_view(req.target).substr(q + 1);
      while (!qs.empty()) {
        size_t amp = qs.find('&');
        std::string_view kv = qs.substr(0, amp);
        size_t eq = kv.find('=');
        req.query[percent_decode(kv.substr(0, eq))] =
            eq == std::string_view::npos ? std::string() : percent_decode(kv.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        qs.remove_prefix(amp + 1);
      }
    }

    bool control = req.path.rfind("/__sim/", 0) == 0;
    Fault fault = control ? Fault::kNone : draw();
    if (!control && faults_.latency_ms > 0 && !sleep_unless_stopping(faults_.latency_ms)) return;
    SimResponse res;
    switch (fault) {
      case Fault::kTimeout:
        sleep_unless_stopping(faults_.hang_ms);
        return;
      case Fault::kDrop:
        return;
      case Fault::k5xx:
        res = SimResponse::json(503, "{\"error\":\"injected fault: service unavailable\"}");
        break;
      default:
        try {
          res = req.path == "/__sim/faults" ? faults_answer() : handler_(req);
        } catch (const std::exception& e) {
          res = SimResponse::json(500, std::string("{\"error\":\"simulator bug: ") + e.what() + "\"}");
        }
        if (fault == Fault::kLostReply) return;
    }
    bool close = lower(req.header("connection")) == "close";
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reason(res.status) + "\r\n";
    out += "Content-Type: " + res.content_type + "\r\n";
    for (auto& [k, v] : res.headers) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
    out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    out += res.body;
    if (!write_all(fd, out) || close) return;
  }
}

}  // namespace lienthong::sim
