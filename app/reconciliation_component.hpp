// The reconciliation component (config section "reconciliation") and the pieces of it that
// tests and the HTTP route call directly.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/config/config.hpp"
#include "gateway/core/runtime/component.hpp"

namespace lienthong::reconciliation {
class CallbackInbox;
}

namespace lienthong::app {

ComponentSpec reconciliation_component();

// Next daily run at HH:MM Vietnam time strictly after `now_ms`.
int64_t next_daily_run_ms(int64_t now_ms, int hour, int minute);

// The payment platform's confirmation callback (docs/contracts/payment_platform.md): verify
// MaXacThuc, store durably (idempotent on MaGiaoDich) as paid when MaLoi is "00" and as failed
// otherwise, then answer. Always HTTP 200; MaLoi "00" when stored, "99" for a bad checksum,
// a malformed body or a store failure (the platform sends it again).
struct CallbackAnswer {
  int http_status = 200;
  std::string body;  // JSON {MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc}
  bool stored_new = false;
};
CallbackAnswer handle_payment_callback(std::string_view body, const Secret& secret,
                                       reconciliation::CallbackInbox& inbox);

}  // namespace lienthong::app
