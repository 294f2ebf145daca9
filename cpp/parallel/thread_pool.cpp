#include "parallel/thread_pool.hpp"

#ifdef _WIN32
#include <process.h>
#define FRAME64_GETPID _getpid
#else
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

void TaskGroup::block_until_finished() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return finished(); });
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
    : owner_pid_(static_cast<long>(FRAME64_GETPID())), threads_(new std::vector<std::thread>()) {
    threads_->reserve(workers);
    try {
        for (std::size_t i = 0; i < workers; ++i) threads_->emplace_back([this] { worker_loop(); });
    } catch (...) {
        // Could not start every thread: keep the ones that started.
    }
    worker_count_ = threads_->size();
}

ThreadPool::~ThreadPool() {
    if (forked()) {
        // In a fork() child the workers do not exist and the mutex may be
        // held by a thread that is gone: touch neither, leak the handles.
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& thread : *threads_) thread.join();
    delete threads_;
}

bool ThreadPool::forked() const noexcept { return static_cast<long>(FRAME64_GETPID()) != owner_pid_; }

std::shared_ptr<TaskGroup> ThreadPool::next_claimable_locked() {
    while (!queue_.empty() && !queue_.front()->claimable()) queue_.pop_front();
    return queue_.empty() ? nullptr : queue_.front();
}

void ThreadPool::worker_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (stop_) return;
        std::shared_ptr<TaskGroup> group = next_claimable_locked();
        if (!group) {
            wake_.wait(lock);
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
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(group);
    }
    wake_.notify_all();
}

void ThreadPool::wait(TaskGroup& group) {
    while (group.run_one()) {
    }
    // Our own tasks are all claimed; help with queued work until ours is done.
    if (worker_count_ > 0 && !forked()) {
        while (!group.finished()) {
            std::shared_ptr<TaskGroup> other;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                other = next_claimable_locked();
            }
            if (!other) break;
            other->run_one();
        }
    }
    group.block_until_finished();
}

void ThreadPool::run(std::size_t count, std::function<void(std::size_t)> task) {
    if (count == 0) return;
    auto group = std::make_shared<TaskGroup>(count, std::move(task));
    if (count > 1) submit(group);
    wait(*group);
    group->rethrow_if_failed();
}

}  // namespace frame64::parallel
