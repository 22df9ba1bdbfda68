// The progress line (progress.hpp).
#include "cli/progress.hpp"

#include <cstdio>
#include <iostream>

namespace posture::cli {

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  clear();
}

void ProgressLine::draw(const std::string& text, bool force) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && !force && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  // Spaces, not an escape sequence, erase what is left of a longer line.
  size_t pad = width_ > text.size() ? width_ - text.size() : 0;
  std::cerr << "\r" << text << std::string(pad, ' ') << std::flush;
  width_ = text.size();
}

void ProgressLine::clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) std::cerr << "\r" << std::string(width_, ' ') << "\r" << std::flush;
  drawn_ = false;
  width_ = 0;
}

double ProgressLine::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof units / sizeof *units) value /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace posture::cli
