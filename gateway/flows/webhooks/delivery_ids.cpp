#include "gateway/flows/webhooks/delivery_ids.hpp"

namespace lienthong::webhooks {

namespace {
uint64_t key_hash(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}
}  // namespace

std::string delivery_key(std::string_view source, std::string_view webhook_id) {
  std::string k;
  k.reserve(source.size() + 1 + webhook_id.size());
  k.append(source).push_back('\n');
  k.append(webhook_id);
  return k;
}

Outcome replay(const IntakeAnswer& earlier, const std::string& webhook_id, const std::string& body_hash) {
  if (earlier.body_hash != body_hash) {
    return problem(409, "webhook-id-reused", "webhook-id reused with different content",
                   "webhook-id '" + webhook_id +
                       "' was delivered before with another body; use a new id for a new message");
  }
  return answered(earlier, true);
}

DeliveryIds::DeliveryIds(store::Database& db) : db_(db), receipts_(db) {}

Status DeliveryIds::load() {
  LT_ASSIGN_OR_RETURN(auto ids, ids_in_store());
  std::lock_guard lock(mu_);
  known_.merge(ids);
  return {};
}

Result<std::unordered_set<uint64_t>> DeliveryIds::ids_in_store() {
  std::unordered_set<uint64_t> out;
  std::string after_source, after_id;
  for (bool first = true;; first = false) {
    constexpr int64_t kPage = 10'000;
    auto keys = first ? db_.query(
                            "SELECT source, webhook_id FROM webhook_receipts ORDER BY source, webhook_id "
                            "LIMIT ?",
                            {kPage})
                      : db_.query(
                            "SELECT source, webhook_id FROM webhook_receipts WHERE (source, webhook_id) > "
                            "(?, ?) ORDER BY source, webhook_id LIMIT ?",
                            {after_source, after_id, kPage});
    if (!keys.ok()) return keys.error();
    for (const auto& row : *keys) out.insert(key_hash(delivery_key(row.str(0), row.str(1))));
    if (static_cast<int64_t>(keys->size()) < kPage) break;
    after_source = keys->back().str(0);
    after_id = keys->back().str(1);
  }
  return out;
}

Result<std::optional<IntakeAnswer>> DeliveryIds::earlier(const std::string& key, const std::string& source,
                                                         const std::string& webhook_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = answers_.find(key); it != answers_.end()) return std::optional<IntakeAnswer>(it->second);
    if (!known_.count(key_hash(key))) return std::optional<IntakeAnswer>();
  }
  LT_ASSIGN_OR_RETURN(auto r, receipts_.find(source, webhook_id));
  if (!r) return std::optional<IntakeAnswer>();
  IntakeAnswer a;
  a.body_hash = std::move(r->body_sha256);
  a.status = r->status;
  a.outcome = std::move(r->outcome);
  a.body = std::move(r->response_body);
  return std::optional<IntakeAnswer>(std::move(a));
}

void DeliveryIds::note_locked(uint64_t hash) {
  known_.insert(hash);
  if (rebuilding_) known_meanwhile_.insert(hash);
}

Result<std::optional<IntakeAnswer>> DeliveryIds::take(const std::string& key, const IntakeAnswer& answer,
                                                      const std::function<Status()>& record) {
  std::lock_guard lock(mu_);
  if (auto it = answers_.find(key); it != answers_.end()) return std::optional<IntakeAnswer>(it->second);
  LT_TRY(record());
  answers_.emplace(key, answer);
  note_locked(key_hash(key));
  return std::optional<IntakeAnswer>();
}

void DeliveryIds::hold(const std::string& key, const IntakeAnswer& answer) {
  std::lock_guard lock(mu_);
  answers_.emplace(key, answer);
  note_locked(key_hash(key));
}

void DeliveryIds::note(const std::string& key) {
  std::lock_guard lock(mu_);
  note_locked(key_hash(key));
}

void DeliveryIds::applied(const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  ++round_;
  for (const auto& k : keys) applied_keys_.emplace_back(round_, k);
  while (!applied_keys_.empty() && applied_keys_.front().first + 2 <= round_) {
    answers_.erase(applied_keys_.front().second);
    applied_keys_.pop_front();
  }
}

// The set of known ids is rebuilt from the store; ids taken during the scan, and those of
// deliveries whose answers are still held here (accepted, possibly not yet applied or
// applied after their part of the scan), are added to it.
Result<int64_t> DeliveryIds::prune(int64_t cutoff_ms) {
  LT_ASSIGN_OR_RETURN(int64_t deleted, receipts_.prune(cutoff_ms));
  if (deleted == 0) return deleted;
  {
    std::lock_guard lock(mu_);
    rebuilding_ = true;
    known_meanwhile_.clear();
    for (const auto& a : answers_) known_meanwhile_.insert(key_hash(a.first));
  }
  auto fresh = ids_in_store();
  std::lock_guard lock(mu_);
  rebuilding_ = false;
  if (fresh.ok()) {
    fresh->merge(known_meanwhile_);
    known_.swap(*fresh);
  }
  known_meanwhile_ = {};
  // Not rebuilt: the old set stays, a superset that only costs store lookups.
  if (!fresh.ok()) return fresh.error().context("forgetting the ids of the deleted receipts");
  return deleted;
}

size_t DeliveryIds::known() const {
  std::lock_guard lock(mu_);
  return known_.size();
}

}  // namespace lienthong::webhooks
