// The reconciliation component (config section "reconciliation") and the pieces of it that
// tests and the HTTP route call directly.
#pragma once

#include <string>
#include <string_view>

#include "app/component.hpp"
#include "gateway/config/config.hpp"

namespace lienthong::reconciliation {
class CallbackInbox;
}
namespace lienthong::tax {
class PushInbox;
enum class PushKind;
}  // namespace lienthong::tax

namespace lienthong::app {

ComponentSpec reconciliation_component();

// Next daily run at HH:MM Vietnam time strictly after `now_ms`.
int64_t next_daily_run_ms(int64_t now_ms, int hour, int minute);

// The payment platform's confirmation callback: verify MaXacThuc, store durably
// (idempotent on MaGiaoDich), then answer MaLoi "00". A bad signature is answered 401 with
// MaLoi "01", a malformed body 400 with "02", a store failure 503 (the platform retries).
struct CallbackAnswer {
  int http_status = 200;
  std::string body;  // JSON {"MaLoi": ..., "MoTa": ...}
  bool stored_new = false;
};
CallbackAnswer handle_payment_callback(std::string_view body, const Secret& secret,
                                       reconciliation::CallbackInbox& inbox);

// A tax notice or voucher pushed by DVCQG (docs/contracts/tax.md): check SecurityKey
// (constant time), read every line, store durably (once per dossier + Service + content),
// then answer as the public receiver does: HTTP 201 with {succeeded, failed, message, data}.
// A wrong key or a bad push is answered succeeded=false and nothing is stored; a store
// failure is answered 500 so that the sender retries.
struct TaxPushAnswer {
  int http_status = 201;
  std::string body;
  bool stored_new = false;
};
TaxPushAnswer handle_tax_push(tax::PushKind kind, std::string_view body, const Secret& security_key,
                              tax::PushInbox& inbox);

}  // namespace lienthong::app
