#include "gateway/flows/reconciliation/obligations_csv.hpp"

#include "gateway/flows/reconciliation/amount.hpp"
#include "gateway/flows/reconciliation/csv_reader.hpp"

namespace lienthong::reconciliation {

Status read_obligations_csv(const std::string& path, Dataset& out) {
  LT_ASSIGN_OR_RETURN(auto reader, CsvReader::open(path));
  std::vector<std::string_view> header;
  uint32_t header_line = 0;
  std::string err;
  if (reader->next(header, header_line, err) != CsvReader::Next::kRecord) {
    return make_error(ErrorKind::kParse,
                      "obligations file " + path + ": no header row (expected MaHoSo,MaDonVi,SoTien)");
  }
  int c_dossier = -1, c_agency = -1, c_amount = -1, c_ref = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "MaHoSo") c_dossier = static_cast<int>(i);
    if (header[i] == "MaDonVi") c_agency = static_cast<int>(i);
    if (header[i] == "SoTien") c_amount = static_cast<int>(i);
    if (header[i] == "MaKhoanThu") c_ref = static_cast<int>(i);
  }
  if (c_dossier < 0 || c_agency < 0 || c_amount < 0) {
    return make_error(ErrorKind::kParse, "obligations file " + path +
                                             ": header must contain MaHoSo, MaDonVi and SoTien (is this the "
                                             "provincial system's obligations export?)");
  }
  out.set_has_obligations(true);
  for_each_record(*reader, path, header.size(), out,
                  [&](const std::vector<std::string_view>& f, uint32_t line) {
                    Obligation o;
                    o.line = line;
                    o.dossier = f[static_cast<size_t>(c_dossier)];
                    o.agency = f[static_cast<size_t>(c_agency)];
                    if (c_ref >= 0) o.obligation_ref = f[static_cast<size_t>(c_ref)];
                    if (o.dossier.empty()) {
                      out.add_issue({path, line, "MaHoSo is empty"});
                      return;
                    }
                    if (!parse_vnd_fast(f[static_cast<size_t>(c_amount)], {}, o.amount) || o.amount <= 0) {
                      out.add_issue({path, line, "SoTien is not a positive whole VND amount"});
                      return;
                    }
                    out.add_obligation(o);
                  });
  return Status();
}

}  // namespace lienthong::reconciliation
