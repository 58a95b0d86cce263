// Nghĩa vụ tài chính (fee obligations) of the dossiers, as the provincial one-stop-shop
// system exports them for a period: CSV with header MaHoSo, MaDonVi, SoTien and optionally
// MaKhoanThu (fee code). Malformed rows become InputIssues; a file without these headers
// is refused as a whole.
#pragma once

#include <string>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong::reconciliation {

Status read_obligations_csv(const std::string& path, Dataset& out);

}  // namespace lienthong::reconciliation
