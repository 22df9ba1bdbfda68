// Measuring helpers for the benchmark harness: a monotonic stopwatch, the
// summary statistics of a sample of timings (median, min, p90), the process's
// peak resident set size, and a description of the machine the numbers came
// from. Nothing here knows about checks or SQL.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace posture::bench {

// Milliseconds since `start` on the steady clock.
inline double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Milliseconds of CPU time this thread has used (CLOCK_THREAD_CPUTIME_ID): less
// sensitive than wall time to other processes sharing the machine.
double thread_cpu_ms();

// Summary of repeated timings of one thing, in milliseconds.
struct Timing {
  std::vector<double> samples_ms;  // in the order they were taken
  double median_ms = 0;
  double min_ms = 0;
  double p90_ms = 0;  // nearest-rank 90th percentile
};

// Computes median (mean of the two middle values for an even count), min and
// p90 of `samples`. An empty sample gives zeros.
Timing summarize(std::vector<double> samples);

// Peak resident set size of this process so far, in KiB (getrusage ru_maxrss).
int64_t peak_rss_kib();

// Where the numbers came from: CPU model and count, memory, kernel, compiler.
struct Machine {
  std::string cpu;
  int cpus = 0;
  int64_t memory_mib = 0;
  std::string os;
  std::string compiler;
  std::string sqlite;
};
Machine describe_machine();

}  // namespace posture::bench
