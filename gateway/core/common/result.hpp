// Result<T>: expected failures inside the core travel as values, never as exceptions.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lienthong {

// One kind per upstream or input failure; each maps to one HTTP status, one metric
// label and one retry decision (see error.cpp).
enum class ErrorKind {
  kTimeout,       // upstream did not answer in time
  kRefused,       // connection refused / reset / DNS
  kUnauthorized,  // 401: credentials or token rejected
  kForbidden,     // 403: no permission for that API
  kRateLimited,   // 429
  kClient,        // other 4xx: the request was wrong
  kServer,        // 5xx
  kProtocol,      // upstream answered with something we cannot read
  kMapping,       // a mapping could not translate a record
  kValidation,    // a record or request failed validation
  kConfig,        // misconfiguration
  kNotFound,
  kConflict,
  kStore,  // the store failed or is unavailable
  kParse,  // malformed outside input
  kInternal,
};

std::string_view to_string(ErrorKind kind);
int http_status(ErrorKind kind);
bool is_retryable(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;      // operator-facing: what, where, what to do. Never personal data.
  int upstream_status = 0;  // HTTP status from upstream, when there was one
  std::string code;         // upstream's own error code, when there was one

  Error() = default;
  Error(ErrorKind k, std::string msg) : kind(k), message(std::move(msg)) {}

  // Prefixes context: Error{...}.context("loading mappings/x.json")
  Error context(std::string_view where) const {
    Error e = *this;
    e.message = std::string(where) + ": " + message;
    return e;
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(ErrorKind kind, std::string message) {
  return Error(kind, std::move(message));
}

}  // namespace lienthong

// Propagates an error from an expression returning Result<...>.
#define LT_TRY(expr)                                         \
  do {                                                       \
    auto lt_try_result_ = (expr);                            \
    if (!lt_try_result_.ok()) return lt_try_result_.error(); \
  } while (0)

#define LT_CONCAT_INNER(a, b) a##b
#define LT_CONCAT(a, b) LT_CONCAT_INNER(a, b)
#define LT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
// LT_ASSIGN_OR_RETURN(auto x, compute());
#define LT_ASSIGN_OR_RETURN(lhs, expr) LT_ASSIGN_OR_RETURN_IMPL(LT_CONCAT(lt_tmp_, __LINE__), lhs, expr)
