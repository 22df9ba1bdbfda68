// Writeback (writeback.hpp): sync_file_range(SYNC_FILE_RANGE_WRITE) on the
// descriptors SQLite holds for the store and its log, found in
// /proc/self/fd. The files are never opened here: closing any descriptor of
// a file releases every POSIX lock the process holds on it, SQLite's too.
#include "store/writeback.hpp"

#include <sys/stat.h>

#ifdef __linux__
#include <dirent.h>
#include <fcntl.h>

#include <cstdlib>
#endif

namespace posture::store::internal {

namespace {

bool file_stat(const std::string& path, struct stat& st) {
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

int64_t Writeback::size() const {
  struct stat st;
  int64_t total = 0;
  if (file_stat(path_, st)) total += st.st_size;
  if (file_stat(path_ + "-wal", st)) total += st.st_size;
  return total;
}

void Writeback::row_written() {
  if (++rows_ < kCheckEvery) return;
  rows_ = 0;
  if (size() - started_at_ >= kStartEvery) start();
}

void Writeback::start() {
  started_at_ = size();
#ifdef __linux__
  struct stat want[2];
  bool have[2] = {file_stat(path_, want[0]), file_stat(path_ + "-wal", want[1])};
  if (!have[0] && !have[1]) return;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st;
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    for (int i = 0; i < 2; ++i)
      if (have[i] && st.st_dev == want[i].st_dev && st.st_ino == want[i].st_ino)
        (void)::sync_file_range(static_cast<int>(fd), 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  ::closedir(dir);
#endif
}

}  // namespace posture::store::internal
