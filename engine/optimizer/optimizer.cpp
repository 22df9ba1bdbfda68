// The optimizer stage: see optimizer.hpp.
#include "engine/optimizer/optimizer.hpp"

#include <map>
#include <optional>

namespace posture::optimizer {

namespace {

using ir::Predicate;
using K = Predicate::Kind;

bool is_const(const Predicate& p, bool value) {
  return p.kind == (value ? K::True : K::False);
}

// `rel some p` (also written `rel none p` under a NOT): the relationship and p.
const Predicate* existential(const Predicate& p) {
  return p.kind == K::Related && p.quantifier == ir::Quantifier::Some ? &p : nullptr;
}

// `NOT rel some p` or `rel none p`, as the existential it negates.
std::optional<Predicate> negated_existential(const Predicate& p) {
  if (p.kind == K::Not && existential(p.children.front())) return p.children.front();
  if (p.kind == K::Related && p.quantifier == ir::Quantifier::None) {
    Predicate some = p;
    some.quantifier = ir::Quantifier::Some;
    return some;
  }
  return std::nullopt;
}

Predicate merged(const std::vector<Predicate>& group) {
  Predicate out = group.front();
  std::vector<Predicate> alternatives;
  for (const auto& g : group) alternatives.push_back(g.children.front());
  out.children = {rewrite(Predicate::any_of(std::move(alternatives)))};
  return out;
}

// Groups existentials on the same relationship: in an OR the positive ones,
// in an AND the negated ones. Other children keep their order.
std::vector<Predicate> merge_existentials(std::vector<Predicate> children, bool conjunction) {
  std::map<const schema::Relationship*, std::vector<Predicate>> groups;
  std::vector<Predicate> out;
  std::vector<const schema::Relationship*> order;
  for (auto& c : children) {
    std::optional<Predicate> e;
    if (conjunction)
      e = negated_existential(c);
    else if (existential(c))
      e = c;
    if (!e) {
      out.push_back(std::move(c));
      continue;
    }
    auto& group = groups[e->relationship];
    if (group.empty()) order.push_back(e->relationship);
    group.push_back(std::move(*e));
  }
  for (const auto* rel : order) {
    const auto& group = groups[rel];
    Predicate m = group.size() == 1 ? group.front() : merged(group);
    out.push_back(conjunction ? Predicate::negate(std::move(m)) : std::move(m));
  }
  return out;
}

Predicate junction(const Predicate& p) {
  bool conjunction = p.kind == K::And;
  std::vector<Predicate> children;
  for (const auto& c : p.children) {
    Predicate r = rewrite(c);
    if (is_const(r, conjunction)) continue;  // TRUE in AND, FALSE in OR
    if (is_const(r, !conjunction)) return Predicate::always(!conjunction);  // decides
    if (r.kind == p.kind) {                                                 // flatten
      for (auto& g : r.children) children.push_back(std::move(g));
    } else {
      children.push_back(std::move(r));
    }
  }
  children = merge_existentials(std::move(children), conjunction);
  if (children.empty()) return Predicate::always(conjunction);
  if (children.size() == 1) return std::move(children.front());
  Predicate out =
      conjunction ? Predicate::all_of(std::move(children)) : Predicate::any_of(std::move(children));
  out.loc = p.loc;
  return out;
}

}  // namespace

Predicate rewrite(const Predicate& p) {
  switch (p.kind) {
    case K::And:
    case K::Or:
      return junction(p);
    case K::Not: {
      Predicate inner = rewrite(p.children.front());
      if (inner.kind == K::Not) return std::move(inner.children.front());
      if (inner.kind == K::True || inner.kind == K::False)
        return Predicate::always(inner.kind == K::False);
      return Predicate::negate(std::move(inner));
    }
    case K::Related: {
      Predicate out = p;
      out.children = {rewrite(p.children.front())};
      return out;
    }
    default:
      return p;
  }
}

namespace {

void optimize_selections(std::vector<ir::Selection>& selections) {
  for (auto& s : selections) {
    if (s.kind != ir::Selection::Kind::Related) continue;
    s.where = rewrite(s.where);
    optimize_selections(s.selections);
  }
}

}  // namespace

ir::Query optimize(const ir::Query& analysed) {
  ir::Query out = analysed;
  for (auto& root : out.roots) {
    root.where = rewrite(root.where);
    optimize_selections(root.selections);
  }
  return out;
}

}  // namespace posture::optimizer
