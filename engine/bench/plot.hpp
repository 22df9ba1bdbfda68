// SVG line charts for the benchmarks: time (or a rate, or memory) against
// inventory size, both axes logarithmic, one line per series with its points
// marked and labelled in a legend (colour is never the only signal: each
// series also has its own marker shape). Self-contained SVG, no script.
//   Plot p{"Check time against inventory size", "subscriptions", "ms"};
//   p.series.push_back({"azure-x engine", {{1e4, 2.1}, {1e5, 20.3}}});
//   write_svg(p, out);
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace posture::bench {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x and y > 0
};

struct Plot {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

// Writes `plot` as one SVG document. Points with x or y <= 0 are left out (a
// log axis has no place for them).
void write_svg(const Plot& plot, std::ostream& out);

}  // namespace posture::bench
