#include <cstdio>

#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "app/console/table_export.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::console {

// The indicators as the page names them (docs/kpi.md gives each one's defining phrase).
struct IndicatorName {
  const char* id;
  const char* name;     // "Tỷ lệ …"
  const char* total;    // a
  const char* counted;  // b
};
namespace {

constexpr IndicatorName kIndicators[] = {
    {"on_time", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Hồ sơ đã giải quyết", "Đúng hạn"},
    {"online_full", "Tỷ lệ hồ sơ trực tuyến toàn trình", "Hồ sơ đã giải quyết (TTHC toàn trình)",
     "Nộp trực tuyến"},
    {"online_payment_procedures", "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến",
     "TTHC triển khai thanh toán trực tuyến", "Có giao dịch"},
    {"online_payment_dossiers", "Tỷ lệ hồ sơ thanh toán trực tuyến", "Hồ sơ có nghĩa vụ tài chính",
     "Thanh toán trực tuyến"},
    {"digitised_dossiers", "Tỷ lệ số hóa hồ sơ", "Hồ sơ đã tiếp nhận", "Có thành phần số hóa"},
    {"digitised_results", "Tỷ lệ cấp kết quả điện tử", "Hồ sơ đã giải quyết", "Có kết quả điện tử"},
};

const IndicatorName* indicator_named(const std::string& id) {
  for (const auto& i : kIndicators)
    if (id == i.id) return &i;
  return nullptr;
}

std::string group_label(const std::string& group) {
  if (group == "total") return "Toàn tỉnh";
  if (group == "province") return "Cấp tỉnh";
  if (group == "district") return "Cấp huyện";
  if (group == "commune") return "Cấp xã";
  return group;
}

// One month of the trend: the province's qualifying count (b) of the total (a).
struct TrendPoint {
  std::string label;
  std::optional<double> ratio;
  int64_t a = 0, b = 0;
};

std::string svg_open(const std::string& title_id, const std::string& title, int width, int height) {
  return "<svg role=\"img\" aria-labelledby=\"" + title_id + "\" width=\"" + std::to_string(width) +
         "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\"><title id=\"" + title_id + "\">" + escape(title) + "</title>";
}

// The months as a line against the target (dashed), with the figures in a table beside it.
std::string draw_trend(const IndicatorName& ind, const std::vector<TrendPoint>& points,
                       std::optional<double> target) {
  const int left = 70, top = 10, width = 600, height = 200;
  auto x_of = [&](size_t i) {
    return left + static_cast<int>(i * width / (points.size() > 1 ? points.size() - 1 : 1));
  };
  auto y_of = [&](double ratio) { return top + static_cast<int>((1.0 - ratio) * height); };
  std::string svg =
      svg_open("kpi-trend-title", std::string(ind.name) + " toàn tỉnh theo tháng so với mục tiêu",
               left + width + 40, top + height + 40);
  for (double g : {0.0, 0.5, 1.0})
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + std::to_string(y_of(g) + 4) +
           "\" text-anchor=\"end\">" + percent(g) + "</text><line x1=\"" + std::to_string(left) + "\" y1=\"" +
           std::to_string(y_of(g)) + "\" x2=\"" + std::to_string(left + width) + "\" y2=\"" +
           std::to_string(y_of(g)) + "\" stroke=\"#c8c8c8\"></line>";
  if (target)
    svg += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(y_of(*target)) + "\" x2=\"" +
           std::to_string(left + width) + "\" y2=\"" + std::to_string(y_of(*target)) +
           "\" stroke=\"#1a1a1a\" stroke-dasharray=\"4 3\"></line>";
  std::string line;
  std::string table =
      "<table><caption>Toàn tỉnh theo tháng</caption><thead><tr><th scope=\"col\">Tháng</th><th "
      "scope=\"col\">" +
      std::string(ind.total) + "</th><th scope=\"col\">" + ind.counted +
      "</th><th scope=\"col\">Tỷ lệ</th></tr></thead><tbody>";
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.ratio) {
      line += (line.empty() ? "" : " ") + std::to_string(x_of(i)) + "," + std::to_string(y_of(*p.ratio));
      svg += "<circle cx=\"" + std::to_string(x_of(i)) + "\" cy=\"" + std::to_string(y_of(*p.ratio)) +
             "\" r=\"3\" fill=\"#0b4f8a\"></circle>";
    }
    if (i % 2 == 0 || i + 1 == points.size())
      svg += "<text x=\"" + std::to_string(x_of(i)) + "\" y=\"" + std::to_string(top + height + 20) +
             "\" text-anchor=\"middle\">" + p.label + "</text>";
    table += "<tr><td>" + p.label + "</td><td class=\"num\">" + format_number(p.a) +
             "</td><td class=\"num\">" + format_number(p.b) + "</td><td class=\"num\">" +
             (p.ratio ? percent(*p.ratio) : "—") + "</td></tr>";
  }
  if (!line.empty())
    svg +=
        "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"#0b4f8a\" stroke-width=\"2\"></polyline>";
  return "<h2>Xu hướng theo tháng: " + std::string(ind.name) + "</h2>" + svg + "</svg>" + table +
         "</tbody></table>";
}

std::string option(const std::string& value, const std::string& label, const std::string& selected) {
  return "<option value=\"" + escape(value) + "\"" + (value == selected ? " selected" : "") + ">" +
         escape(label) + "</option>";
}

}  // namespace

Response Console::Impl::kpi_download(const Request& req, bool xlsx) {
  if (!ctx.kpi) return html(404, "<!doctype html><title>404</title><p>Chưa cấu hình mục kpi.");
  auto period = kpi::parse_period(q_or(req, "period"));
  if (!period.ok()) return html(400, "<!doctype html><title>400</title><p>" + escape(period.error().message));
  const std::string by_text = q_or(req, "by").empty() ? "agency" : q_or(req, "by");
  auto by = kpi::parse_group_by(by_text);
  if (!by.ok() || (*by != kpi::GroupBy::kAgency && *by != kpi::GroupBy::kLevel))
    return html(400, "<!doctype html><title>400</title><p>Cách nhóm phải là agency hoặc level.");
  auto report = kpi_report(*period, *by);
  if (!report.ok()) return html(500, "<!doctype html><title>Lỗi</title><p>" + escape(report.error().message));
  ExportTable t;
  t.header = {"indicator", std::string(kpi::to_string(*by)), "a", "b", "ratio", "target"};
  t.numeric = {false, false, true, true, true, true};
  for (auto& r : report->rows) {
    char ratio[32] = "", target[32] = "";
    if (r.ratio) std::snprintf(ratio, sizeof ratio, "%.6f", *r.ratio);
    if (r.target) std::snprintf(target, sizeof target, "%.4f", *r.target);
    t.rows.push_back({r.indicator, r.group, std::to_string(r.a), std::to_string(r.b), ratio, target});
  }
  return download(t, "chi-so-" + period->label.substr(0, 20), xlsx);
}

std::string Console::Impl::kpi_page(const Request& req) {
  std::string period_text = q_or(req, "period");
  if (period_text.empty()) {
    auto t = vn_time::to_vietnam(ctx.clock->now_ms());
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", t.year, t.month);
    period_text = buf;
  }
  const std::string indicator = q_or(req, "indicator").empty() ? "on_time" : q_or(req, "indicator");
  const std::string by_text = q_or(req, "by") == "level" ? "level" : "agency";
  std::string indicator_options,
      by_options = option("agency", "Cơ quan", by_text) + option("level", "Cấp hành chính", by_text);
  for (const auto& i : kIndicators) indicator_options += option(i.id, i.name, indicator);
  std::string out =
      "<form method=\"get\" action=\"/console/kpi\" class=\"filters\"><label for=\"period\">Kỳ báo cáo "
      "(2026, 2026-Q4, 2026-12)</label><input id=\"period\" name=\"period\" value=\"" +
      escape(period_text) +
      "\" maxlength=\"32\"><label for=\"indicator\">Chỉ số</label><select id=\"indicator\" "
      "name=\"indicator\">" +
      indicator_options + "</select><label for=\"by\">Theo</label><select id=\"by\" name=\"by\">" +
      by_options + "</select><button type=\"submit\">Xem</button></form>";
  if (!ctx.kpi)
    return out +
           "<p>Chưa cấu hình mục <code>kpi</code> (danh mục thủ tục, mục tiêu) nên chưa tính được chỉ "
           "số.</p>";
  const IndicatorName* ind = indicator_named(indicator);
  if (!ind) return out + "<p class=\"error\" role=\"alert\">Chỉ số không hợp lệ.</p>";
  auto period = kpi::parse_period(period_text);
  if (!period.ok())
    return out +
           "<p class=\"error\" role=\"alert\">Kỳ báo cáo không hợp lệ: " + escape(period.error().message) +
           "</p>";
  const kpi::GroupBy by = by_text == "level" ? kpi::GroupBy::kLevel : kpi::GroupBy::kAgency;
  int64_t computed_at = 0;
  auto report = kpi_report(*period, by, &computed_at);
  if (!report.ok()) return out + "<p class=\"error\">" + escape(report.error().message) + "</p>";
  const std::string query = "period=" + url_encode(period_text) + "&amp;by=" + by_text;
  out += "<p class=\"note\">Kỳ " + escape(report->period.label) + ". Số liệu tính lúc " +
         format_datetime(computed_at) + ", tính lại sau mỗi " + std::to_string(config.refresh_ms / 60'000) +
         " phút. <a href=\"/console/kpi/report.csv?" + query +
         "\" download>Tải CSV</a> · <a "
         "href=\"/console/kpi/report.xlsx?" +
         query + "\" download>Tải XLSX</a></p>";
  out += kpi_summary(report->rows);
  std::vector<kpi::IndicatorRow> rows;
  for (auto& r : report->rows)
    if (r.indicator == ind->id) rows.push_back(r);
  out += "<h2>" + std::string(ind->name) +
         (by == kpi::GroupBy::kLevel ? " theo cấp hành chính" : " theo cơ quan") + "</h2>";
  if (rows.size() <= 1 && (rows.empty() || rows.front().a == 0))
    out += "<p>Không có hồ sơ nào trong kỳ.</p>";
  else
    out += kpi_chart(*ind, rows);
  return out + trend(*period, *ind) + monitors(*period);
}

// Every indicator's province total for the period, against its target.
std::string Console::Impl::kpi_summary(const std::vector<kpi::IndicatorRow>& rows) {
  std::string t =
      "<h2>Các chỉ số của kỳ (toàn tỉnh)</h2><table><thead><tr><th scope=\"col\">Chỉ số</th><th "
      "scope=\"col\">Tổng số (a)</th><th scope=\"col\">Đạt (b)</th><th scope=\"col\">Tỷ lệ b/a</th><th "
      "scope=\"col\">Mục tiêu</th><th scope=\"col\">Đánh giá</th></tr></thead><tbody>";
  for (const auto& ind : kIndicators)
    for (const auto& r : rows) {
      if (r.indicator != ind.id || r.group != "total") continue;
      const bool judged = r.ratio && r.target;
      t += "<tr><td>" + std::string(ind.name) + "</td><td class=\"num\">" + format_number(r.a) +
           "</td><td class=\"num\">" + format_number(r.b) + "</td><td class=\"num\">" +
           (r.ratio ? percent(*r.ratio) : "—") + "</td><td class=\"num\">" +
           (r.target ? percent(*r.target) : "—") + "</td><td>" +
           (judged ? light(*r.ratio >= *r.target ? "green" : "red") : std::string("—")) + "</td></tr>";
    }
  return t + "</tbody></table>";
}

// One bar per group and the total, each with its target as a dashed mark (targets differ
// by level for digitisation); drawn on the server (no script), the figures in a table.
std::string Console::Impl::kpi_chart(const IndicatorName& ind, const std::vector<kpi::IndicatorRow>& rows) {
  const int bar_h = 22, left = 180, width = 420, top = 10;
  const int height = top * 2 + bar_h * static_cast<int>(rows.size());
  std::string svg =
      svg_open("kpi-chart-title", std::string(ind.name) + " so với mục tiêu", left + width + 80, height);
  std::string table = "<table><thead><tr><th scope=\"col\">Đơn vị</th><th scope=\"col\">" +
                      std::string(ind.total) + "</th><th scope=\"col\">" + ind.counted +
                      "</th><th scope=\"col\">Tỷ lệ</th><th scope=\"col\">Mục tiêu</th><th "
                      "scope=\"col\">Đánh giá</th></tr></thead><tbody>";
  int i = 0;
  for (auto& r : rows) {
    const bool judged = r.ratio && r.target;
    const bool met = judged && *r.ratio >= *r.target;
    const std::string label = group_label(r.group);
    table += "<tr><td>" + escape(label) + "</td><td class=\"num\">" + format_number(r.a) +
             "</td><td class=\"num\">" + format_number(r.b) + "</td><td class=\"num\">" +
             (r.ratio ? percent(*r.ratio) : "—") + "</td><td class=\"num\">" +
             (r.target ? percent(*r.target) : "—") + "</td><td>" +
             (judged ? light(met ? "green" : "red") : std::string("—")) + "</td></tr>";
    const int y = top + i * bar_h;
    const int w = r.ratio ? static_cast<int>(*r.ratio * width) : 0;
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + escape(label) + "</text><rect x=\"" + std::to_string(left) +
           "\" y=\"" + std::to_string(y + 3) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
           std::to_string(bar_h - 6) + "\" fill=\"" +
           (!judged ? "#5b6b7a"
            : met   ? "#2e7d32"
                    : "#c62828") +
           "\"></rect><text x=\"" + std::to_string(left + w + 4) + "\" y=\"" + std::to_string(y + 15) +
           "\">" + (r.ratio ? percent(*r.ratio) : "—") + "</text>";
    if (r.target) {
      const int tx = left + static_cast<int>(*r.target * width);
      svg += "<line x1=\"" + std::to_string(tx) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
             std::to_string(tx) + "\" y2=\"" + std::to_string(y + bar_h) +
             "\" stroke=\"#1a1a1a\" stroke-dasharray=\"4 3\"></line>";
    }
    ++i;
  }
  return svg + "</svg>" + table + "</tbody></table>";
}

// The province's rate of one indicator in each of the twelve months up to the period's
// last one, as a line against the target, with the figures in a table beside it.
std::string Console::Impl::trend(const kpi::Period& period, const IndicatorName& ind) {
  std::vector<TrendPoint> points;
  std::optional<double> target;
  for (int back = 11; back >= 0; --back) {
    auto month = month_before(period.last_day, back);
    if (!month.ok()) continue;
    auto report = kpi_report(*month, kpi::GroupBy::kAgency);
    if (!report.ok()) return "<p class=\"error\">" + escape(report.error().message) + "</p>";
    int yy = 0, mm = 0, dd = 0;
    vn_time::civil_from_days(month->first_day, yy, mm, dd);
    char shown[16];
    std::snprintf(shown, sizeof shown, "%02d/%04d", mm, yy);
    TrendPoint p{shown, std::nullopt, 0, 0};
    for (auto& r : report->rows)
      if (r.indicator == ind.id && r.group == "total") {
        p.ratio = r.ratio;
        p.a = r.a;
        p.b = r.b;
        if (r.target) target = r.target;
      }
    points.push_back(p);
  }
  return draw_trend(ind, points, target);
}

// The late-dossier register and the online dossiers not acknowledged in time, for the
// dossiers received in the period (at most 200 rows each; `lienthong late` and
// `lienthong monitor ack` give them all).
std::string Console::Impl::monitors(const kpi::Period& period) {
  std::string out = "<h2>Sổ theo dõi hồ sơ trễ hạn</h2>";
  if (!ctx.late_dossiers)
    return out + "<p>Chưa tính được: " +
           escape(ctx.monitors_problem.empty() ? "chưa có lịch làm việc" : ctx.monitors_problem) + "</p>";
  auto dossier_link = [](const std::string& code) {
    return "<a href=\"/console/dossier?code=" + url_encode(code) + "\">" + escape(code) + "</a>";
  };
  auto late = late_findings(period);
  if (!late.ok()) {
    out += "<p class=\"error\">" + escape(late.error().message) + "</p>";
  } else {
    out +=
        "<table><caption>" + format_number(static_cast<int64_t>(late->size())) +
        " hồ sơ trễ hạn</caption><thead><tr><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
        "scope=\"col\">Hạn trả</th><th scope=\"col\">Hoàn thành</th><th scope=\"col\">Trễ (giờ làm "
        "việc)</th><th scope=\"col\">Tình trạng</th><th scope=\"col\">Đã giải trình</th></tr></thead><tbody>";
    size_t n = 0;
    for (auto& f : *late) {
      if (++n > 200) break;
      out += "<tr><td>" + dossier_link(f.dossier_code) + "</td><td>" + escape(f.agency_code) + "</td><td>" +
             format_datetime(f.due_at_ms) + "</td><td>" + format_datetime(f.completed_at_ms.value_or(0)) +
             "</td><td class=\"num\">" + format_number(f.late_working_minutes / 60) + "</td><td>" +
             (f.timeliness == "overdue" ? "Quá hạn, chưa xong" : "Xong nhưng trễ hạn") + "</td><td>" +
             (f.explained ? "Có" : "Chưa") + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  out += "<h2>Hồ sơ trực tuyến chưa tiếp nhận trong " + std::to_string(ctx.ack_working_hours) +
         " giờ làm việc</h2>";
  auto ack = ack_findings(period);
  if (!ack.ok()) return out + "<p class=\"error\">" + escape(ack.error().message) + "</p>";
  out +=
      "<table><caption>" + format_number(static_cast<int64_t>(ack->size())) +
      " hồ sơ</caption><thead><tr><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Nộp lúc</th><th scope=\"col\">Hạn tiếp nhận</th><th scope=\"col\">Tiếp nhận lúc</th><th "
      "scope=\"col\">Tình trạng</th></tr></thead><tbody>";
  size_t n = 0;
  for (auto& f : *ack) {
    if (++n > 200) break;
    out += "<tr><td>" + dossier_link(f.dossier_code) + "</td><td>" + escape(f.agency_code) + "</td><td>" +
           format_datetime(f.submitted_at_ms) + "</td><td>" + format_datetime(f.deadline_ms) + "</td><td>" +
           format_datetime(f.acknowledged_at_ms.value_or(0)) + "</td><td>" +
           (f.state == "unacknowledged" ? "Chưa tiếp nhận" : "Tiếp nhận muộn") + "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace lienthong::console
