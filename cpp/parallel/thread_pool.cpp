#include "parallel/thread_pool.hpp"

#include <algorithm>

#ifdef _WIN32
#include <process.h>
#define FRAME64_GETPID _getpid
#else
#include <pthread.h>
#include <unistd.h>
#define FRAME64_GETPID getpid
#endif

namespace frame64::parallel {

TaskGroup::TaskGroup(std::size_t count, std::function<void(std::size_t)> task)
    : count_(count), task_(std::move(task)), remaining_(count) {}

bool TaskGroup::run_one() noexcept {
    const std::size_t index = next_.fetch_add(1, std::memory_order_relaxed);
    if (index >= count_) return false;
    try {
        task_(index);
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (index < error_index_) {
            error_index_ = index;
            error_ = std::current_exception();
        }
    }
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // Notify under the lock so that a waiter cannot miss it between its
        // check and its sleep.
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_all();
    }
    return true;
}

bool TaskGroup::block_until_finished(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (deadline == kForever) {
        done_.wait(lock, [this] { return finished(); });
        return true;
    }
    return done_.wait_until(lock, deadline, [this] { return finished(); });
}

void TaskGroup::rethrow_if_failed() {
    std::exception_ptr error;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        error = error_;
    }
    if (error) std::rethrow_exception(error);
}

ThreadPool::ThreadPool(std::size_t workers)
    : state_(std::make_unique<State>()), owner_pid_(static_cast<long>(FRAME64_GETPID())) {
    State& state = *state_;
    state.threads.reserve(workers);
    try {
        for (std::size_t i = 0; i < workers; ++i) state.threads.emplace_back([&state] { worker_loop(state); });
    } catch (...) {
        // Could not start every thread: keep the ones that started.
    }
    worker_count_ = state.threads.size();
}

ThreadPool::~ThreadPool() {
    if (forked()) {
        (void)state_.release();  // see State
        return;
    }
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stop = true;
    }
    state_->wake.notify_all();
    for (std::thread& thread : state_->threads) thread.join();
}

namespace {

// shared_pool's lock and pool (never destroyed: workers may still wait on
// the pool while the process exits).
std::mutex* const shared_pool_mutex = new std::mutex();
std::shared_ptr<ThreadPool>* const shared_pool_current = new std::shared_ptr<ThreadPool>();

}  // namespace

std::shared_ptr<ThreadPool> shared_pool(std::size_t workers) {
    workers = std::min(workers, kMaxSharedWorkers);
#ifndef _WIN32
    // The lock is held across fork() so that a child never inherits it held
    // by a thread that does not exist there.
    static const int fork_handlers = pthread_atfork([] { shared_pool_mutex->lock(); },
                                                    [] { shared_pool_mutex->unlock(); },
                                                    [] { shared_pool_mutex->unlock(); });
    (void)fork_handlers;
#endif
    std::lock_guard<std::mutex> lock(*shared_pool_mutex);  // held for pointer work, and for starting threads on growth
    std::shared_ptr<ThreadPool>& pool = *shared_pool_current;
    // A fork() child's copy is dropped: its destructor leaks the state (see State) and joins no thread.
    if (pool != nullptr && pool->forked()) pool.reset();
    // Calls still holding a smaller pool finish on it; it stops when the last one lets go.
    if (pool == nullptr || pool->workers() < workers) pool = std::make_shared<ThreadPool>(workers);
    return pool;
}

void run_on_shared_pool(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& task) {
    threads = std::min({threads, count, kMaxSharedWorkers + 1});
    // The indices are a group that nobody submits: `threads` runners (a group
    // of their own, on the pool) drain it, so it records the failures.
    const auto indices = std::make_shared<TaskGroup>(count, task);
    if (threads > 1) {
        const std::shared_ptr<ThreadPool> pool = shared_pool(threads - 1);
        auto runners = std::make_shared<TaskGroup>(threads, [indices](std::size_t) {
            while (indices->run_one()) {
            }
        });
        pool->submit(runners);
        pool->wait(*runners);  // every runner has returned, so every index has run
    } else {
        while (indices->run_one()) {
        }
    }
    indices->rethrow_if_failed();
}

bool ThreadPool::forked() const noexcept { return static_cast<long>(FRAME64_GETPID()) != owner_pid_; }

std::shared_ptr<TaskGroup> ThreadPool::next_claimable_locked(State& state) {
    while (!state.queue.empty() && !state.queue.front()->claimable()) state.queue.pop_front();
    return state.queue.empty() ? nullptr : state.queue.front();
}

void ThreadPool::worker_loop(State& state) {
    std::unique_lock<std::mutex> lock(state.mutex);
    for (;;) {
        if (state.stop) return;
        std::shared_ptr<TaskGroup> group = next_claimable_locked(state);
        if (!group) {
            state.wake.wait(lock);
            continue;
        }
        lock.unlock();
        group->run_one();
        group.reset();  // drop our reference before taking the lock again
        lock.lock();
    }
}

void ThreadPool::submit(const std::shared_ptr<TaskGroup>& group) {
    if (worker_count_ == 0 || forked() || !group->claimable()) return;  // the waiter will run it
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->queue.push_back(group);
    }
    state_->wake.notify_all();
}

bool ThreadPool::wait_until(TaskGroup& group, std::chrono::steady_clock::time_point deadline) {
    const auto before_deadline = [deadline] {
        return deadline == kForever || std::chrono::steady_clock::now() < deadline;
    };
    while (before_deadline() && group.run_one()) {
    }
    // Our own tasks are all claimed; help with queued work until ours is done.
    if (worker_count_ > 0 && !forked()) {
        while (!group.finished() && before_deadline()) {
            std::shared_ptr<TaskGroup> other;
            {
                std::lock_guard<std::mutex> lock(state_->mutex);
                other = next_claimable_locked(*state_);
            }
            if (!other) break;
            other->run_one();
        }
    }
    // Without workers, unclaimed tasks of ours can only run on this thread.
    if (group.claimable()) return false;
    return group.block_until_finished(deadline);
}

}  // namespace frame64::parallel
