// Result<T>: a value or the diagnostics that explain why there is none.
// Modelled on llvm::Expected / absl::StatusOr: functions that can fail return it,
// and exceptions never cross a module boundary.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "base/diagnostic.hpp"

namespace posture {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Diagnostic error) : state_(Diagnostics{std::move(error)}) {}
  Result(Diagnostics errors) : state_(std::move(errors)) { assert(!errors_().empty()); }

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Diagnostics& errors() const { return std::get<1>(state_); }
  Diagnostics take_errors() { return std::get<1>(std::move(state_)); }

 private:
  Diagnostics& errors_() { return std::get<1>(state_); }
  std::variant<T, Diagnostics> state_;
};

// A Result with no value: success or diagnostics.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

}  // namespace posture
