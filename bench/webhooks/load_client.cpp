#include "bench/webhooks/load_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace lienthong::bench {

namespace {

int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response; returns its status (0 on failure). `buf` keeps bytes read past it.
int read_response(int fd, std::string& buf) {
  size_t header_end;
  char chunk[16384];
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<size_t>(n));
  }
  int status = std::atoi(buf.c_str() + 9);
  size_t length = 0;
  std::string headers = buf.substr(0, header_end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto p = headers.find("content-length:"); p != std::string::npos) {
    length = static_cast<size_t>(std::atoll(headers.c_str() + p + 15));
  }
  size_t total = header_end + 4 + length;
  while (buf.size() < total) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<size_t>(n));
  }
  buf.erase(0, total);
  return status;
}

}  // namespace

LoadResult run_load(uint16_t port, int connections, std::chrono::milliseconds duration,
                    const std::function<std::string(int thread, int64_t n)>& make) {
  std::atomic<int64_t> requests{0}, ok{0}, errors{0};
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + duration;
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      int fd = connect_loopback(port);
      std::string buf;
      for (int64_t n = 0; std::chrono::steady_clock::now() < deadline; ++n) {
        if (fd < 0) fd = connect_loopback(port);
        if (fd < 0) {
          ++errors;
          continue;
        }
        std::string req = make(t, n);
        int status = send_all(fd, req) ? read_response(fd, buf) : 0;
        ++requests;
        if (status >= 200 && status < 300) {
          ++ok;
        } else {
          ++errors;
          if (status == 0) {
            ::close(fd);
            fd = -1;
            buf.clear();
          }
        }
      }
      if (fd >= 0) ::close(fd);
    });
  }
  for (auto& th : threads) th.join();
  LoadResult r;
  r.requests = requests;
  r.ok = ok;
  r.errors = errors;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace lienthong::bench
