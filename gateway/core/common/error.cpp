#include "gateway/core/common/result.hpp"

namespace lienthong {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kRefused:
      return "refused";
    case ErrorKind::kUnauthorized:
      return "unauthorized";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kClient:
      return "client_error";
    case ErrorKind::kServer:
      return "server_error";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kMapping:
      return "mapping";
    case ErrorKind::kValidation:
      return "validation";
    case ErrorKind::kConfig:
      return "config";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kStore:
      return "store";
    case ErrorKind::kParse:
      return "parse";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

// Status a gateway endpoint answers when this kind of failure stops a request.
int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTimeout:
      return 504;
    case ErrorKind::kRefused:
      return 502;
    case ErrorKind::kUnauthorized:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kRateLimited:
      return 429;
    case ErrorKind::kClient:
      return 400;
    case ErrorKind::kServer:
      return 502;
    case ErrorKind::kProtocol:
      return 502;
    case ErrorKind::kMapping:
      return 422;
    case ErrorKind::kValidation:
      return 400;
    case ErrorKind::kConfig:
      return 500;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kStore:
      return 503;
    case ErrorKind::kParse:
      return 400;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

// Whether the same call may succeed if made again later. 401 is handled by the token
// provider (refresh once), 403/429 are reported, not retried blindly.
bool is_retryable(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTimeout:
    case ErrorKind::kRefused:
    case ErrorKind::kServer:
    case ErrorKind::kStore:
    case ErrorKind::kRateLimited:  // retried by the outbox on its own backoff, never in a tight loop
      return true;
    default:
      return false;
  }
}

}  // namespace lienthong
