// A small threaded HTTP/1.1 server for tests: it listens on 127.0.0.1 on a free
// port (bind to port 0), serves each connection on its own thread (so
// concurrent requests are answered concurrently), keeps connections alive,
// and hands every request to a handler. Each response may be delayed, to
// simulate slow servers and timeouts. It never listens on or connects to
// anything but the loopback interface. Start = construct; stop = destroy.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace posture::testing {

struct HttpRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::string path;                            // target without the query
  std::map<std::string, std::string> query;    // decoded parameters
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent (`name` in any case).
  std::string header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering

  // A response with `Content-Type: application/json`.
  static HttpResponse json(int status, std::string body);
};

// Percent-decodes a query or form component ('+' is a space).
std::string url_decode(const std::string& text);
// Splits "a=1&b=2" into decoded pairs.
std::map<std::string, std::string> parse_form(const std::string& text);

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds 127.0.0.1 on a free port and starts serving; aborts the test
  // program if no socket can be had.
  explicit HttpServer(Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:<port>
  std::string base_url() const;
  // Stops accepting, cuts open connections and joins every thread. Idempotent.
  void stop();
  // How many connections were accepted so far.
  int connections() const { return connections_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  bool serve_one(int fd, std::string& buffer, bool& keep_alive);
  bool read_more(int fd, std::string& buffer);
  void wait(std::chrono::milliseconds delay);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<int> open_fds_;
  std::vector<std::thread> workers_;
};

}  // namespace posture::testing
