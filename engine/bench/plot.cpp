// The benchmarks' SVG charts (plot.hpp): log-log axes with a gridline at each
// power of ten, a polyline and markers per series, a legend on the right.
#include "engine/bench/plot.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "engine/report/text.hpp"

namespace posture::bench {

namespace {

constexpr double kWidth = 860, kHeight = 420;
constexpr double kLeft = 70, kRight = 350, kTop = 40, kBottom = 50;
const char* kColours[] = {"#0969da", "#cf222e", "#1a7f37", "#9a6700",
                          "#8250df", "#bc4c00", "#1b7c83", "#6e7781"};

std::string num(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << v;
  return s.str();
}

// 10^k written for people: 1, 10, 100, 1k, 10k, 100k, 1M, 0.1, 0.01, ...
std::string power_label(int k) {
  if (k >= 6) return std::to_string(static_cast<long>(std::pow(10, k - 6))) + "M";
  if (k >= 3) return std::to_string(static_cast<int>(std::pow(10, k - 3))) + "k";
  if (k >= 0) return std::to_string(static_cast<int>(std::pow(10, k)));
  std::ostringstream s;
  s << std::pow(10.0, k);
  return s.str();
}

// The decade range [lo, hi] (powers of ten) that holds every value.
std::pair<int, int> decades(const std::vector<double>& values) {
  double lo = *std::min_element(values.begin(), values.end());
  double hi = *std::max_element(values.begin(), values.end());
  int a = static_cast<int>(std::floor(std::log10(lo)));
  int b = static_cast<int>(std::ceil(std::log10(hi)));
  return {a, std::max(b, a + 1)};
}

// A marker of shape `i` (circle, square, triangle, diamond, repeating) at (x, y).
void marker(std::ostream& out, size_t i, double x, double y, const char* colour) {
  switch (i % 4) {
    case 0:
      out << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"4\" fill=\"" << colour
          << "\"/>";
      break;
    case 1:
      out << "<rect x=\"" << num(x - 4) << "\" y=\"" << num(y - 4)
          << "\" width=\"8\" height=\"8\" fill=\"" << colour << "\"/>";
      break;
    case 2:
      out << "<path d=\"M" << num(x) << " " << num(y - 5) << "L" << num(x + 5) << " " << num(y + 4)
          << "L" << num(x - 5) << " " << num(y + 4) << "Z\" fill=\"" << colour << "\"/>";
      break;
    default:
      out << "<path d=\"M" << num(x) << " " << num(y - 5) << "L" << num(x + 5) << " " << num(y)
          << "L" << num(x) << " " << num(y + 5) << "L" << num(x - 5) << " " << num(y)
          << "Z\" fill=\"" << colour << "\"/>";
  }
}

void text(std::ostream& out, std::string_view s) {
  report::text::xml_text(out, s);
}

}  // namespace

void write_svg(const Plot& plot, std::ostream& out) {
  std::vector<double> xs, ys;
  for (const auto& s : plot.series)
    for (const auto& [x, y] : s.points)
      if (x > 0 && y > 0) xs.push_back(x), ys.push_back(y);
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << kWidth << " " << kHeight
      << "\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"";
  text(out, plot.title);
  out << "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><text x=\"" << kLeft
      << "\" y=\"22\" font-size=\"15\" font-weight=\"bold\">";
  text(out, plot.title);
  out << "</text>";
  if (xs.empty()) {
    out << "<text x=\"" << kLeft << "\" y=\"" << kHeight / 2 << "\">no data</text></svg>\n";
    return;
  }
  // Plain variables, not structured bindings: the lambdas below capture them.
  const std::pair<int, int> xd = decades(xs), yd = decades(ys);
  const int x0 = xd.first, x1 = xd.second, y0 = yd.first, y1 = yd.second;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (std::log10(x) - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return kTop + ph - (std::log10(y) - y0) / (y1 - y0) * ph; };
  out << "<g stroke=\"#d0d7de\">";
  for (int k = x0; k <= x1; ++k)
    out << "<line x1=\"" << num(px(std::pow(10, k))) << "\" y1=\"" << kTop << "\" x2=\""
        << num(px(std::pow(10, k))) << "\" y2=\"" << kTop + ph << "\"/>";
  for (int k = y0; k <= y1; ++k)
    out << "<line x1=\"" << kLeft << "\" y1=\"" << num(py(std::pow(10, k))) << "\" x2=\""
        << kLeft + pw << "\" y2=\"" << num(py(std::pow(10, k))) << "\"/>";
  out << "</g><g fill=\"#57606a\">";
  for (int k = x0; k <= x1; ++k)
    out << "<text x=\"" << num(px(std::pow(10, k))) << "\" y=\"" << kTop + ph + 18
        << "\" text-anchor=\"middle\">" << power_label(k) << "</text>";
  for (int k = y0; k <= y1; ++k)
    out << "<text x=\"" << kLeft - 8 << "\" y=\"" << num(py(std::pow(10, k)) + 4)
        << "\" text-anchor=\"end\">" << power_label(k) << "</text>";
  out << "</g><text x=\"" << num(kLeft + pw / 2) << "\" y=\"" << kHeight - 12
      << "\" text-anchor=\"middle\">";
  text(out, plot.x_label);
  out << " (log)</text><text transform=\"translate(16 " << num(kTop + ph / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">";
  text(out, plot.y_label);
  out << " (log)</text>";
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    const char* colour = kColours[i % std::size(kColours)];
    out << "<g><title>";
    text(out, s.name);
    out << "</title><polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\""
        << (i / std::size(kColours) % 2 ? " stroke-dasharray=\"6 3\"" : "") << " points=\"";
    for (const auto& [x, y] : s.points)
      if (x > 0 && y > 0) out << num(px(x)) << "," << num(py(y)) << " ";
    out << "\"/>";
    for (const auto& [x, y] : s.points)
      if (x > 0 && y > 0) marker(out, i, px(x), py(y), colour);
    double ly = kTop + 8 + static_cast<double>(i) * 20;
    out << "<line x1=\"" << kWidth - kRight + 16 << "\" y1=\"" << num(ly) << "\" x2=\""
        << kWidth - kRight + 40 << "\" y2=\"" << num(ly) << "\" stroke=\"" << colour
        << "\" stroke-width=\"2\"/>";
    marker(out, i, kWidth - kRight + 28, ly, colour);
    out << "<text x=\"" << kWidth - kRight + 46 << "\" y=\"" << num(ly + 4) << "\">";
    // A long name keeps its end (e.g. the side: "engine", "baseline").
    text(out, s.name.size() > 46
                  ? s.name.substr(0, 30) + "\xE2\x80\xA6" + s.name.substr(s.name.size() - 15)
                  : s.name);
    out << "</text></g>";
  }
  out << "</svg>\n";
}

}  // namespace posture::bench
