// Durable inbox of the tax notices and vouchers DVCQG pushes (docs/contracts/tax.md): each
// push whose SecurityKey matched and whose lines all parsed is stored before it is answered,
// once per (kind, Service, dossiers, content); reconciliation reads the stored pushes as it
// reads the tax files.
#pragma once

#include <string>
#include <vector>

#include "adapters/tax/tax.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong::tax {

std::vector<store::Migration> push_migrations();

// What is kept of a push's lines (no taxpayer id, no payer's personal data), as stored.
std::string kept_lines(const PushContent& content);

class PushInbox {
 public:
  PushInbox(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // True when stored now, false when the same push was stored before (a replay). The
  // SecurityKey is never stored.
  Result<bool> store(PushKind kind, const PushEnvelope& envelope, const PushContent& content);
  // The same from what a push keeps (kept_lines() of its content, the SHA-256 of its Data),
  // received at `received_at_ms`: the webhook receiver's land-tax record kind.
  struct Kept {
    std::string service, dossiers, content_sha256, ngay, is_updating, lines;
  };
  Result<bool> store_kept(PushKind kind, const Kept& kept, int64_t received_at_ms);

  // Adds every stored push to `out`: notice lines as obligations of `agency`, vouchers as
  // payments (paid when TrangThaiThanhToan is 1, pending otherwise). A later push of the same
  // dossier and notice number (IsUpdating "True") replaces the earlier line; a line `out`
  // already holds from a file is not added twice. Returns how many records were added.
  Result<int64_t> load(const std::string& agency, reconciliation::Dataset& out);

  Result<int64_t> count(PushKind kind);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace lienthong::tax
