// Outbox destination "one_stop_shop_notify": tells the provincial one-stop-shop system
// (Hệ thống thông tin giải quyết TTHC cấp tỉnh) about a dossier status a ministry pushed,
// by POSTing the canonical event JSON to its notification endpoint.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/core/http/http_client.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::webhooks {

class NotifyDestination final : public outbox::Destination {
 public:
  NotifyDestination(std::string url, http::ClientOptions options);
  std::string name() const override;
  // One POST per message with Idempotency-Key = the outbox dedup key, so that a retry
  // after a lost answer is recognisable upstream. Non-2xx → the error kind of the status.
  std::vector<Status> deliver(const std::vector<outbox::Message>& batch) override;

 private:
  std::string url_;
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace lienthong::webhooks
