// A small fixed-size thread pool for frame64's GIL-free work.
//
// Work is submitted as a TaskGroup: `count` independent tasks, task(i) for
// i in [0, count). Pool workers and the thread that waits on a group both run
// tasks, so a pool with zero workers still finishes everything (on the
// waiting thread), waiting can never deadlock on a busy pool, and a pool
// inherited by a fork() child (whose workers do not exist) still works.
//
// Tasks must not touch Python objects: they run without the GIL.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace frame64::parallel {

inline constexpr std::chrono::steady_clock::time_point kForever = std::chrono::steady_clock::time_point::max();

class TaskGroup {
public:
    TaskGroup(std::size_t count, std::function<void(std::size_t)> task);
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    // Claims the next unclaimed task and runs it; false when none was left.
    // An exception from a task is kept (the lowest index wins), not thrown.
    bool run_one() noexcept;
    bool claimable() const noexcept { return next_.load(std::memory_order_relaxed) < count_; }
    bool finished() const noexcept { return remaining_.load(std::memory_order_acquire) == 0; }
    // Blocks until every task has run (does not run any itself), or until
    // the deadline; returns finished().
    bool block_until_finished(std::chrono::steady_clock::time_point deadline = kForever);
    // Rethrows the exception of the lowest-index failed task, if any.
    void rethrow_if_failed();

private:
    const std::size_t count_;
    const std::function<void(std::size_t)> task_;
    std::atomic<std::size_t> next_{0};
    std::atomic<std::size_t> remaining_;
    std::mutex mutex_;
    std::condition_variable done_;
    std::size_t error_index_ = static_cast<std::size_t>(-1);
    std::exception_ptr error_;
};

class ThreadPool {
public:
    // `workers` background threads (0 is valid: callers then run everything).
    explicit ThreadPool(std::size_t workers);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t workers() const noexcept { return worker_count_; }
    // True in a fork() child of the process that made the pool: its workers do not exist there.
    bool forked() const noexcept;

    // Queues a group for the workers and returns at once.
    void submit(const std::shared_ptr<TaskGroup>& group);
    // Returns when `group` has finished. Meanwhile the calling thread runs
    // the group's unclaimed tasks, then other queued groups' tasks.
    void wait(TaskGroup& group) { wait_until(group, kForever); }
    // The same, but returns by the deadline (plus at most one task that was
    // started before it) with group.finished().
    bool wait_until(TaskGroup& group, std::chrono::steady_clock::time_point deadline);

private:
    // Everything the workers share. Heap-held so that a fork() child, where
    // the workers do not exist but the mutex and condition variable still
    // record them, can leak it instead of joining or destroying (both could
    // block forever there).
    struct State {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::shared_ptr<TaskGroup>> queue;
        bool stop = false;
        std::vector<std::thread> threads;
    };

    static void worker_loop(State& state);
    static std::shared_ptr<TaskGroup> next_claimable_locked(State& state);

    std::unique_ptr<State> state_;
    std::size_t worker_count_ = 0;
    long owner_pid_ = 0;
};

// The process's pool for work that lasts one call (a frame's decode bands,
// PNG deflate bands, area-resize chunks): started on first use, grown to the
// most workers a call has asked for (at most kMaxSharedWorkers), never
// shrunk, so a call starts no thread (against a pool per call: about 0.15 ms
// of wall and 0.2 ms of CPU time less per 1080p two-band decode, measured
// interleaved). A group of n tasks on it runs on at most n threads, the
// waiting one included, so a call asking for t threads makes at most t
// tasks (run_on_shared_pool). In a fork() child the inherited pool (whose
// workers do not exist) is left behind and a new one started. Thread-safe.
inline constexpr std::size_t kMaxSharedWorkers = 256;
std::shared_ptr<ThreadPool> shared_pool(std::size_t workers);

// Runs task(i) for every i in [0, count) on at most `threads` threads: the
// calling thread and threads - 1 of the shared pool's workers, each claiming
// the next index in order (so a pool grown by another call for more threads
// still gives this one no more than it asked for). With threads <= 1 or
// count <= 1 everything runs here. Every index runs even when one throws;
// then the exception of the lowest failed index is rethrown.
void run_on_shared_pool(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& task);

}  // namespace frame64::parallel
