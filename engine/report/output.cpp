// Report destinations: a buffered stream on file descriptor 1, or a temporary
// file renamed into place on commit.
#include "engine/report/output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <streambuf>
#include <vector>

namespace posture::report {

namespace {

// A streambuf writing to a file descriptor through a 1 MiB buffer (std::cout
// synchronised with stdio is several times slower for million-line reports).
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd), buffer_(1 << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  ~FdBuffer() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override {
    const char* p = pbase();
    while (p < pptr()) {
      ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return -1;
      p += n;
    }
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return 0;
  }

 private:
  int fd_;
  std::vector<char> buffer_;
};

}  // namespace

struct Output::Impl {
  std::unique_ptr<FdBuffer> buffer;
  std::unique_ptr<std::ostream> console;
  std::vector<char> file_buffer;
  std::ofstream file;
  std::string temp;
  bool committed = false;
};

Result<Output> Output::open(const std::string& path) {
  Output out;
  out.impl_ = std::make_unique<Impl>();
  if (path.empty() || path == "-") {
    out.impl_->buffer = std::make_unique<FdBuffer>(STDOUT_FILENO);
    out.impl_->console = std::make_unique<std::ostream>(out.impl_->buffer.get());
    return out;
  }
  out.path_ = path;
  out.impl_->temp = path + ".tmp-" + std::to_string(::getpid());
  out.impl_->file_buffer.resize(1 << 20);
  out.impl_->file.rdbuf()->pubsetbuf(out.impl_->file_buffer.data(),
                                     static_cast<std::streamsize>(out.impl_->file_buffer.size()));
  out.impl_->file.open(out.impl_->temp, std::ios::binary | std::ios::trunc);
  if (!out.impl_->file)
    return Diagnostic::error("io", std::string("cannot write the report: ") + std::strerror(errno),
                             {path, 0, 0});
  return out;
}

Output::Output(Output&& other) noexcept
    : impl_(std::move(other.impl_)), path_(std::move(other.path_)) {}

Output::~Output() {
  if (!impl_ || path_.empty() || impl_->committed) return;
  impl_->file.close();
  std::remove(impl_->temp.c_str());
}

std::ostream& Output::stream() {
  if (impl_->console) return *impl_->console;
  return impl_->file;
}

Status Output::commit() {
  if (impl_->console) {
    impl_->console->flush();
    if (!*impl_->console) return Diagnostic::error("io", "writing to standard output failed");
    return ok_status();
  }
  impl_->file.close();
  if (!impl_->file) return Diagnostic::error("io", "writing the report failed", {path_, 0, 0});
  // A report already at the path (a regular file) is moved aside first and
  // removed once the new one is in place: renamed over an existing file,
  // ext4 (auto_da_alloc) makes the renaming process allocate and start
  // writing every delayed block of the new file, most of a second for a
  // report of hundreds of MB (docs/performance.md, "Every check at once:
  // the report's last second").
  // For the microseconds between the two renames no file is at the path.
  struct stat existing {};
  std::string aside;
  if (::lstat(path_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
    aside = path_ + ".old-" + std::to_string(::getpid());
    if (std::rename(path_.c_str(), aside.c_str()) != 0) aside.clear();
  }
  if (std::rename(impl_->temp.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    if (!aside.empty()) std::rename(aside.c_str(), path_.c_str());
    return Diagnostic::error(
        "io", std::string("cannot move the report into place: ") + std::strerror(error),
        {path_, 0, 0});
  }
  impl_->committed = true;
  if (!aside.empty()) std::remove(aside.c_str());
  return ok_status();
}

}  // namespace posture::report
