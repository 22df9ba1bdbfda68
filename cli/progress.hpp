// One line of progress on stderr, redrawn in place: what long commands
// (import, collect, check) show on a terminal from the start of their work.
// Nothing is drawn when disabled (stderr is not a terminal, or -q). No
// escape sequences: a line is erased with spaces, so NO_COLOR output stays plain.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace posture::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  // Replaces the line with `text`: the first time at once, then at most ten
  // times a second unless `force` (an event the user should see as it happens).
  // Safe to call from several threads.
  void draw(const std::string& text, bool force = false);
  // Erases the line, so what follows starts on a clean line.
  void clear();
  // Seconds since the line was created.
  double seconds() const;

 private:
  bool enabled_;
  bool drawn_ = false;
  size_t width_ = 0;  // characters of the line drawn last
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_;
};

// "512 B", "3.4 KiB", "12.3 MiB", "1.2 GiB".
std::string format_bytes(uint64_t bytes);

}  // namespace posture::cli
