// The ARM client's request loop: a queue of GETs driven through one curl multi
// handle, with retries, throttling pauses and token renewal. See arm_client.hpp.
#include "collectors/azure/arm_client.hpp"

#include "collectors/azure/curl_api.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "collectors/azure/http.hpp"

namespace posture::azure {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Job {
  std::string url;
  std::optional<std::string> post_body;  // a POST of this JSON; a GET when unset
  ArmClient::Completion done;
  int attempts = 0;
  int retries = 0;
  bool reauthorized = false;
  uint64_t generation = 0;  // of the token the last attempt carried
};

struct Active {
  std::unique_ptr<Job> job;
  std::unique_ptr<HttpTransfer> transfer;
};

std::string seconds_text(milliseconds ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g s", static_cast<double>(ms.count()) / 1000.0);
  return buffer;
}

}  // namespace

milliseconds backoff_delay(const ArmClientOptions& options, int retry, std::mt19937_64& rng) {
  int64_t full = options.backoff_base.count();
  for (int i = 1; i < retry && full < options.backoff_cap.count(); ++i) full *= 2;
  full = std::min<int64_t>(full, options.backoff_cap.count());
  if (full <= 1) return milliseconds(full);
  std::uniform_int_distribution<int64_t> jitter(0, full / 2);
  return milliseconds(full - full / 2 + jitter(rng));
}

struct ArmClient::Impl {
  ArmClientOptions options;
  std::shared_ptr<Credential> credential;
  std::string endpoint;
  UrlOrigin origin;
  CURLM* multi = nullptr;
  std::vector<std::unique_ptr<HttpTransfer>> idle;
  std::deque<std::unique_ptr<Job>> ready;
  std::multimap<Steady::time_point, std::unique_ptr<Job>> waiting;
  std::unordered_map<CURL*, Active> active;
  Steady::time_point paused_until{};
  // The quota the last reply reported (x-ms-user-quota-remaining), less the
  // POSTs in flight then and started since, until it resets.
  std::optional<int> quota_left;
  Steady::time_point quota_reset_at{};
  ArmStats stats;
  std::mt19937_64 rng;
  std::optional<Diagnostic> stop_reason;

  ~Impl() {
    drop_all();
    idle.clear();
    if (multi) curl().multi_cleanup(multi);
  }

  void drop_all() {
    for (auto& [easy, entry] : active) {
      curl().multi_remove_handle(multi, easy);
      idle.push_back(std::move(entry.transfer));
    }
    active.clear();
    ready.clear();
    waiting.clear();
  }

  void complete(std::unique_ptr<Job> job, int status, std::string error, std::string body) {
    ArmReply reply;
    reply.url = std::move(job->url);
    reply.http_status = status;
    reply.attempts = job->attempts;
    reply.body = std::move(body);
    if (job->post_body) reply.method = "POST";
    if (!error.empty())
      reply.error = credential->redact(reply.method + " " + reply.url + ": " + error);
    job->done(std::move(reply));
  }

  // Queues a new job, or completes it with an error when its URL may not
  // receive the token.
  void queue(std::unique_ptr<Job> job) {
    if (!url_origin(job->url) || *url_origin(job->url) != origin) {
      complete(std::move(job), 0, "not sent: the URL is not on the endpoint " + endpoint, "");
      return;
    }
    ready.push_back(std::move(job));
  }

  // Sends the job's next attempt. Errors only when no token can be had.
  Status start(std::unique_ptr<Job> job) {
    auto token = credential->token();
    if (!token) return token.take_errors();
    job->generation = credential->generation();
    std::unique_ptr<HttpTransfer> transfer;
    if (idle.empty()) {
      transfer = std::make_unique<HttpTransfer>();
    } else {
      transfer = std::move(idle.back());
      idle.pop_back();
    }
    if (job->post_body)
      transfer->prepare_post_json(job->url, *token, *job->post_body, options.timeout);
    else
      transfer->prepare_get(job->url, *token, options.timeout);
    ++job->attempts;
    ++stats.requests;
    if (job->post_body && quota_left) --*quota_left;
    CURL* easy = transfer->handle();
    curl().multi_add_handle(multi, easy);
    active.emplace(easy, Active{std::move(job), std::move(transfer)});
    return ok_status();
  }

  void retry_later(std::unique_ptr<Job> job, const HttpResponse& response) {
    ++job->retries;
    ++stats.retries;
    milliseconds delay = backoff_delay(options, job->retries, rng);
    if (response.status == 429 && response.retry_after) {
      delay = std::min<milliseconds>(*response.retry_after, options.retry_after_cap);
    }
    auto when = Steady::now() + delay;
    if (response.status == 429) paused_until = std::max(paused_until, when);
    waiting.emplace(when, std::move(job));
    if (options.on_retry) options.on_retry(delay, static_cast<int>(response.status));
  }

  // Why a request failed for good, for ArmReply::error.
  std::string failure_text(const Job& job, const HttpResponse& response) {
    std::string attempts =
        job.attempts > 1 ? " (after " + std::to_string(job.attempts) + " attempts)" : "";
    if (response.curl_code != CURLE_OK) {
      if (response.timed_out())
        return "timed out after " + seconds_text(options.timeout) + attempts;
      return response.transport_error + attempts;
    }
    std::string detail = error_body_summary(response.body);
    return "HTTP " + std::to_string(response.status) + (detail.empty() ? "" : ": " + detail) +
           attempts;
  }

  // Holds back new requests until `until` (the quota resets), counting the pause.
  void pause_for_quota(Steady::time_point until) {
    if (until <= paused_until) return;
    auto wait = std::chrono::duration_cast<milliseconds>(until - Steady::now());
    ++stats.quota_pauses;
    stats.quota_wait += wait;
    paused_until = until;
    if (options.on_quota_wait) options.on_quota_wait(wait);
  }

  // Whether the next POST must wait for the quota to reset (pausing if so):
  // the requests the quota has left, less those already on their way, are
  // at most kQuotaReserve.
  bool quota_spent(Steady::time_point now) {
    if (!quota_left) return false;
    if (now >= quota_reset_at) {
      quota_left.reset();
      return false;
    }
    if (*quota_left > kQuotaReserve) return false;
    pause_for_quota(quota_reset_at);
    return true;
  }

  // Decides what a finished attempt leads to: success, a retry or a failure.
  void settle(std::unique_ptr<Job> job, HttpResponse response) {
    if (response.quota_remaining && response.quota_resets_after && response.status != 429) {
      // The header counts whole seconds (hh:mm:ss): a second more, so that the
      // window has surely reset when requests resume.
      milliseconds wait = std::min<milliseconds>(
          *response.quota_resets_after + std::chrono::seconds(1), options.retry_after_cap);
      int in_flight = 0;
      for (const auto& entry : active) in_flight += entry.second.job->post_body.has_value();
      quota_left = *response.quota_remaining - in_flight;
      quota_reset_at = Steady::now() + wait;
      if (*quota_left <= kQuotaReserve) pause_for_quota(quota_reset_at);
    }
    if (response.curl_code == CURLE_OK && response.status >= 200 && response.status < 300) {
      complete(std::move(job), response.status, "", std::move(response.body));
      return;
    }
    if (response.timed_out()) ++stats.timeouts;
    if (response.status == 429) ++stats.throttled;
    if (response.curl_code == CURLE_OK && response.status == 401 && !job->reauthorized) {
      job->reauthorized = true;
      ++stats.reauthorized;
      if (job->generation == credential->generation()) {
        Status renewed = credential->refresh();
        if (!renewed) {
          if (credential->source() == CredentialSource::ClientSecret) {
            stop_reason = renewed.errors().front();
            return;
          }
          complete(std::move(job), 401, "HTTP 401: " + renewed.errors().front().message, "");
          return;
        }
      }
      ready.push_front(std::move(job));
      return;
    }
    if (response.transient() && job->retries < options.max_retries) {
      retry_later(std::move(job), response);
      return;
    }
    std::string why = failure_text(*job, response);
    if (response.status == 401) why += " (the renewed token was rejected too)";
    complete(std::move(job), response.status, std::move(why), "");
  }

  // Settles every finished transfer; returns how many there were.
  int drain_finished() {
    int finished = 0;
    int left = 0;
    while (CURLMsg* message = curl().multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;
      auto it = active.find(easy);
      if (it == active.end()) continue;
      Active entry = std::move(it->second);
      active.erase(it);
      curl().multi_remove_handle(multi, easy);
      HttpResponse response = entry.transfer->finish(code);
      idle.push_back(std::move(entry.transfer));
      settle(std::move(entry.job), std::move(response));
      ++finished;
      if (stop_reason) break;
    }
    return finished;
  }

  // How long the loop may sleep before something is due.
  milliseconds idle_wait(Steady::time_point now) const {
    milliseconds wait(500);
    auto until = [&](Steady::time_point t) {
      return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(t - now));
    };
    if (!waiting.empty()) wait = std::min(wait, until(waiting.begin()->first));
    if (!ready.empty() && static_cast<int>(active.size()) < options.concurrency) {
      wait = std::min(wait, until(paused_until));
    }
    return wait;
  }
};

ArmClient::ArmClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ArmClient::~ArmClient() = default;

Result<std::unique_ptr<ArmClient>> ArmClient::create(ArmClientOptions options,
                                                     std::shared_ptr<Credential> credential) {
  auto endpoint = checked_base_url(options.endpoint, options.endpoint_option);
  if (!endpoint) return endpoint.take_errors();
  if (options.concurrency < 1) {
    return Diagnostic::error("invalid-option", "--concurrency must be at least 1");
  }
  auto impl = std::make_unique<Impl>();
  impl->endpoint = *endpoint;
  impl->origin = *url_origin(*endpoint);
  impl->options = std::move(options);
  impl->credential = std::move(credential);
  impl->rng.seed(impl->options.jitter_seed ? impl->options.jitter_seed : std::random_device{}());
  if (auto api = load_curl(); !api) return api.take_errors();
  impl->multi = curl().multi_init();
  if (!impl->multi) return Diagnostic::error("curl", "cannot initialise libcurl");
  curl().multi_setopt(impl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(impl->options.concurrency));
  curl().multi_setopt(impl->multi, CURLMOPT_MAXCONNECTS,
                      static_cast<long>(impl->options.concurrency));
  return std::unique_ptr<ArmClient>(new ArmClient(std::move(impl)));
}

const std::string& ArmClient::endpoint() const {
  return impl_->endpoint;
}
const ArmStats& ArmClient::stats() const {
  return impl_->stats;
}
const Credential& ArmClient::credential() const {
  return *impl_->credential;
}

std::string ArmClient::url(std::string_view path_and_query) const {
  return impl_->endpoint + std::string(path_and_query);
}

bool ArmClient::is_endpoint_url(std::string_view url) const {
  auto origin = url_origin(url);
  return origin && *origin == impl_->origin;
}

void ArmClient::get_async(std::string url, Completion done) {
  auto job = std::make_unique<Job>();
  job->url = std::move(url);
  job->done = std::move(done);
  impl_->queue(std::move(job));
}

void ArmClient::post_async(std::string url, std::string body, Completion done) {
  auto job = std::make_unique<Job>();
  job->url = std::move(url);
  job->post_body = std::move(body);
  job->done = std::move(done);
  impl_->queue(std::move(job));
}

void ArmClient::stop(Diagnostic reason) {
  if (!impl_->stop_reason) impl_->stop_reason = std::move(reason);
}

Status ArmClient::run() {
  Impl& s = *impl_;
  for (;;) {
    if (s.options.cancel && s.options.cancel->load()) {
      stop(Diagnostic::error("interrupted", "the collection was interrupted"));
    }
    if (s.stop_reason) {
      s.drop_all();
      Diagnostic reason = std::move(*s.stop_reason);
      s.stop_reason.reset();
      return reason;
    }
    auto now = Steady::now();
    while (!s.waiting.empty() && s.waiting.begin()->first <= now) {
      s.ready.push_front(std::move(s.waiting.begin()->second));
      s.waiting.erase(s.waiting.begin());
    }
    while (!s.ready.empty() && static_cast<int>(s.active.size()) < s.options.concurrency &&
           now >= s.paused_until) {
      if (s.ready.front()->post_body && s.quota_spent(now)) break;
      auto job = std::move(s.ready.front());
      s.ready.pop_front();
      if (Status started = s.start(std::move(job)); !started) {
        stop(started.errors().front());
        break;
      }
    }
    if (s.stop_reason) continue;
    if (s.active.empty() && s.ready.empty() && s.waiting.empty()) return ok_status();
    int running = 0;
    curl().multi_perform(s.multi, &running);
    if (s.drain_finished() > 0) continue;  // start what they queued, or finish
    auto wait = s.idle_wait(Steady::now());
    if (!s.ready.empty() && static_cast<int>(s.active.size()) < s.options.concurrency &&
        wait.count() == 0) {
      continue;
    }
    curl().multi_poll(s.multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
  }
}

Result<ArmReply> ArmClient::get(std::string url) {
  std::optional<ArmReply> result;
  get_async(std::move(url), [&result](ArmReply reply) { result = std::move(reply); });
  if (Status status = run(); !status) return status.take_errors();
  return std::move(*result);
}

}  // namespace posture::azure
