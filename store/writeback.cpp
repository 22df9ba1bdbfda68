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

// The stat of the store file ([0]) and of its log ([1]), where they exist.
struct Files {
  struct stat st[2];
  bool have[2];
  int64_t size() const { return (have[0] ? st[0].st_size : 0) + (have[1] ? st[1].st_size : 0); }
};

Files stat_files(const std::string& path) {
  Files f;
  f.have[0] = ::stat(path.c_str(), &f.st[0]) == 0;
  f.have[1] = ::stat((path + "-wal").c_str(), &f.st[1]) == 0;
  return f;
}

}  // namespace

void Writeback::row_written() {
  if (++rows_ < kCheckEvery) return;
  rows_ = 0;
  start_once_grown(kStartEvery);
}

void Writeback::start() {
  start_once_grown(0);
}

void Writeback::start_once_grown(int64_t bytes) {
  Files want = stat_files(path_);
  if (want.size() - started_at_ < bytes) return;
  started_at_ = want.size();
#ifdef __linux__
  if (!want.have[0] && !want.have[1]) return;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st;
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    for (int i = 0; i < 2; ++i)
      if (want.have[i] && st.st_dev == want.st[i].st_dev && st.st_ino == want.st[i].st_ino)
        (void)::sync_file_range(static_cast<int>(fd), 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  ::closedir(dir);
#endif
}

}  // namespace posture::store::internal
