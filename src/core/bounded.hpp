// Bounded containers: every queue a peer can grow has a capacity and a drop policy in a Config
// (ARCHITECTURE.md 3). No I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

namespace stakecast {

enum class DropPolicy {
  reject_new,   // push fails when full; the caller decides (back-pressure)
  drop_oldest,  // push evicts the front
};

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity, DropPolicy policy = DropPolicy::reject_new)
      : capacity_(capacity), policy_(policy) {}

  // Returns false if the element was not stored (reject_new and full, or capacity 0).
  bool push(T v) {
    if (capacity_ == 0) return false;
    if (q_.size() >= capacity_) {
      if (policy_ == DropPolicy::reject_new) {
        ++dropped_;
        return false;
      }
      q_.pop_front();
      ++dropped_;
    }
    q_.push_back(std::move(v));
    return true;
  }
  T pop() {
    T v = std::move(q_.front());
    q_.pop_front();
    return v;
  }
  T& front() { return q_.front(); }
  const T& front() const { return q_.front(); }
  bool empty() const { return q_.empty(); }
  bool full() const { return q_.size() >= capacity_; }
  std::size_t size() const { return q_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::size_t dropped() const { return dropped_; }
  void clear() { q_.clear(); }
  auto begin() const { return q_.begin(); }
  auto end() const { return q_.end(); }

 private:
  std::deque<T> q_;
  std::size_t capacity_;
  DropPolicy policy_;
  std::size_t dropped_ = 0;
};

}  // namespace stakecast
