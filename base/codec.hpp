// A compact binary encoding of plain structs, for bytes this program writes
// and reads back itself (the built-in model, base/model/schema_codec.hpp; the
// reasons of failing findings, engine/checks/reasons.hpp): unsigned integers,
// booleans and enums as LEB128 varints, strings as their length and bytes,
// vectors as their length and elements, and a struct as its members, which a
// function `members(a, s)` in the struct's namespace names in order for both
// directions (found by argument-dependent lookup).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace posture::codec {

struct Writer {
  std::string out;
  Writer& operator()(uint32_t n) {
    number(n);
    return *this;
  }
  void number(uint64_t n) {
    do {
      auto byte = static_cast<unsigned char>(n & 0x7f);
      n >>= 7;
      out += static_cast<char>(byte | (n ? 0x80 : 0));
    } while (n);
  }
  Writer& operator()(const std::string& s) {
    number(s.size());
    out += s;
    return *this;
  }
  Writer& operator()(bool b) {
    number(b ? 1 : 0);
    return *this;
  }
  template <class E>
  requires std::is_enum_v<E> Writer& operator()(E e) {
    number(static_cast<uint64_t>(e));
    return *this;
  }
  template <class T>
  Writer& operator()(const std::vector<T>& v) {
    number(v.size());
    for (const auto& x : v) (*this)(x);
    return *this;
  }
  template <class T>
  requires std::is_class_v<T> Writer& operator()(const T& s) {
    members(*this, s);
    return *this;
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  uint64_t number() {
    uint64_t n = 0;
    for (int shift = 0; ok; shift += 7) {
      if (in.empty() || shift > 63) {
        ok = false;
        break;
      }
      auto byte = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      n |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    return n;
  }
  Reader& operator()(std::string& s) {
    uint64_t n = number();
    if (n > in.size()) ok = false;
    if (!ok) return *this;
    s.assign(in.substr(0, n));
    in.remove_prefix(n);
    return *this;
  }
  Reader& operator()(uint32_t& n) {
    uint64_t v = number();
    if (v > UINT32_MAX) ok = false;
    n = static_cast<uint32_t>(v);
    return *this;
  }
  Reader& operator()(bool& b) {
    b = number() != 0;
    return *this;
  }
  template <class E>
  requires std::is_enum_v<E> Reader& operator()(E& e) {
    e = static_cast<E>(number());
    return *this;
  }
  template <class T>
  Reader& operator()(std::vector<T>& v) {
    uint64_t n = number();
    if (n > in.size()) ok = false;  // every element takes a byte at least
    if (!ok) return *this;
    v.resize(n);
    for (auto& x : v) (*this)(x);
    return *this;
  }
  template <class T>
  requires std::is_class_v<T> Reader& operator()(T& s) {
    members(*this, s);
    return *this;
  }
};

}  // namespace posture::codec
