#include "gateway/flows/webhooks/notify_destination.hpp"

#include "gateway/flows/webhooks/event_apply.hpp"

namespace lienthong::webhooks {

NotifyDestination::NotifyDestination(std::string url, http::ClientOptions options)
    : url_(std::move(url)), client_(std::make_unique<http::HttpClient>(std::move(options))) {}

std::string NotifyDestination::name() const {
  return kNotifyDestination;
}

std::vector<Status> NotifyDestination::deliver(const std::vector<outbox::Message>& batch) {
  std::vector<Status> out;
  out.reserve(batch.size());
  for (const auto& m : batch) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = url_;
    req.system = "notify";
    req.operation = "notify";
    req.body = m.payload;
    req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", m.dedup_key}};
    auto r = client_->send_expect_2xx(req);
    out.push_back(r.ok() ? Status{} : Status(r.error().context("notifying the one-stop-shop system")));
  }
  return out;
}

}  // namespace lienthong::webhooks
